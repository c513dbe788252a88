// Joint gear-aware training (`train --mode gears`): the gears' values are
// trained by the batches of their own level only, the shared tensors by all.
#include <catch2/catch.hpp>

#include "gearnn/model/segmenter.h"
#include "gearnn/training/gear_slots.h"
#include "gearnn/training/trainer.h"
#include "test_support.h"
#include "catch_with_torch.h"  // after LibTorch's headers

using namespace gearnn;
using namespace gearnn::test;

namespace {

torch::Tensor model_tensor(TorchModel& model, const std::string& wanted) {
  for (auto& [name, t] : model.named_tensors())
    if (name == wanted) return t;
  FAIL("no tensor " << wanted);
  return {};
}

// One training step of `level` with plain SGD over the shared parameters and the gears' values.
void sgd_step(TorchModel& model, GearSlots& slots, int level, const torch::Tensor& x) {
  std::vector<torch::Tensor> params;
  for (auto& [name, p] : model.named_parameters()) {
    p.requires_grad_(true);
    if (!slots.holds(name)) params.push_back(p);
  }
  for (const auto& p : slots.parameters()) params.push_back(p);
  torch::optim::SGD opt(params, torch::optim::SGDOptions(0.1));
  slots.enter(level);
  model.train(true);
  opt.zero_grad();
  model.forward(x).pow(2).mean().backward();
  slots.after_backward();
  opt.step();
  slots.after_step();
}

}  // namespace

TEST_CASE("gear slots: a level's step moves that level's values and the shared tensors, nothing else",
          "[train][torch][gears]") {
  set_torch_threads(2);
  TorchModel model(load_model_card(builtin_model()));
  const auto before = clone_state(model);
  const std::string gamma = "stem_bn.weight", mean = "stem_bn.running_mean", bias = "cls8.bias";
  // Level 0 holds the stem BatchNorm (scale and statistics), level 1 a classifier bias.
  GearSlots slots(model, {{gamma, mean}, {bias}});
  CHECK(slots.holds(gamma));
  CHECK_FALSE(slots.holds("stem.weight"));
  const TensorState start = slots.state();
  torch::manual_seed(3);
  const torch::Tensor x = torch::randn({2, 3, model.card().input_height, model.card().input_width});
  sgd_step(model, slots, 0, x);
  const TensorState after = slots.state();
  // Level 0's own values moved; the base values of its tensors did not.
  CHECK_FALSE(torch::equal(after.at("0/" + gamma), start.at("0/" + gamma)));
  CHECK_FALSE(torch::equal(after.at("0/" + mean), start.at("0/" + mean)));
  CHECK(torch::equal(after.at("base/" + gamma), start.at("base/" + gamma)));
  CHECK(torch::equal(after.at("base/" + mean), start.at("base/" + mean)));
  // Level 1 does not hold the stem: level 0's batch trained nothing of level 1,
  // but level 1's bias is a gear tensor level 0 uses from the base, so the base bias moved.
  CHECK(torch::equal(after.at("1/" + bias), start.at("1/" + bias)));
  CHECK_FALSE(torch::equal(after.at("base/" + bias), start.at("base/" + bias)));
  // A shared tensor moved, and the model holds level 0's values.
  CHECK_FALSE(torch::equal(model_tensor(model, "stem.weight"), before.at("stem.weight")));
  CHECK(torch::equal(model_tensor(model, gamma), after.at("0/" + gamma)));
  // Entering the base puts the base values back in the model.
  slots.enter(-1);
  CHECK(torch::equal(model_tensor(model, gamma), start.at("base/" + gamma)));
  CHECK(torch::equal(model_tensor(model, mean), start.at("base/" + mean)));
  // A step of level 1 leaves level 0's values alone (no stale gradient, no momentum).
  sgd_step(model, slots, 1, x);
  const TensorState third = slots.state();
  CHECK(torch::equal(third.at("0/" + gamma), after.at("0/" + gamma)));
  CHECK_FALSE(torch::equal(third.at("1/" + bias), start.at("1/" + bias)));
  // The level's gear: exactly its tensors.
  const TensorState g0 = slots.gear(0);
  CHECK(g0.size() == 2);
  CHECK(torch::equal(g0.at(gamma), third.at("0/" + gamma)));
  // Saved values load back.
  GearSlots other(model, {{gamma, mean}, {bias}});
  other.load(third);
  CHECK(torch::equal(other.state().at("1/" + bias), third.at("1/" + bias)));
}

TEST_CASE("train --mode gears: shared tensors and per-level gears trained together, written as gear sets",
          "[train][torch][gears]") {
  const std::string model = builtin_model();
  const std::string dir = scratch_dir("joint-gears");
  const std::string clip = two_level_dataset(dir, "t.json");
  write_text_file(dir + "/sel.json", R"({"levels": [
      {"name": "q22", "tensors": ["stem_bn.weight", "stem_bn.bias", "stem_bn.running_mean", "stem_bn.running_var"]},
      {"name": "q46", "tensors": ["stem_bn.weight", "stem_bn.bias", "stem_bn.running_mean", "stem_bn.running_var",
                                  "cls8.bias"]}]})");
  // Without --val no gear falls back to the base, so the gears are the jointly trained values.
  const std::string common = " --init " + model + " --dataset " + dir + "/data.json --ladder " + dir +
                             "/t.json --cache " + dir + "/cache --quiet --threads 2 --stride 2 --epochs 2 --lr 0.01";
  must(gearnn_binary() + " train --mode gears --selection " + dir + "/sel.json" + common + " --out " + dir + "/joint");
  const json card = read_json_file(dir + "/joint/model.json");
  CHECK(card["training"]["mode"] == "gears");
  const json set = read_json_file(dir + "/joint/gears/t/gears.json");
  REQUIRE(set["gears"].size() == 2);
  CHECK(set["kind"] == "gears");
  CHECK_FALSE(std::filesystem::exists(dir + "/joint/gears/.joint"));
  // Each gear holds its level's tensors.
  const json sel = read_json_file(dir + "/sel.json");
  std::map<std::string, TensorState> gear;
  for (size_t i = 0; i < 2; ++i) {
    const json& g = set["gears"][i];
    CHECK(g["name"] == sel["levels"][i]["name"]);
    CHECK(g["tensors"].get<std::set<std::string>>() == sel["levels"][i]["tensors"].get<std::set<std::string>>());
    gear[g["name"]] = load_tensor_dict(dir + "/joint/gears/t/" + g["file"].get<std::string>());
  }
  // The shared tensors trained; each level's statistics and scale followed its
  // own frames, so they differ from each other and from the base.
  TorchModel joint(load_model_card(dir + "/joint"));
  TorchModel init(load_model_card(model));
  const auto base = clone_state(joint), start = clone_state(init);
  CHECK_FALSE(torch::equal(base.at("stem.weight"), start.at("stem.weight")));
  for (const std::string t : {"stem_bn.running_mean", "stem_bn.weight"}) {
    INFO(t);
    CHECK_FALSE(torch::allclose(gear["q22"].at(t), gear["q46"].at(t)));
    CHECK_FALSE(torch::allclose(gear["q22"].at(t), base.at(t)));
    CHECK_FALSE(torch::allclose(gear["q22"].at(t), start.at(t)));
  }
  // The gear set works with gearnn run on a clip that switches between the levels.
  write_text_file(dir + "/sched.json", R"({"segments": [{"frames": [0, 6], "qp": 22}, {"frames": [6, 12], "qp": 46}]})");
  must(gearnn_binary() + " distort --quiet " + clip + "/video.mkv --out " + dir + "/dyn.mp4 --schedule " + dir +
       "/sched.json");
  must(gearnn_binary() + " run " + dir + "/dyn.mp4 --model " + dir + "/joint --gears " + dir + "/joint/gears/t --gt " +
       clip + "/labels --out " + dir + "/out --quiet");
  const json report = read_json_file(dir + "/out/report.json");
  CHECK(report["gear_usage"]["q22"] == 6);
  CHECK(report["gear_usage"]["q46"] == 6);
  // The gear set of a joint run is a valid --selection for the next one, and
  // fit-gears refines it from its values (--start).
  // A level named in two ladders (q46 at QP 46 and at QP 50) is one gear,
  // trained on both renderings and written in both sets.
  write_text_file(dir + "/u.json", R"({"name": "u", "feature": "qp", "levels": [{"name": "q46", "qp": 50}]})");
  std::string two = common;
  two.replace(two.find("/t.json"), 7, "/t.json," + dir + "/u.json");
  const auto from_set = run_command(gearnn_binary() + " train --mode gears --selection " + dir + "/joint/gears/t" +
                                    two + " --out " + dir + "/joint2");
  INFO(from_set.output);
  REQUIRE(from_set.exit_code == 0);
  const json u = read_json_file(dir + "/joint2/gears/u/gears.json");
  REQUIRE(u["gears"].size() == 1);
  const TensorState in_u = load_tensor_dict(dir + "/joint2/gears/u/q46.pt");
  const TensorState in_t = load_tensor_dict(dir + "/joint2/gears/t/q46.pt");
  REQUIRE(in_u.size() == in_t.size());
  for (const auto& [name, t] : in_u) CHECK(torch::equal(t, in_t.at(name)));
  const std::string fit = gearnn_binary() + " fit-gears --model " + dir + "/joint --dataset " + dir +
                          "/data.json --ladder " + dir + "/t.json --cache " + dir + "/cache --quiet --threads 2 " +
                          "--stride 2 --epochs 1 --start " + dir + "/joint/gears/t";
  must(fit + " --out " + dir + "/refined");
  const json refined = read_json_file(dir + "/refined/gears.json");
  CHECK(refined["start"] == dir + "/joint/gears/t");
  CHECK(refined["bn_stats"] == "keep");
  for (size_t i = 0; i < 2; ++i) CHECK(refined["gears"][i]["tensors"] == set["gears"][i]["tensors"]);
  // The statistics kept are the joint ones; the fine-tuned scale moved on.
  const TensorState r22 = load_tensor_dict(dir + "/refined/q22.pt");
  CHECK(torch::equal(r22.at("stem_bn.running_mean"), gear["q22"].at("stem_bn.running_mean")));
  CHECK_FALSE(torch::equal(r22.at("stem_bn.weight"), gear["q22"].at("stem_bn.weight")));
  const auto both = run_command(fit + " --selection " + dir + "/sel.json --out " + dir + "/both");
  CHECK(both.exit_code != 0);
  CHECK(both.output.find("--start or --selection") != std::string::npos);
  std::filesystem::remove(dir + "/joint/gears/t/q46.pt");
  const auto gone = run_command(fit + " --out " + dir + "/gone");
  CHECK(gone.exit_code != 0);
  CHECK(gone.output.find("q46.pt: no starting gear for level q46") != std::string::npos);
}

TEST_CASE("train --mode gears: bad selections are named", "[train][torch][gears][cli]") {
  const std::string model = builtin_model();
  const std::string dir = scratch_dir("joint-gears-bad");
  two_level_dataset(dir, "t.json");
  write_text_file(dir + "/one.json", R"({"levels": [{"name": "q22", "tensors": ["stem_bn.weight"]}]})");
  write_text_file(dir + "/ghost.json", R"({"levels": [{"name": "q22", "tensors": ["no.such"]},
      {"name": "q46", "tensors": ["stem_bn.weight"]}]})");
  const std::string common = " --init " + model + " --dataset " + dir + "/data.json --ladder " + dir + "/t.json --cache " +
                             dir + "/cache --quiet --threads 2 --stride 4 --epochs 1";
  const auto none = run_command(gearnn_binary() + " train --mode gears" + common + " --out " + dir + "/a");
  CHECK(none.exit_code != 0);
  CHECK(none.output.find("--selection") != std::string::npos);
  const auto missing = run_command(gearnn_binary() + " train --mode gears --selection " + dir + "/one.json" + common +
                                   " --out " + dir + "/b");
  CHECK(missing.exit_code != 0);
  CHECK(missing.output.find("no selection for level q46") != std::string::npos);
  const auto ghost = run_command(gearnn_binary() + " train --mode gears --selection " + dir + "/ghost.json" + common +
                                 " --out " + dir + "/c");
  CHECK(ghost.exit_code != 0);
  CHECK(ghost.output.find("no.such") != std::string::npos);
  const auto twice = run_command(gearnn_binary() + " train --mode gears --selection " + dir + "/one.json," + dir +
                                 "/one.json" + common + " --out " + dir + "/d");
  CHECK(twice.exit_code != 0);
  CHECK(twice.output.find("selected twice") != std::string::npos);
  const auto augment = run_command(gearnn_binary() + " train --mode augment --selection " + dir + "/one.json" + common +
                                   " --out " + dir + "/e");
  CHECK(augment.exit_code != 0);
  CHECK(augment.output.find("--selection") != std::string::npos);
}
