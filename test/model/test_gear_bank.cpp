// Gear overlays on a real StreetNet: exactly the gear's tensors change, and
// switching back restores bit-identical base weights.
#include <catch2/catch.hpp>

#include "gearnn/common/errors.h"
#include "gearnn/model/gear_bank.h"
#include "gearnn/model/torch_model.h"
#include "test_support.h"
#include "catch_with_torch.h"  // after LibTorch's headers

using namespace gearnn;
using namespace gearnn::test;

namespace {

std::map<std::string, torch::Tensor> snapshot(Segmenter& model) {
  std::map<std::string, torch::Tensor> out;
  for (auto& [name, t] : model.torch_model().named_tensors()) out[name] = t.detach().clone();
  return out;
}

std::set<std::string> changed(Segmenter& model, const std::map<std::string, torch::Tensor>& base) {
  std::set<std::string> out;
  for (auto& [name, t] : model.torch_model().named_tensors())
    if (!torch::equal(t, base.at(name))) out.insert(name);
  return out;
}

// A gear adding `delta` to the named tensors of the live model.
void write_gear(const std::string& path, Segmenter& model, const std::vector<std::string>& names, double delta) {
  std::map<std::string, torch::Tensor> g;
  for (auto& [name, t] : model.torch_model().named_tensors())
    if (std::find(names.begin(), names.end(), name) != names.end()) g[name] = t.detach().clone() + delta;
  REQUIRE(g.size() == names.size());
  save_tensor_dict(path, g);
}

// Gears "a" (qp below 30, +0.5) and "b" (qp 30 and above, -0.25) on the named tensors, as a set in dir.
GearSet two_gear_set(const std::string& dir, Segmenter& model, const std::vector<std::string>& a,
                     const std::vector<std::string>& b) {
  write_gear(dir + "/a.pt", model, a, 0.5);
  write_gear(dir + "/b.pt", model, b, -0.25);
  write_json_file(dir + "/gears.json", {{"gears", {{{"name", "a"}, {"file", "a.pt"}, {"when", {{"qp", {0, 30}}}}},
                                                   {{"name", "b"}, {"file", "b.pt"}, {"when", {{"qp", {30, 52}}}}}}}});
  return load_gear_set(dir);
}

}  // namespace

TEST_CASE("gear overlay changes exactly the gear's tensors and restores the base bit for bit", "[gears][torch]") {
  Segmenter model(builtin_model());
  const auto base = snapshot(model);
  const std::string dir = scratch_dir("gearbank");
  const std::vector<std::string> a = {"stem_bn.weight", "stem_bn.running_mean", "cls4.bias"};
  const std::vector<std::string> b = {"cls4.bias", "stage1.0.dw.weight"};
  const GearSet cfg = two_gear_set(dir, model, a, b);
  GearBank bank(cfg, model);
  CHECK(bank.gear_bytes() > 0);

  bank.apply(0);
  CHECK(changed(model, base) == std::set<std::string>(a.begin(), a.end()));
  const auto live = model.torch_model().named_tensors();
  for (auto& [name, t] : live)
    if (name == "cls4.bias") CHECK(torch::allclose(t, base.at(name) + 0.5));

  bank.apply(1);  // a's tensors that b does not set go back to base
  CHECK(changed(model, base) == std::set<std::string>(b.begin(), b.end()));

  bank.apply(-1);
  CHECK(changed(model, base).empty());
  bank.apply(0);
  bank.apply(1);
  bank.apply(0);
  bank.apply(-1);
  CHECK(changed(model, base).empty());
}

TEST_CASE("gears for another model or corrupt gear files are rejected by name", "[gears][torch][errors]") {
  Segmenter model(builtin_model());
  const std::string dir = scratch_dir("badgears");
  auto expect_error = [&](const std::string& file, const std::string& words) {
    write_json_file(dir + "/gears.json", {{"gears", {{{"name", "g"}, {"file", file}}}}});
    const GearSet cfg = load_gear_set(dir);
    try {
      GearBank bank(cfg, model);
      FAIL(file + " accepted");
    } catch (const Error& e) {
      const std::string what = e.what();
      INFO(what);
      CHECK(what.find(dir + "/" + file) == 0);
      CHECK(what.find(words) != std::string::npos);
    }
  };
  save_tensor_dict(dir + "/name.pt", {{"backbone.0.weight", torch::zeros({3})}});
  expect_error("name.pt", "not in the model");
  save_tensor_dict(dir + "/shape.pt", {{"cls4.bias", torch::zeros({3})}});
  expect_error("shape.pt", "shape");
  save_tensor_dict(dir + "/dtype.pt", {{"cls4.bias", torch::zeros({8}, torch::kFloat64)}});
  expect_error("dtype.pt", "dtype");
  write_text_file(dir + "/junk.pt", std::string(300, 'x'));
  expect_error("junk.pt", "corrupt");

  save_tensor_dict(dir + "/ok.pt", {{"cls4.bias", torch::zeros({8})}});
  write_json_file(dir + "/gears.json", {{"base_model_hash", "0123"}, {"gears", {{{"name", "g"}, {"file", "ok.pt"}}}}});
  const GearSet cfg = load_gear_set(dir);
  CHECK_THROWS_WITH(GearBank(cfg, model), Catch::Contains("built for another model"));
}

TEST_CASE("blended gears: each tensor mixed by the weight, base where a gear lacks it, then back bit for bit",
          "[gears][blend][torch]") {
  Segmenter model(builtin_model());
  const auto base = snapshot(model);
  const std::string dir = scratch_dir("gearbank-blend");
  const std::vector<std::string> a = {"stem_bn.running_var", "cls4.bias"};
  const std::vector<std::string> b = {"cls4.bias", "stage1.0.dw.weight"};
  const GearSet cfg = two_gear_set(dir, model, a, b);
  GearBank bank(cfg, model);
  auto live = [&](const std::string& name) {
    for (auto& [n, t] : model.torch_model().named_tensors())
      if (n == name) return t.detach().clone();
    FAIL("no tensor " << name);
    return torch::Tensor();
  };
  bank.apply_blend({0, 1, 0.25});
  CHECK(bank.active() == -2);
  CHECK(changed(model, base) == std::set<std::string>{"stem_bn.running_var", "cls4.bias", "stage1.0.dw.weight"});
  // cls4.bias: 0.75 * (base + 0.5) + 0.25 * (base - 0.25) = base + 0.3125
  CHECK(torch::allclose(live("cls4.bias"), base.at("cls4.bias") + 0.3125, 1e-6, 1e-6));
  CHECK(torch::allclose(live("stem_bn.running_var"), base.at("stem_bn.running_var") + 0.375, 1e-6, 1e-6));
  CHECK(torch::allclose(live("stage1.0.dw.weight"), base.at("stage1.0.dw.weight") - 0.0625, 1e-6, 1e-6));
  bank.apply(1);  // one gear after a blend: exactly that gear
  CHECK(changed(model, base) == std::set<std::string>(b.begin(), b.end()));
  CHECK(torch::equal(live("cls4.bias"), (base.at("cls4.bias") - 0.25)));
  bank.apply_blend({-1, 0, 0.5});  // the base and a gear
  CHECK(torch::allclose(live("cls4.bias"), base.at("cls4.bias") + 0.25, 1e-6, 1e-6));
  bank.apply(-1);
  CHECK(changed(model, base).empty());
  CHECK_THROWS(bank.apply_blend({0, 1, 1.0}));
  CHECK_THROWS(bank.apply_blend({0, 2, 0.5}));
}
