#include "overlay_writer.h"

#include <opencv2/imgproc.hpp>

namespace gearnn {
namespace {

cv::Mat colour_overlay(const cv::Mat& rgb, const cv::Mat& ids, const Palette& palette) {
  cv::Mat out(rgb.size(), CV_8UC3);
  for (int r = 0; r < rgb.rows; ++r) {
    const uint8_t* src = rgb.ptr<uint8_t>(r);
    const uint8_t* id = ids.ptr<uint8_t>(r);
    uint8_t* dst = out.ptr<uint8_t>(r);
    for (int c = 0; c < rgb.cols; ++c) {
      const auto& col = palette[id[c] < palette.size() ? id[c] : 0];
      for (int k = 0; k < 3; ++k) dst[3 * c + k] = static_cast<uint8_t>((src[3 * c + k] + col[k]) / 2);
    }
  }
  return out;
}

}  // namespace

OverlayWriter::OverlayWriter(const std::string& path, const VideoInfo& input, cv::Size size, const Palette& palette)
    : palette_(palette) {
  EncoderSettings s;
  s.fps = input.fps > 0 ? input.fps : 10;
  s.options = {{"crf", "23"}, {"preset", "veryfast"}};
  s.fragmented = input.live;  // a live run has no length: keep memory flat
  video_ = std::make_unique<VideoWriter>(path, size.width, size.height, s);
}

void OverlayWriter::write(const FrameResult& result) {
  const cv::Mat* rgb = &result.frame.rgb;
  if (rgb->size() != result.ids.size()) {
    cv::resize(*rgb, scaled_, result.ids.size(), 0, 0, cv::INTER_LINEAR);
    rgb = &scaled_;
  }
  video_->write(colour_overlay(*rgb, result.ids, palette_));
}

void OverlayWriter::finish(bool complete) {
  if (complete) video_->finish();
  video_.reset();
}

}  // namespace gearnn
