// The built-in net's inference path (BatchNorm folded into channels-last
// oneDNN convolutions) against its plain layers, the reference: same logits
// within float rounding and the same masks, for every shipped gear and after
// any sequence of in-place gear switches, which must refold what they touch.
#include <catch2/catch.hpp>
#include <filesystem>
#include <random>

#include "gearnn/io/video_reader.h"
#include "gearnn/model/gear_bank.h"
#include "gearnn/model/torch_model.h"
#include "test_support.h"
#include "catch_with_torch.h"  // after LibTorch's headers

using namespace gearnn;
using namespace gearnn::test;
namespace fs = std::filesystem;

namespace {

cv::Mat sample_frame(int skip) {
  VideoReader reader(source_dir() + "/data/samples/street-dynamic/video.mp4");
  DecodedFrame f;
  for (int i = 0; i <= skip; ++i) REQUIRE(reader.read(f));
  return f.rgb.clone();
}

struct Outputs {
  torch::Tensor fast, plain;
};

Outputs both_paths(Segmenter& model, const cv::Mat& chw) {
  const ModelCard& c = model.card();
  c10::InferenceMode guard;
  auto x = torch::from_blob(const_cast<float*>(chw.ptr<float>()), {1, 3, c.input_height, c.input_width});
  return {model.torch_model().forward(x).contiguous(), model.torch_model().forward_plain(x).contiguous()};
}

// Pixels whose argmax differs between the two logit maps, among those whose
// best two classes are further apart than `margin` in the reference (closer
// ties may flip under rounding).
int64_t flipped_clear_pixels(const torch::Tensor& a, const torch::Tensor& ref, float margin) {
  auto top2 = ref.topk(2, 1);
  auto gap = std::get<0>(top2).select(1, 0) - std::get<0>(top2).select(1, 1);
  auto differ = a.argmax(1).ne(ref.argmax(1));
  return differ.logical_and(gap.gt(margin)).sum().item<int64_t>();
}

}  // namespace

TEST_CASE("folded inference matches the plain layers for every shipped gear, after any switches", "[model][torch][fast]") {
  const cv::Mat frames[2] = {sample_frame(0), sample_frame(40)};
  std::mt19937 rng(7);
  for (const std::string model_name : {"street", "street-robust"}) {
    const std::string dir = source_dir() + "/data/models/" + model_name;
    Segmenter model(dir);
    const cv::Mat chw[2] = {model.preprocess(frames[0]), model.preprocess(frames[1])};
    for (const auto& entry : fs::directory_iterator(dir + "/gears")) {
      INFO(entry.path().string());
      const GearSet set = load_gear_set(entry.path().string());
      GearBank bank(set, model);
      const int n = static_cast<int>(set.gears.size());
      std::map<int, torch::Tensor> first_seen;  // gear -> fast logits on frame 0
      // Every gear once in order, then a random walk (with returns to the base).
      std::vector<int> order;
      for (int g = -1; g < n; ++g) order.push_back(g);
      for (int k = 0; k < 2 * n; ++k) order.push_back(std::uniform_int_distribution<int>(-1, n - 1)(rng));
      for (int g : order) {
        INFO("gear " << g);
        bank.apply(g);
        for (int f = 0; f < 2; ++f) {
          const Outputs o = both_paths(model, chw[f]);
          const float scale = o.plain.abs().max().item<float>();
          CHECK((o.fast - o.plain).abs().max().item<float>() <= 1e-4f * std::max(1.0f, scale));
          CHECK(flipped_clear_pixels(o.fast, o.plain, 1e-3f * std::max(1.0f, scale)) == 0);
          if (f == 0) {
            // A gear gives the same bits whenever it is in place, whatever came before.
            auto it = first_seen.find(g);
            if (it == first_seen.end())
              first_seen.emplace(g, o.fast);
            else
              CHECK(torch::equal(o.fast, it->second));
          }
        }
      }
    }
  }
}

TEST_CASE("folded inference follows weights changed in place and BatchNorm layers left training", "[model][torch][fast]") {
  Segmenter model(builtin_model());
  const cv::Mat chw = model.preprocess(sample_frame(0));
  TorchModel& tm = model.torch_model();
  const torch::Tensor before = both_paths(model, chw).fast;
  {
    torch::NoGradGuard no_grad;
    for (auto& [name, t] : tm.named_tensors())
      if (name == "stage2.0.pw_bn.running_var") t.mul_(4.0);
  }
  const Outputs after = both_paths(model, chw);
  CHECK_FALSE(torch::equal(after.fast, before));
  CHECK(torch::allclose(after.fast, after.plain, 1e-4, 1e-4));
  // One BatchNorm training (statistics following the data): no folding, the plain path runs.
  tm.set_bn_mode({"stem_bn"}, false, false);
  torch::NoGradGuard no_grad;
  const ModelCard& c = model.card();
  auto x = torch::from_blob(const_cast<float*>(chw.ptr<float>()), {1, 3, c.input_height, c.input_width}).clone();
  auto stem_mean = [&] {
    for (auto& [name, t] : tm.named_tensors())
      if (name == "stem_bn.running_mean") return t.clone();
    return torch::Tensor();
  };
  const torch::Tensor m0 = stem_mean();
  tm.forward(x);
  CHECK_FALSE(torch::equal(stem_mean(), m0));
  tm.train(false);
}
