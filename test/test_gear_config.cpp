#include <catch2/catch.hpp>

#include "gearnn/errors.h"
#include "gearnn/gear_config.h"

using namespace gearnn;

static GearConfig parse(const std::string& text) { return parse_gear_config(json::parse(text), "dir", "dir/gears.json"); }

static FrameFeatures with_qp(double qp, double luma = 100) {
  FrameFeatures f;
  f.qp = qp;
  f.luma = luma;
  return f;
}

TEST_CASE("gear rules: half-open ranges, all must hold, first match wins, null is open", "[gears]") {
  const GearConfig cfg = parse(R"({"gears": [
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
  const GearConfig cfg = parse(R"({"gears": [
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
