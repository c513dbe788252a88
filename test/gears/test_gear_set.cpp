#include <catch2/catch.hpp>

#include "gearnn/common/errors.h"
#include "gearnn/gears/cell_gears.h"
#include "gearnn/gears/combine_gears.h"
#include "gearnn/gears/gear_set.h"
#include "test_support.h"

using namespace gearnn;

static GearSet parse(const std::string& text) { return parse_gear_set(json::parse(text), "dir", "dir/gears.json"); }

static FrameFeatures with_qp(double qp, double luma = 100) {
  FrameFeatures f;
  f.qp = qp;
  f.luma = luma;
  return f;
}

TEST_CASE("gear rules: half-open ranges, all must hold, first match wins, null is open", "[gears]") {
  const GearSet cfg = parse(R"({"gears": [
      {"name": "dark", "file": "dark.pt", "when": {"luma": [null, 40]}},
      {"name": "qp30", "file": "a.pt", "when": {"qp": [25, 35]}},
      {"name": "qp40", "file": "b.pt", "when": {"qp": [35, null], "luma": [40, 200]}}]})");
  CHECK(cfg.match(with_qp(24)) == -1);
  CHECK(cfg.match(with_qp(25)) == 1);
  CHECK(cfg.match(with_qp(34.99)) == 1);
  CHECK(cfg.match(with_qp(35)) == 2);
  CHECK(cfg.match(with_qp(50, 250)) == -1);  // luma out of range
  CHECK(cfg.match(with_qp(30, 10)) == 0);    // first match wins
  FrameFeatures no_qp;
  no_qp.luma = 100;
  CHECK(cfg.match(no_qp) == -1);  // a qp rule never holds without a qp
}

TEST_CASE("malformed gears.json is rejected with the file named", "[gears]") {
  const char* bad[] = {
      R"({"gear": []})",
      R"({"gears": [{"file": "a.pt"}]})",
      R"({"gears": [{"name": "a", "file": "a.pt", "when": {"speed": [1, 2]}}]})",
      R"({"gears": [{"name": "a", "file": "a.pt", "when": {"qp": [30, 20]}}]})",
      R"({"gears": [{"name": "a", "file": "a.pt", "when": {"qp": [30]}}]})",
      R"({"gears": [{"name": "a", "file": "a.pt"}, {"name": "a", "file": "b.pt"}]})",
  };
  for (const char* text : bad) {
    INFO(text);
    try {
      parse(text);
      FAIL("accepted");
    } catch (const Error& e) {
      CHECK(std::string(e.what()).rfind("dir/gears.json: ", 0) == 0);
    }
  }
}

TEST_CASE("selector hysteresis: a new gear must match K frames in a row", "[gears]") {
  const GearSet cfg = parse(R"({"gears": [
      {"name": "low", "file": "a.pt", "when": {"qp": [0, 30]}},
      {"name": "high", "file": "b.pt", "when": {"qp": [30, 52]}}]})");
  GearSelector s(cfg, 3);
  CHECK(s.update(with_qp(20)) == 0);  // first frame picks directly
  CHECK(s.update(with_qp(40)) == 0);
  CHECK(s.update(with_qp(40)) == 0);
  CHECK(s.update(with_qp(20)) == 0);  // streak broken
  CHECK(s.update(with_qp(40)) == 0);
  CHECK(s.update(with_qp(40)) == 0);
  CHECK(s.update(with_qp(40)) == 1);  // third in a row
  CHECK(s.switches() == 1);
  GearSelector immediate(cfg, 1);
  immediate.update(with_qp(20));
  CHECK(immediate.update(with_qp(40)) == 1);
  CHECK(immediate.update(with_qp(10)) == 0);
  CHECK(immediate.switches() == 2);
}

namespace {

// A gear set directory with empty placeholder gear files (only gears.json is read here).
void write_set(const std::string& dir, const std::string& gears_json) {
  std::filesystem::create_directories(dir);
  write_text_file(dir + "/gears.json", gears_json);
  const json parsed = json::parse(gears_json);  // bound: a temporary's member would dangle in the loop
  for (const auto& g : parsed["gears"]) write_text_file(dir + "/" + g["file"].get<std::string>(), "x");
}

std::string combine_error(const CombineGearsOptions& o) {
  try {
    combine_gear_sets(o);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

std::string cell_error(const CellGearsOptions& o) {
  try {
    cell_gear_sets(o);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("combined gear sets: useful brightness gears, QP gears over the neutral band", "[gears]") {
  const std::string dir = gearnn::test::scratch_dir("combine");
  write_set(dir + "/b", R"({"base_model_hash": "h", "gears": [
      {"name": "b0.3", "file": "b0.3.pt", "when": {"luma": [null, 40]}, "base_val_miou": 0.2, "val_miou": 0.7},
      {"name": "b1.0", "file": "b1.0.pt", "when": {"luma": [40, 110]}, "base_val_miou": 0.76, "val_miou": 0.762},
      {"name": "b1.4", "file": "b1.4.pt", "when": {"luma": [110, 150]}, "base_val_miou": 0.768, "val_miou": 0.769},
      {"name": "b2.6", "file": "b2.6.pt", "when": {"luma": [150, null]}, "base_val_miou": 0.5, "val_miou": 0.7}]})");
  write_set(dir + "/q", R"({"base_model_hash": "h", "gears": [
      {"name": "q22", "file": "q22.pt", "when": {"qp": [null, 30]}},
      {"name": "q40", "file": "q40.pt", "when": {"qp": [30, null]}}]})");
  CombineGearsOptions o{dir + "/b", dir + "/q", dir + "/both"};
  const json out = combine_gear_sets(o);
  CHECK(out["combined"]["neutral"] == json({"b1.0", "b1.4"}));
  // Loads as a normal gear set: the referenced files resolve from the new directory.
  const GearSet cfg = load_gear_set(dir + "/both");
  REQUIRE(cfg.gears.size() == 4);
  auto pick = [&](double qp, double luma) {
    const int i = cfg.match(with_qp(qp, luma));
    return i < 0 ? std::string("base") : cfg.gears[i].name;
  };
  CHECK(pick(40, 20) == "b0.3");   // dark: brightness wins whatever the QP
  CHECK(pick(40, 200) == "b2.6");
  CHECK(pick(40, 60) == "q40");    // neutral light: the QP gear
  CHECK(pick(22, 149.9) == "q22");
  CHECK(cfg.file_path(0) == dir + "/both/../b/b0.3.pt");

  SECTION("the undistorted level is neutral whatever it gains") {
    write_set(dir + "/bs", R"({"base_model_hash": "h", "gears": [
      {"name": "b0.3", "file": "b0.3.pt", "when": {"luma": [null, 40]}, "base_val_miou": 0.2, "val_miou": 0.7,
       "settings": {"brightness": 0.3, "qp": 22}},
      {"name": "b1.0", "file": "b1.0.pt", "when": {"luma": [40, 110]}, "base_val_miou": 0.7, "val_miou": 0.75,
       "settings": {"brightness": 1.0, "qp": 22}},
      {"name": "b1.4", "file": "b1.4.pt", "when": {"luma": [110, 150]}, "base_val_miou": 0.7, "val_miou": 0.75,
       "settings": {"brightness": 1.4, "qp": 22}}]})");
    o.first_dir = dir + "/bs";
    CHECK(combine_gear_sets(o)["combined"]["neutral"] == json({"b1.0"}));
    // Without settings only the gain decides: every gear gains, none is neutral.
    write_set(dir + "/bn", R"({"base_model_hash": "h", "gears": [
      {"name": "b0.3", "file": "b0.3.pt", "when": {"luma": [null, 40]}, "base_val_miou": 0.2, "val_miou": 0.7},
      {"name": "b1.0", "file": "b1.0.pt", "when": {"luma": [40, null]}, "base_val_miou": 0.7, "val_miou": 0.75}]})");
    o.first_dir = dir + "/bn";
    CHECK_THAT(combine_error(o), Catch::Contains("no neutral gear"));
  }
  SECTION("neutral gears by name") {
    o.neutral = {"b1.0"};
    const GearSet named = parse_gear_set(combine_gear_sets(o), dir + "/both", "x");
    CHECK(named.gears.size() == 5);
  }
  SECTION("problems name the file") {
    o.neutral = {"b0.3", "b1.4"};
    CHECK_THAT(combine_error(o), Catch::Contains("not adjacent"));
    o.neutral = {"nope"};
    CHECK_THAT(combine_error(o), Catch::Contains("no gear named nope"));
    o.neutral = {};
    o.min_gain = 0;
    CHECK_THAT(combine_error(o), Catch::Contains("no neutral gear"));
    o.min_gain = 0.005;
    o.first_dir = dir + "/q";  // the QP set also switches on qp -> the second set uses its feature
    o.then_dir = dir + "/q";
    CHECK_THAT(combine_error(o), Catch::Contains("also switches on qp"));
    write_set(dir + "/other", R"({"base_model_hash": "g", "gears": [{"name": "z", "file": "z.pt", "when": {"qp": [0, 9]}}]})");
    o.first_dir = dir + "/b";
    o.then_dir = dir + "/other";
    CHECK_THAT(combine_error(o), Catch::Contains("another model"));
  }
}

TEST_CASE("cell gear sets: each brightness gear split on qp, from the set fitted nearest", "[gears][cells]") {
  const std::string dir = gearnn::test::scratch_dir("cells");
  // A combined-like base (brightness gears at QP 22, a QP gear in the neutral band)
  // and the brightness ladder fitted again at QP 46 and at QP 34 (given out of order).
  write_set(dir + "/base", R"({"base_model_hash": "h", "gears": [
      {"name": "b0.3", "file": "b0.3.pt", "when": {"luma": [null, 40]}, "settings": {"brightness": 0.3, "qp": 22}},
      {"name": "q40", "file": "q40.pt", "when": {"luma": [40, 150], "qp": [30, null]}, "settings": {"qp": 40}},
      {"name": "b2.6", "file": "b2.6.pt", "when": {"luma": [150, null]}, "settings": {"brightness": 2.6, "qp": 22}}]})");
  write_set(dir + "/q46", R"({"base_model_hash": "h", "gears": [
      {"name": "b0.3", "file": "b0.3.pt", "when": {"luma": [null, 30]}, "settings": {"brightness": 0.3, "qp": 46}},
      {"name": "b2.6", "file": "b2.6.pt", "when": {"luma": [160, null]}, "settings": {"brightness": 2.6, "qp": 46}}]})");
  write_set(dir + "/q34", R"({"base_model_hash": "h", "gears": [
      {"name": "b0.3", "file": "b0.3.pt", "when": {"luma": [null, 35]}, "settings": {"brightness": 0.3, "qp": 34}},
      {"name": "b2.6", "file": "b2.6.pt", "when": {"luma": [155, null]}, "settings": {"brightness": 2.6, "qp": 34}}]})");
  CellGearsOptions o;
  o.base_dir = dir + "/base";
  o.add_dirs = {dir + "/q46", dir + "/q34"};
  o.out_dir = dir + "/cells";
  const json out = cell_gear_sets(o);
  CHECK(out["cells"]["gears"] == json({"b0.3", "b2.6"}));
  const GearSet cfg = load_gear_set(dir + "/cells");
  REQUIRE(cfg.gears.size() == 7);  // 3 + 1 + 3: the QP gear already switches on qp
  auto pick = [&](double qp, double luma) {
    const int i = cfg.match(with_qp(qp, luma));
    return i < 0 ? std::string("base") : cfg.gears[i].name;
  };
  // Cuts half-way between 22, 34 and 46; the base's luma ranges for every cell.
  CHECK(pick(22, 20) == "b0.3@qp22");
  CHECK(pick(27.9, 20) == "b0.3@qp22");
  CHECK(pick(28, 20) == "b0.3@qp34");
  CHECK(pick(39.9, 39) == "b0.3@qp34");
  CHECK(pick(40, 20) == "b0.3@qp46");
  CHECK(pick(51, 200) == "b2.6@qp46");
  CHECK(pick(45, 100) == "q40");
  CHECK(pick(20, 100) == "base");
  // Each cell holds its own set's file, and the order of the base is kept.
  CHECK(cfg.file_path(1) == dir + "/cells/../q34/b0.3.pt");
  CHECK(cfg.file_path(2) == dir + "/cells/../q46/b0.3.pt");
  CHECK(cfg.gears[3].name == "q40");
  CHECK(cfg.file_path(3) == dir + "/cells/../base/q40.pt");
  CHECK(cfg.raw["gears"][2]["settings"]["qp"] == 46);
  CHECK(cfg.raw["gears"][2]["cell_of"] == "b0.3");

  SECTION("a set fitted at the base's value") {
    write_set(dir + "/q22", R"({"gears": [
      {"name": "b0.3", "file": "b0.3.pt", "when": {"luma": [null, 30]}, "settings": {"brightness": 0.3, "qp": 22}}]})");
    o.add_dirs = {dir + "/q22"};
    CHECK_THAT(cell_error(o), Catch::Contains("fitted at the same qp"));
  }
  SECTION("a set whose gears were fitted at two values") {
    write_set(dir + "/mixed", R"({"gears": [
      {"name": "b0.3", "file": "b0.3.pt", "when": {"luma": [null, 30]}, "settings": {"qp": 34}},
      {"name": "b2.6", "file": "b2.6.pt", "when": {"luma": [150, null]}, "settings": {"qp": 46}}]})");
    o.add_dirs = {dir + "/mixed"};
    CHECK_THAT(cell_error(o), Catch::StartsWith(dir + "/mixed/gears.json: its gears were fitted at different qp"));
  }
  SECTION("no gear in common") {
    write_set(dir + "/other", R"({"gears": [
      {"name": "dusk", "file": "d.pt", "when": {"luma": [null, 30]}, "settings": {"qp": 34}}]})");
    o.add_dirs = {dir + "/other"};
    CHECK_THAT(cell_error(o), Catch::Contains("no gear without a qp range is named in every added set"));
  }
  SECTION("another model's set") {
    write_set(dir + "/foreign", R"({"base_model_hash": "x", "gears": [
      {"name": "b0.3", "file": "b0.3.pt", "when": {"luma": [null, 30]}, "settings": {"qp": 34}}]})");
    o.add_dirs = {dir + "/foreign"};
    CHECK_THAT(cell_error(o), Catch::Contains("base_model_hash differs"));
  }
}

TEST_CASE("gear blending: the two levels around the measured value, the weight in steps", "[gears][blend]") {
  const GearSet set = parse(R"({"gears": [
    {"name": "lo", "file": "lo.pt", "when": {"qp": [null, 25]}, "measured_median": 20},
    {"name": "hi", "file": "hi.pt", "when": {"qp": [35, null]}, "measured_median": 40},
    {"name": "mid", "file": null, "when": {"qp": [25, 35]}, "measured_median": 30}]})");
  const GearBlender blender(set, 4);
  CHECK(blender.feature() == "qp");
  auto at = [&](std::optional<double> qp) {
    FrameFeatures f;
    f.qp = qp;
    return blender.blend(f);
  };
  CHECK(at(15) == GearBlend{0, 0, 0});
  CHECK(at(20) == GearBlend{0, 0, 0});
  CHECK(at(25) == GearBlend{0, 2, 0.5});     // between lo (20) and mid (30), in measured order
  CHECK(at(27.6) == GearBlend{0, 2, 0.75});  // 0.76 rounded to quarters
  CHECK(at(29.9) == GearBlend{2, 2, 0});     // rounds to mid itself
  CHECK(at(31) == GearBlend{2, 2, 0});       // 0.1 rounds to 0
  CHECK(at(33) == GearBlend{2, 1, 0.25});
  CHECK(at(50) == GearBlend{1, 1, 0});
  CHECK(at(std::nullopt) == GearBlend{-1, -1, 0});
  CHECK(at(27.6).nearest() == 2);
  CHECK_THROWS_WITH(GearBlender(parse(R"({"gears": [{"name": "a", "file": null, "when": {"qp": [null, 5]}}]})"), 4),
                    Catch::StartsWith("dir/gears.json: cannot blend") && Catch::Contains("measured_median"));
  CHECK_THROWS_WITH(
      GearBlender(parse(R"({"gears": [{"name": "a", "file": null, "when": {"qp": [null, 5], "luma": [0, 9]},
                                       "measured_median": 3}]})"), 4),
      Catch::StartsWith("dir/gears.json: cannot blend"));
}

TEST_CASE("cell gear sets: QP gears split on luma at given cuts, fitted at two brightness factors", "[gears][cells]") {
  const std::string dir = gearnn::test::scratch_dir("cells-luma");
  write_set(dir + "/qp", R"({"base_model_hash": "h", "gears": [
      {"name": "qp24", "file": "qp24.pt", "when": {"qp": [null, 26]}, "settings": {"qp": 24}},
      {"name": "qp47", "file": "qp47.pt", "when": {"qp": [26, null]}, "settings": {"qp": 47}}]})");
  write_set(dir + "/bright", R"({"base_model_hash": "h", "gears": [
      {"name": "qp24", "file": "qp24.pt", "when": {"qp": [null, 26]}, "settings": {"qp": 24, "brightness": 1.4}},
      {"name": "qp47", "file": "qp47.pt", "when": {"qp": [26, null]}, "settings": {"qp": 47, "brightness": 1.4}}]})");
  CellGearsOptions o;
  o.base_dir = dir + "/qp";
  o.add_dirs = {dir + "/bright"};
  o.feature = "luma";
  o.setting = "brightness";
  o.out_dir = dir + "/cells";
  // Brightness factors are not luma values: half-way between 1.0 and 1.4 would cut at luma 1.2.
  CHECK_THAT(cell_error(o), Catch::StartsWith("--cuts: give the luma values between the sets"));
  o.cuts = {100, 120};
  CHECK_THAT(cell_error(o), Catch::StartsWith("--cuts: give 1 values"));
  o.cuts = {112.5};
  // The base's levels leave brightness out: they were rendered at 1.0.
  const json out = cell_gear_sets(o);
  CHECK(out["cells"]["sets"][0]["brightness"] == 1.0);
  CHECK(out["cells"]["cuts"] == json({112.5}));
  const GearSet cfg = load_gear_set(dir + "/cells");
  REQUIRE(cfg.gears.size() == 4);
  auto pick = [&](double qp, double luma) {
    const int i = cfg.match(with_qp(qp, luma));
    return i < 0 ? std::string("base") : cfg.gears[i].name;
  };
  CHECK(pick(24, 90) == "qp24@brightness1");
  CHECK(pick(24, 112.4) == "qp24@brightness1");
  CHECK(pick(24, 112.5) == "qp24@brightness1.4");
  CHECK(pick(48, 155) == "qp47@brightness1.4");
  CHECK(pick(48, 60) == "qp47@brightness1");
  CHECK(cfg.gears[3].name == "qp47@brightness1.4");
  CHECK(cfg.file_path(3) == dir + "/cells/../bright/qp47.pt");
  SECTION("cuts that fall") {
    write_set(dir + "/dim", R"({"base_model_hash": "h", "gears": [
      {"name": "qp24", "file": "qp24.pt", "when": {"qp": [null, 26]}, "settings": {"qp": 24, "brightness": 0.65}},
      {"name": "qp47", "file": "qp47.pt", "when": {"qp": [26, null]}, "settings": {"qp": 47, "brightness": 0.65}}]})");
    o.add_dirs = {dir + "/bright", dir + "/dim"};
    o.cuts = {112.5, 78};
    CHECK_THAT(cell_error(o), Catch::StartsWith("--cuts: the values must rise"));
    o.cuts = {78, 112.5};
    CHECK(cell_gear_sets(o)["cells"]["cuts"] == json({78, 112.5}));
  }
}

TEST_CASE("cell gear sets: QP gears fitted on dark and on bright scenes, split on luma by given values",
          "[gears][cells]") {
  const std::string dir = gearnn::test::scratch_dir("cells-values");
  // Both sets fitted at the same settings: only their scenes differ.
  for (const char* name : {"dark", "bright"})
    write_set(dir + "/" + name, R"({"base_model_hash": "h", "gears": [
      {"name": "qp24", "file": "qp24.pt", "when": {"qp": [null, 26]}, "settings": {"qp": 24}},
      {"name": "qp47", "file": "qp47.pt", "when": {"qp": [26, null]}, "settings": {"qp": 47}}]})");
  CellGearsOptions o;
  o.base_dir = dir + "/dark";
  o.add_dirs = {dir + "/bright"};
  o.feature = "luma";
  o.out_dir = dir + "/cells";
  // Without values, their settings cannot tell them apart.
  CHECK_THAT(cell_error(o), Catch::Contains("records no settings.luma"));
  o.values = {88};
  CHECK_THAT(cell_error(o), Catch::StartsWith("--values: give 2 values"));
  o.values = {88, 88};
  CHECK_THAT(cell_error(o), Catch::StartsWith("--values: two sets are given the same value"));
  o.values = {88, 114};
  o.setting = "brightness";
  CHECK_THAT(cell_error(o), Catch::StartsWith("--values: give either --values or --setting"));
  o.setting.clear();
  SECTION("cut half-way between the values") {
    const json out = cell_gear_sets(o);
    CHECK(out["cells"]["cuts"] == json({101.0}));
    CHECK(out["cells"]["sets"][1]["luma"] == 114.0);
    const GearSet cfg = load_gear_set(dir + "/cells");
    REQUIRE(cfg.gears.size() == 4);
    auto pick = [&](double qp, double luma) {
      const int i = cfg.match(with_qp(qp, luma));
      return i < 0 ? std::string("base") : cfg.gears[i].name;
    };
    CHECK(pick(24, 100.9) == "qp24@luma88");
    CHECK(pick(24, 101) == "qp24@luma114");
    CHECK(pick(48, 155) == "qp47@luma114");
    CHECK(pick(48, 40) == "qp47@luma88");
    CHECK(cfg.file_path(cfg.index_of("qp47@luma114")) == dir + "/cells/../bright/qp47.pt");
  }
  SECTION("values given in falling order: the bright set still takes the bright side") {
    o.base_dir = dir + "/bright";
    o.add_dirs = {dir + "/dark"};
    o.values = {114, 88};
    cell_gear_sets(o);
    const GearSet cfg = load_gear_set(dir + "/cells");
    const int i = cfg.match(with_qp(48, 120));
    REQUIRE(i >= 0);
    CHECK(cfg.file_path(i) == dir + "/cells/../bright/qp47.pt");
    CHECK(cfg.file_path(cfg.match(with_qp(48, 60))) == dir + "/cells/../dark/qp47.pt");
  }
  SECTION("and with cuts") {
    o.cuts = {95};
    CHECK(cell_gear_sets(o)["cells"]["cuts"] == json({95.0}));
  }
}
