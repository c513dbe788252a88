// Built-in models compute the same logits, bit for bit, whatever the number of
// LibTorch threads: batch items run with --jobs N (one thread each) and shards
// run with all cores must give the same masks and confusion matrices. LibTorch
// 1.13 alone does not: it picks another 1x1 convolution kernel with one thread.
#include <catch2/catch.hpp>
#include <cstring>

#include "gearnn/model/segmenter.h"
#include "test_support.h"
#include "catch_with_torch.h"  // after LibTorch's headers

using namespace gearnn;
using namespace gearnn::test;

namespace {

bool same_bits(const cv::Mat& a, const cv::Mat& b) {
  return a.total() == b.total() && a.elemSize() == b.elemSize() &&
         std::memcmp(a.data, b.data, a.total() * a.elemSize()) == 0;
}

}  // namespace

TEST_CASE("built-in models: logits and masks do not depend on the thread count", "[model][torch][threads]") {
  cv::Mat frame(200, 352, CV_8UC3);
  cv::randu(frame, 0, 255);
  const int threads_before = torch_threads();
  for (const std::string& dir : {builtin_model(), source_dir() + "/data/models/street"}) {
    INFO(dir);
    Segmenter model(dir);
    const cv::Mat chw = model.preprocess(frame);
    set_torch_threads(1);
    const cv::Mat logits1 = model.forward(chw);
    const cv::Mat ids1 = model.infer(chw, frame.size());
    for (int threads : {2, 3}) {
      INFO(threads << " threads");
      set_torch_threads(threads);
      CHECK(same_bits(model.forward(chw), logits1));
      CHECK(same_bits(model.infer(chw, frame.size()), ids1));
    }
  }
  set_torch_threads(threads_before);
}
