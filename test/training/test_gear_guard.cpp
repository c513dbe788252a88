// fit-gears' neighbour guard: a gear that gains less on its own level than it
// loses on a neighbouring level (by the switching feature) is dropped, and its
// level keeps the base weights. And --neighbour-selections: each level's gear
// also fitted on its neighbours' selections, the best on validation kept.
#include <catch2/catch.hpp>
#include <filesystem>

#include "gearnn/common/json_io.h"
#include "gearnn/model/tensor_dict.h"
#include "test_support.h"
#include "catch_with_torch.h"  // after LibTorch's headers

using namespace gearnn;
using namespace gearnn::test;
namespace fs = std::filesystem;

namespace {

// Fits a three-level QP ladder on one clip, validated on another.
std::string fit_command(const std::string& dir) {
  const std::string train_clip = synth_clip(12, 320, 192, 7), val_clip = synth_clip(12, 320, 192, 8);
  write_text_file(dir + "/data.json", "{\"clips\": [\"" + train_clip + "\"]}");
  write_text_file(dir + "/val.json", "{\"clips\": [\"" + val_clip + "\"]}");
  write_text_file(dir + "/ladder.json", R"({"name": "t", "feature": "qp", "levels": [
      {"name": "q22", "qp": 22}, {"name": "q36", "qp": 36}, {"name": "q50", "qp": 50}]})");
  write_text_file(dir + "/sel.json", R"({"levels": [
      {"name": "q22", "tensors": ["stem_bn.weight", "stem_bn.bias", "cls8.bias"]},
      {"name": "q36", "tensors": ["stem_bn.weight", "stem_bn.bias", "cls8.bias"]},
      {"name": "q50", "tensors": ["stem_bn.weight", "stem_bn.bias", "cls8.bias"]}]})");
  return gearnn_binary() + " fit-gears --model " + builtin_model() + " --dataset " + dir + "/data.json --val " + dir +
         "/val.json --ladder " + dir + "/ladder.json --cache " + dir + "/cache --selection " + dir +
         "/sel.json --quiet --threads 2 --stride 1 --epochs 2 --lr 0.05";
}

const json& gear_named(const json& set, const std::string& name) {
  for (const json& g : set["gears"])
    if (g["name"] == name) return g;
  FAIL("no gear " << name);
  static const json none;
  return none;
}

}  // namespace

TEST_CASE("fit-gears guard: each gear is checked against its neighbours by the rule it states",
          "[gears][torch][guard]") {
  const std::string dir = scratch_dir("gear-guard");
  const std::string fit = fit_command(dir);
  must(fit + " --guard none --out " + dir + "/plain");
  // The same fits (reused from the done files of a copy), then the guard.
  fs::copy(dir + "/plain", dir + "/guarded", fs::copy_options::recursive);
  must(fit + " --out " + dir + "/guarded");
  const json plain = read_json_file(dir + "/plain/gears.json"), guarded = read_json_file(dir + "/guarded/gears.json");
  CHECK(plain["guard"] == "none");
  CHECK(guarded["guard"] == "neighbours");
  REQUIRE(guarded["gears"].size() == 3);
  const std::map<std::string, std::set<std::string>> neighbours = {
      {"q22", {"q36"}}, {"q36", {"q22", "q50"}}, {"q50", {"q36"}}};  // by measured QP
  int checked = 0;
  for (const json& g : plain["gears"]) {
    const std::string name = g["name"];
    INFO(name);
    CHECK_FALSE(g.contains("neighbour_check"));
    const json& after = gear_named(guarded, name);
    if (g["kept_base"] == true) {  // worse on its own level already: nothing to check
      CHECK_FALSE(after.contains("neighbour_check"));
      continue;
    }
    REQUIRE(after.contains("neighbour_check"));
    ++checked;
    const json& c = after["neighbour_check"];
    CHECK(neighbours.at(name).count(c["neighbour"].get<std::string>()) == 1);
    CHECK(c["gain"].get<double>() == Approx(g["val_miou"].get<double>() - g["base_val_miou"].get<double>()));
    const bool kept = c["gain"].get<double>() >= c["harm"].get<double>();
    CHECK(c["kept"] == kept);
    if (kept) {
      CHECK(after["file"] == g["file"]);
      CHECK(read_file(dir + "/guarded/" + after["file"].get<std::string>()) ==
            read_file(dir + "/plain/" + g["file"].get<std::string>()));
    } else {
      CHECK(after["file"].is_null());
      CHECK_FALSE(fs::exists(dir + "/guarded/" + name + ".pt"));
      CHECK(after["kept_base"] == true);
      CHECK(after["val_miou"] == after["base_val_miou"]);
      CHECK(after["tensors"] == g["tensors"]);
    }
  }
  CHECK(checked > 0);

  // A level whose recorded gain is below anything a neighbour could lose is
  // dropped (the done file's record stands in for a fit whose gain is tiny).
  const std::string done = dir + "/guarded/.q36.done.json";
  json record = read_json_file(done);
  record["record"]["kept_base"] = false;
  record["record"]["val_miou"] = record["record"]["base_val_miou"].get<double>() - 2.0;
  write_json_file(done, record);
  if (!fs::exists(dir + "/guarded/q36.pt")) fs::copy(dir + "/plain/q36.pt", dir + "/guarded/q36.pt");
  must(fit + " --out " + dir + "/guarded");
  const json dropped = gear_named(read_json_file(dir + "/guarded/gears.json"), "q36");
  CHECK(dropped["file"].is_null());
  CHECK(dropped["neighbour_check"]["kept"] == false);
  CHECK_FALSE(fs::exists(dir + "/guarded/q36.pt"));

  // A set with such a level is a valid --start: the level starts from the base
  // values of its recorded tensors, and gearnn run uses the set.
  must(fit.substr(0, fit.find(" --selection")) + " --quiet --threads 2 --stride 1 --epochs 1 --lr 0.05 --start " +
       dir + "/guarded --out " + dir + "/restart");
  const json restart = read_json_file(dir + "/restart/gears.json");
  CHECK(gear_named(restart, "q36")["tensors"].get<std::set<std::string>>() ==
        gear_named(guarded, "q36")["tensors"].get<std::set<std::string>>());
  must(gearnn_binary() + " run " + synth_clip(12, 320, 192, 8) + "/video.mkv --model " + builtin_model() +
       " --gears " + dir + "/guarded --out " + dir + "/run --quiet");
}

TEST_CASE("fit-gears guard: the level where the ladder's own distortion is absent keeps the base",
          "[gears][torch][guard]") {
  const std::string dir = scratch_dir("gear-guard-undistorted");
  const std::string clip = synth_clip(12, 320, 192, 7);
  write_text_file(dir + "/data.json", "{\"clips\": [\"" + clip + "\"]}");
  // b1.00 varies nothing of its own (brightness 1); the QP is the ladder's fixed setting.
  write_text_file(dir + "/ladder.json", R"({"name": "b", "feature": "luma", "levels": [
      {"name": "b0.50", "brightness": 0.5, "qp": 22}, {"name": "b1.00", "brightness": 1.0, "qp": 22}]})");
  write_text_file(dir + "/sel.json", R"({"levels": [
      {"name": "b0.50", "tensors": ["stem_bn.weight", "stem_bn.bias"]},
      {"name": "b1.00", "tensors": ["stem_bn.weight", "stem_bn.bias"]}]})");
  const std::string fit = gearnn_binary() + " fit-gears --model " + builtin_model() + " --dataset " + dir +
                          "/data.json --ladder " + dir + "/ladder.json --cache " + dir + "/cache --selection " + dir +
                          "/sel.json --quiet --threads 2 --stride 2 --epochs 1 --lr 0.05";
  must(fit + " --out " + dir + "/guarded");
  must(fit + " --guard none --out " + dir + "/plain");
  const json guarded = read_json_file(dir + "/guarded/gears.json"), plain = read_json_file(dir + "/plain/gears.json");
  CHECK(gear_named(guarded, "b1.00")["file"].is_null());
  CHECK(gear_named(guarded, "b1.00")["undistorted_level"] == true);
  CHECK_FALSE(fs::exists(dir + "/guarded/b1.00.pt"));
  CHECK(gear_named(guarded, "b0.50")["file"] == "b0.50.pt");  // no validation: nothing else is checked
  CHECK(gear_named(plain, "b1.00")["file"] == "b1.00.pt");
}

TEST_CASE("fit-gears --neighbour-selections: each gear is the best on validation of its own and its neighbours' "
          "selections",
          "[gears][torch][guard]") {
  const std::string dir = scratch_dir("gear-neighbour-selections");
  std::string fit = fit_command(dir);
  // Distinct selections, so every level has its own and one or two others to try.
  const std::map<std::string, std::vector<std::string>> selection = {
      {"q22", {"stem_bn.weight"}}, {"q36", {"stem_bn.bias", "cls8.bias"}}, {"q50", {"cls8.bias"}}};
  write_text_file(dir + "/sel.json", json({{"levels", {{{"name", "q22"}, {"tensors", selection.at("q22")}},
                                                       {{"name", "q36"}, {"tensors", selection.at("q36")}},
                                                       {{"name", "q50"}, {"tensors", selection.at("q50")}}}}})
                                         .dump());
  fit += " --guard none --neighbour-selections";
  must(fit + " --out " + dir + "/tried");
  const json set = read_json_file(dir + "/tried/gears.json");
  CHECK(set["neighbour_selections"] == true);
  const std::map<std::string, std::vector<std::string>> tried_from = {
      {"q22", {"q22", "q36"}}, {"q36", {"q36", "q22", "q50"}}, {"q50", {"q50", "q36"}}};  // own first, by QP
  REQUIRE(set["gears"].size() == 3);
  for (const json& g : set["gears"]) {
    const std::string name = g["name"];
    INFO(name);
    std::vector<std::string> from;
    std::string best;
    double best_score = -1;
    for (const json& t : g["selections_tried"]) {
      from.push_back(t["selection_of"]);
      if (t["val_miou"].get<double>() > best_score) best_score = t["val_miou"], best = t["selection_of"];
    }
    CHECK(from == tried_from.at(name));
    CHECK(g["selection_of"] == best);  // the first of equals: the own selection on a tie
    CHECK(g["val_miou"].get<double>() == best_score);
    CHECK(g["tensors"].get<std::vector<std::string>>() == selection.at(best));
    const std::string trial = dir + "/tried/.trials/" + name + "-from-" + best + "/" + name + ".pt";
    if (g["file"].is_null()) {
      CHECK_FALSE(fs::exists(dir + "/tried/" + name + ".pt"));
    } else {
      CHECK(read_file(dir + "/tried/" + g["file"].get<std::string>()) == read_file(trial));
      CHECK(load_tensor_dict(dir + "/tried/" + name + ".pt").size() == selection.at(best).size());
    }
  }
  // A rerun reuses every trial and writes the same set.
  fs::copy(dir + "/tried", dir + "/again", fs::copy_options::recursive);
  fs::remove(dir + "/again/gears.json");
  must(fit + " --out " + dir + "/again");
  CHECK(read_file(dir + "/again/gears.json") == read_file(dir + "/tried/gears.json"));
}
