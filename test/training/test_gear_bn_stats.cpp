// The BatchNorm statistics a gear holds (gear_bn_stats.h): the shift formula
// against the affine case it is exact for, and on a real network that a
// "distortion" that changes nothing leaves every statistic at the base, which
// only holds when each layer is estimated as deployed, after the layers before it.
#include <catch2/catch.hpp>

#include "gearnn/model/segmenter.h"
#include "gearnn/training/gear_bn_stats.h"
#include "gearnn/training/train_command.h"
#include "test_support.h"
#include "catch_with_torch.h"  // after LibTorch's headers

using namespace gearnn;
using namespace gearnn::test;

namespace {

FrameSet clip_frames(const ModelCard& card, uint64_t seed) {
  const std::string clip = synth_clip(12, 320, 192, seed);
  return load_frames(clip + "/video.mkv", clip + "/labels", 1,
                     cv::Size(storage_dim(card.input_width), storage_dim(card.input_height)));
}

double max_diff(const torch::Tensor& a, const torch::Tensor& b) { return (a - b).abs().max().item<double>(); }

}  // namespace

TEST_CASE("gear BatchNorm shift: a per-channel affine distortion normalises to the pristine value",
          "[gears][torch]") {
  torch::manual_seed(3);
  const int64_t c = 16;
  const auto m = torch::randn({c}), v = torch::rand({c}) + 0.2;   // base
  const auto p = torch::randn({c}), vp = torch::rand({c}) + 0.2;  // pristine input of this scene
  const auto a = torch::rand({c}) + 0.3, b = torch::randn({c});   // x_d = a x_p + b
  torch::Tensor mean = a * p + b, var = a * a * vp;               // measured on the distorted frames
  shift_statistics(m, v, p, vp, mean, var);
  const auto x = p + vp.sqrt() * torch::randn({100, c});
  const auto pristine_out = (x - m) / v.sqrt();
  const auto distorted_out = (a * x + b - mean) / var.sqrt();
  CHECK(max_diff(pristine_out, distorted_out) < 1e-4);

  // No distortion: the base itself.
  torch::Tensor same_mean = p.clone(), same_var = vp.clone();
  shift_statistics(m, v, p, vp, same_mean, same_var);
  CHECK(max_diff(same_mean, m) < 1e-5);
  CHECK(max_diff(same_var, v) < 1e-5);
}

TEST_CASE("gear BatchNorm statistics: layer by layer as deployed", "[gears][torch]") {
  set_torch_threads(2);
  TorchModel model(load_model_card(source_dir() + "/data/models/street"));
  const FrameSet frames = clip_frames(model.card(), 5);
  const TensorState base = clone_state(model);
  // Three chained layers; the last holds only its variance.
  const std::set<std::string> gear = {"stem_bn.running_mean",         "stem_bn.running_var",
                                      "stage1.0.dw_bn.running_mean",  "stage1.0.dw_bn.running_var",
                                      "stage1.1.dw_bn.running_var",   "stage1.0.dw_bn.weight"};
  const std::vector<std::string> layers = bn_layers_of(model, gear);
  CHECK(layers == std::vector<std::string>{"stem_bn", "stage1.0.dw_bn", "stage1.1.dw_bn"});

  const TensorState pristine = bn_statistics(model, frames, layers);
  REQUIRE(pristine.size() == 6);
  for (auto& [name, t] : model.named_tensors()) CHECK(torch::equal(t, base.at(name)));  // left as it was
  // The synthetic scene is not the training data: its statistics differ from the base.
  CHECK(max_diff(pristine.at("stage1.0.dw_bn.running_mean"), base.at("stage1.0.dw_bn.running_mean")) > 1e-3);

  SECTION("shift with the pristine frames as the distorted ones changes nothing") {
    fit_gear_bn(model, frames, gear, base, pristine, "shift");
    for (auto& [name, t] : model.named_tensors()) {
      INFO(name);
      CHECK(max_diff(t, base.at(name)) < 1e-4 * (1 + base.at(name).abs().max().item<double>()));
    }
  }
  SECTION("reestimate: each layer measured after the ones before it are set; a statistic outside the gear stays") {
    fit_gear_bn(model, frames, gear, base, pristine, "reestimate");
    const TensorState now = clone_state(model);
    auto close = [](const torch::Tensor& a, const torch::Tensor& b) {
      return max_diff(a, b) < 1e-4 * (1 + b.abs().max().item<double>());
    };
    // The first layer sees the base network in front of it: its pristine statistics.
    CHECK(close(now.at("stem_bn.running_mean"), pristine.at("stem_bn.running_mean")));
    CHECK(close(now.at("stem_bn.running_var"), pristine.at("stem_bn.running_var")));
    // The second sees the first as re-estimated.
    load_state(model, base);
    load_state(model, {{"stem_bn.running_mean", now.at("stem_bn.running_mean")},
                       {"stem_bn.running_var", now.at("stem_bn.running_var")}});
    const TensorState second = bn_statistics(model, frames, {"stage1.0.dw_bn"});
    CHECK(close(now.at("stage1.0.dw_bn.running_mean"), second.at("stage1.0.dw_bn.running_mean")));
    CHECK(close(now.at("stage1.0.dw_bn.running_var"), second.at("stage1.0.dw_bn.running_var")));
    CHECK_FALSE(close(now.at("stage1.1.dw_bn.running_var"), base.at("stage1.1.dw_bn.running_var")));
    CHECK(torch::equal(now.at("stage1.1.dw_bn.running_mean"), base.at("stage1.1.dw_bn.running_mean")));
    CHECK(torch::equal(now.at("stage1.0.dw_bn.weight"), base.at("stage1.0.dw_bn.weight")));  // not a statistic
  }
  SECTION("keep leaves the base") {
    fit_gear_bn(model, frames, gear, base, pristine, "keep");
    for (auto& [name, t] : model.named_tensors()) CHECK(torch::equal(t, base.at(name)));
  }
}
