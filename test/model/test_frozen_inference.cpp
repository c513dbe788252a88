// TorchScript models run frozen and optimised for inference
// (TorchModel::freeze_for_inference) while every tensor a gear touches stays
// switchable: logits match the module as loaded (the reference) after any
// sequence of gear switches, gears still change the answer, and a change to a
// tensor the frozen copy baked in drops the copy instead of being ignored.
#include <catch2/catch.hpp>

#include <random>

#include "gearnn/model/gear_bank.h"
#include "gearnn/model/torch_model.h"
#include "test_support.h"
#include "catch_with_torch.h"  // after LibTorch's headers

using namespace gearnn;
using namespace gearnn::test;

namespace {

bool ends_with(const std::string& s, const std::string& end) {
  return s.size() >= end.size() && s.compare(s.size() - end.size(), end.size(), end) == 0;
}

// Gear tensors: every statistic and affine parameter of the first BatchNorm
// layer, the last tensor (the classifier's), and one convolution weight.
std::vector<std::string> gear_tensors(TorchModel& model) {
  std::vector<std::string> out;
  const std::vector<std::string> bn = model.batchnorm_layers();
  REQUIRE_FALSE(bn.empty());
  std::string conv_weight, last;
  for (auto& [name, t] : model.named_tensors()) {
    if (!t.is_floating_point()) continue;
    if (name.rfind(bn[0] + ".", 0) == 0) out.push_back(name);
    if (conv_weight.empty() && t.dim() == 4) conv_weight = name;
    last = name;
  }
  out.push_back(conv_weight);
  if (std::find(out.begin(), out.end(), last) == out.end()) out.push_back(last);
  return out;
}

// A gear that moves each tensor by a seeded random amount (variances scaled, kept positive).
void write_gear(const std::string& path, TorchModel& model, const std::vector<std::string>& names, uint64_t seed) {
  torch::manual_seed(seed);
  std::map<std::string, torch::Tensor> g;
  for (auto& [name, t] : model.named_tensors()) {
    if (std::find(names.begin(), names.end(), name) == names.end()) continue;
    const auto base = t.detach().clone();
    g[name] = ends_with(name, "running_var") ? base * (0.5 + torch::rand_like(base))
                                             : base + 0.3 * (base.std().item<double>() + 0.1) * torch::randn_like(base);
  }
  REQUIRE(g.size() == names.size());
  save_tensor_dict(path, g);
}

double max_diff(const torch::Tensor& a, const torch::Tensor& b) { return (a - b).abs().max().item<double>(); }

}  // namespace

TEST_CASE("frozen TorchScript inference follows gear switches and matches the module as loaded", "[gears][torch]") {
  const std::string kind = GENERATE(std::string("tiny"), std::string("lraspp"));
  INFO(kind);
  set_torch_threads(2);
  Segmenter model(torchscript_model(kind));
  TorchModel& tm = model.torch_model();
  const std::vector<std::string> names = gear_tensors(tm);
  const std::string dir = scratch_dir("frozen-" + kind);
  write_gear(dir + "/a.pt", tm, names, 1);
  write_gear(dir + "/b.pt", tm, {names.front(), names.back()}, 2);
  write_json_file(dir + "/gears.json", {{"gears", {{{"name", "a"}, {"file", "a.pt"}, {"when", {{"qp", {0, 30}}}}},
                                                   {{"name", "b"}, {"file", "b.pt"}, {"when", {{"qp", {30, 52}}}}}}}});
  const GearSet cfg = load_gear_set(dir);
  GearBank bank(cfg, model);
  REQUIRE(model.prepare_inference(names));
  REQUIRE(tm.frozen());

  torch::manual_seed(9);
  const ModelCard& card = model.card();
  const auto x = torch::randn({2, 3, card.input_height, card.input_width});
  torch::NoGradGuard no_grad;
  const auto base = tm.forward_plain(x);
  const double scale = 1 + base.abs().max().item<double>();
  // The reference for a switch in place: the module frozen afresh with that
  // gear already in its weights, which runs the same kernels. Against the
  // plain module only a float tolerance holds: oneDNN's kernels on AVX-512
  // machines differ from the plain path by up to 2e-3 of the logits' scale
  // even at the base weights (1e-6 on AVX2 machines).
  std::map<int, torch::Tensor> frozen_with;
  auto frozen_afresh = [&](int gear) {
    if (!frozen_with.count(gear)) {
      Segmenter fresh(torchscript_model(kind));
      GearBank fresh_bank(cfg, fresh);
      fresh_bank.apply(gear);
      REQUIRE(fresh.prepare_inference(names));
      frozen_with[gear] = fresh.torch_model().forward(x).clone();
    }
    return frozen_with[gear];
  };
  std::mt19937 rng(4);
  std::map<int, torch::Tensor> first_seen;
  for (int step = 0; step < 12; ++step) {
    const int gear = static_cast<int>(rng() % 3) - 1;  // -1 = base weights
    bank.apply(gear);
    const auto fast = tm.forward(x), plain = tm.forward_plain(x);
    INFO("step " << step << " gear " << gear);
    CHECK(max_diff(fast, frozen_afresh(gear)) < 1e-5 * scale);
    CHECK(max_diff(fast, plain) < 5e-3 * scale);
    if (gear >= 0) CHECK(max_diff(plain, base) > 1e-5 * scale);  // the gear matters (little on a random LRASPP)
    // The same gear again gives the same logits, bit for bit.
    if (first_seen.count(gear)) CHECK(torch::equal(fast, first_seen[gear]));
    else first_seen[gear] = fast.clone();
  }
  CHECK(tm.frozen());

  // A tensor outside every gear changed in place: the frozen copy baked its
  // old value in, so it is dropped and the module as loaded answers.
  bank.apply(-1);
  for (auto& [name, t] : tm.named_tensors())
    if (t.is_floating_point() && std::find(names.begin(), names.end(), name) == names.end() && t.dim() == 4) {
      t.mul_(1.5);
      break;
    }
  const auto after = tm.forward(x);
  CHECK_FALSE(tm.frozen());
  CHECK(torch::equal(after, tm.forward_plain(x)));
  CHECK(max_diff(after, base) > 1e-5 * scale);
}
