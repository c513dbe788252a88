#include "gearnn/model/postprocess.h"

#include <limits>
#include <opencv2/imgproc.hpp>

namespace gearnn {

cv::Mat logits_to_ids(const cv::Mat& logits, cv::Size frame_size) {
  const int classes = logits.size[0], h = logits.size[1], w = logits.size[2];
  cv::Mat best(frame_size, CV_32FC1, cv::Scalar(-std::numeric_limits<float>::infinity()));
  cv::Mat ids(frame_size, CV_8UC1, cv::Scalar(0)), up;
  for (int c = 0; c < classes; ++c) {
    const cv::Mat plane(h, w, CV_32FC1, const_cast<float*>(logits.ptr<float>(c)));
    if (plane.size() == frame_size)
      up = plane;
    else
      cv::resize(plane, up, frame_size, 0, 0, cv::INTER_LINEAR);
    for (int r = 0; r < frame_size.height; ++r) {
      const float* u = up.ptr<float>(r);
      float* b = best.ptr<float>(r);
      uint8_t* id = ids.ptr<uint8_t>(r);
      for (int x = 0; x < frame_size.width; ++x)
        if (u[x] > b[x]) b[x] = u[x], id[x] = static_cast<uint8_t>(c);
    }
  }
  return ids;
}

}  // namespace gearnn
