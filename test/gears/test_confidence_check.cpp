// --check-neighbours: which gears count as adjacent, and how the chooser
// weighs the candidates' entropies over its window.
#include <catch2/catch.hpp>

#include "gearnn/gears/confidence_check.h"

using namespace gearnn;

static GearSet parse(const std::string& text) { return parse_gear_set(json::parse(text), "dir", "dir/gears.json"); }

TEST_CASE("gear neighbours: touching ranges of one feature, every other range equal", "[gears][check]") {
  // A combined set: brightness gears below a luma band, QP gears inside it, and
  // a brightness gear above the band whose range does not touch the others.
  const GearSet set = parse(R"({"gears": [
      {"name": "b0.30", "file": "a.pt", "when": {"luma": [null, 30]}},
      {"name": "b0.45", "file": "b.pt", "when": {"luma": [30, 50]}},
      {"name": "qp24", "file": "c.pt", "when": {"luma": [50, 150], "qp": [null, 26]}},
      {"name": "qp28", "file": "d.pt", "when": {"luma": [50, 150], "qp": [26, 30]}},
      {"name": "qp31", "file": null, "when": {"luma": [50, 150], "qp": [30, null]}},
      {"name": "b1.90", "file": "e.pt", "when": {"luma": [160, null]}},
      {"name": "qp28-dark", "file": "f.pt", "when": {"luma": [30, 50], "qp": [26, 30]}}]})");
  const auto n = gear_neighbours(set);
  REQUIRE(n.size() == 7);
  CHECK(n[0] == std::vector<int>{1});
  CHECK(n[1] == std::vector<int>{0});  // b0.45 touches the QP gears' luma band, but they also hold a qp range
  CHECK(n[2] == std::vector<int>{3});
  // A gear kept at the base weights is still a level; a grid cell is adjacent
  // to the cell of the same QP range in the next luma band.
  CHECK(n[3] == std::vector<int>{2, 4, 6});
  CHECK(n[4] == std::vector<int>{3});
  CHECK(n[5].empty());                       // 150..160 lies between: not touching
  CHECK(n[6] == std::vector<int>{3});  // not qp24: its luma and qp ranges both differ
}

TEST_CASE("gear neighbours: in a set of three ladders, each ladder is its own chain", "[gears][check]") {
  // Shaped like gears/all: a brightness gear below the luma band; inside it,
  // rendition gears on small renditions and QP gears at full size.
  const GearSet set = parse(R"({"gears": [
      {"name": "b0.65", "file": "a.pt", "when": {"luma": [null, 78]}},
      {"name": "r0.50", "file": "b.pt", "when": {"luma": [78, 149], "scale": [null, 0.58]}},
      {"name": "r0.67", "file": "c.pt", "when": {"luma": [78, 149], "scale": [0.58, 0.83]}},
      {"name": "qp24", "file": "d.pt", "when": {"luma": [78, 149], "qp": [null, 26], "scale": [0.83, null]}},
      {"name": "qp28", "file": "e.pt", "when": {"luma": [78, 149], "qp": [26, null], "scale": [0.83, null]}}]})");
  const auto n = gear_neighbours(set);
  REQUIRE(n.size() == 5);
  CHECK(n[0].empty());  // touches the band on luma, but the band's gears also hold scale ranges
  CHECK(n[1] == std::vector<int>{2});
  CHECK(n[2] == std::vector<int>{1});  // touches the QP gears on scale, but they also hold a qp range
  CHECK(n[3] == std::vector<int>{4});
  CHECK(n[4] == std::vector<int>{3});
}

TEST_CASE("gear neighbours: a single-ladder set is a chain", "[gears][check]") {
  const GearSet set = parse(R"({"gears": [
      {"name": "qp20", "file": "a.pt", "when": {"qp": [null, 22]}},
      {"name": "qp24", "file": "b.pt", "when": {"qp": [22, 26]}},
      {"name": "qp28", "file": "c.pt", "when": {"qp": [26, null]}}]})");
  const auto n = gear_neighbours(set);
  CHECK(n[0] == std::vector<int>{1});
  CHECK(n[1] == std::vector<int>{0, 2});
  CHECK(n[2] == std::vector<int>{1});
}

TEST_CASE("confidence chooser: lowest mean entropy over the window, ties to the first candidate", "[gears][check]") {
  SECTION("window 1: each frame on its own") {
    ConfidenceChooser c(1);
    CHECK(c.choose(0, {5, 6, 7}, {0.30, 0.20, 0.25}) == 1);
    CHECK(c.choose(1, {5, 6, 7}, {0.10, 0.20, 0.25}) == 0);
    CHECK(c.choose(2, {5, 6}, {0.20, 0.20}) == 0);  // a tie keeps the features' gear
  }
  SECTION("window 3: a single confident frame does not take over") {
    ConfidenceChooser c(3);
    CHECK(c.choose(0, {1, 2}, {0.20, 0.30}) == 0);
    CHECK(c.choose(1, {1, 2}, {0.20, 0.30}) == 0);
    CHECK(c.choose(2, {1, 2}, {0.20, 0.15}) == 0);  // means 0.20 against 0.25
    CHECK(c.choose(3, {1, 2}, {0.20, 0.12}) == 1);  // frames 1-3: 0.20 against 0.19
    // Frames 0-1 have left the window of frame 4: 0.19 against (0.15 + 0.12 + 0.25) / 3.
    CHECK(c.choose(4, {1, 2}, {0.17, 0.25}) == 1);
    CHECK(c.choose(5, {1, 2}, {0.17, 0.25}) == 0);  // 0.18 against 0.207
  }
  SECTION("a gear not run for a while only counts the frames inside the window") {
    ConfidenceChooser c(2);
    CHECK(c.choose(0, {1, 2}, {0.50, 0.10}) == 1);
    CHECK(c.choose(10, {1, 2}, {0.20, 0.30}) == 0);  // gear 2's 0.10 of frame 0 is long gone
    CHECK(c.choose(11, {3, 1}, {0.25, 0.22}) == 1);  // gear 1: frames 10-11, mean 0.21
  }
}
