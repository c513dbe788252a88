// `gearnn select` on hand-made scores: budgets, per-level and shared knapsacks, bad files.
#include <catch2/catch.hpp>

#include "gearnn/common/errors.h"
#include "gearnn/gears/tensor_selection.h"
#include "test_support.h"

using namespace gearnn;

namespace {

// Three tensors of 40, 80 and 120 bytes out of 1000; level "a" prefers the two
// small ones, level "b" the large one.
const char* scores_text = R"({"model_bytes": 1000, "model": {"hash": "h"},
  "tensors": [{"name": "x", "bytes": 40}, {"name": "y", "bytes": 80}, {"name": "z", "bytes": 120}],
  "levels": [{"name": "a", "scores": {"x": 1, "y": 3, "z": 0.5}},
             {"name": "b", "scores": {"x": 2, "y": 0.1, "z": 5}}]})";

std::string write_scores(const std::string& dir, const std::string& text) {
  const std::string path = dir + "/scores.json";
  write_text_file(path, text);
  return path;
}

std::vector<std::string> tensors_of(const json& sel, size_t level) {
  return sel["levels"][level]["tensors"].get<std::vector<std::string>>();
}

}  // namespace

TEST_CASE("budgets are a share of the model or a byte count", "[select]") {
  CHECK(parse_budget("0.2%", 10000) == 20);
  CHECK(parse_budget("100%", 10000) == 10000);
  CHECK(parse_budget("2048", 10000) == 2048);
  for (const char* bad : {"", "5x", "-1", "101%", "%", "1.5"})
    CHECK_THROWS_WITH(parse_budget(bad, 10000), Catch::StartsWith("--budget: "));
}

TEST_CASE("select solves one knapsack per level, or one for all levels", "[select]") {
  const std::string dir = test::scratch_dir("select");
  SelectJob job;
  job.scores = write_scores(dir, scores_text);
  job.budget = "120";
  job.out = dir + "/sel.json";
  const json per_level = run_select(job);
  CHECK(read_json_file(job.out) == per_level);
  CHECK(per_level["budget_bytes"] == 120);
  CHECK(per_level["model"]["hash"] == "h");
  CHECK(tensors_of(per_level, 0) == std::vector<std::string>{"x", "y"});
  CHECK(tensors_of(per_level, 1) == std::vector<std::string>{"z"});
  CHECK(per_level["levels"][1]["bytes"] == 120);
  CHECK(per_level["levels"][1]["share"].get<double>() == Approx(0.12));
  CHECK(per_level["levels"][1]["value"].get<double>() == Approx(5));
  // Summed over levels x+y scores 6.1 against z's 5.5: both levels get x and y.
  job.mode = "shared";
  const json shared = run_select(job);
  CHECK(tensors_of(shared, 0) == std::vector<std::string>{"x", "y"});
  CHECK(tensors_of(shared, 1) == std::vector<std::string>{"x", "y"});
  const std::string table = selection_table(shared);
  CHECK_THAT(table, Catch::StartsWith("budget 120 = 120 bytes of 1000 (shared selection)\n"));
  CHECK_THAT(table, Catch::Contains("2 tensors: x y\n"));
}

TEST_CASE("select names the scores file or the option that is wrong", "[select]") {
  const std::string dir = test::scratch_dir("select-bad");
  SelectJob job;
  job.out = dir + "/sel.json";
  job.scores = write_scores(dir, R"({"model_bytes": 1000, "tensors": [{"name": "x", "bytes": 40}],
                                     "levels": [{"name": "a", "scores": {"y": 1}}]})");
  CHECK_THROWS_WITH(run_select(job), job.scores + ": /levels/0/scores/x: missing (level a lacks a score for x)");
  // A level without a name (once an unchecked lookup that wrote invalid JSON).
  job.scores = write_scores(dir, R"({"model_bytes": 1000, "tensors": [{"name": "x", "bytes": 40}],
                                     "levels": [{"scores": {"x": 1}}]})");
  CHECK_THROWS_WITH(run_select(job), job.scores + ": /levels/0/name: each level needs a non-empty name");
  job.scores = write_scores(dir, R"({"model_bytes": 1000, "tensors": [], "levels": []})");
  CHECK_THROWS_WITH(run_select(job), Catch::StartsWith(job.scores + ": expected tensors and levels arrays"));
  job.scores = write_scores(dir, R"({"model_bytes": 1000, "tensors": [{"name": "x", "bytes": -400}],
                                     "levels": [{"name": "a", "scores": {"x": 1}}]})");
  CHECK_THROWS_WITH(run_select(job), job.scores + ": /tensors/0/bytes: must be an integer from 1 to " +
                                         std::to_string(INT64_MAX / 2) + ", not -400");
  job.scores = write_scores(dir, R"({"model_bytes": 1000, "tensors": [{"name": "x", "bytes": 40}],
                                     "levels": [{"name": "a", "scores": {"x": "high"}}]})");
  CHECK_THROWS_WITH(run_select(job), Catch::StartsWith(job.scores + ": /levels/0/scores/x: must be a number"));
  job.scores =
      write_scores(dir, R"({"model_bytes": 1000, "tensors": [{"name": "x", "bytes": 40}, {"name": "x", "bytes": 8}],
                                     "levels": [{"name": "a", "scores": {"x": 1}}]})");
  CHECK_THROWS_WITH(run_select(job), job.scores + ": /tensors/1: tensor x is listed twice");
  // A budget the exact search cannot hold names --budget (no "granularity" option exists).
  job.scores = write_scores(dir, R"({"model_bytes": 4000000000, "tensors": [{"name": "x", "bytes": 400000000}],
                                     "levels": [{"name": "a", "scores": {"x": 1}}]})");
  job.budget = "300000000";
  CHECK_THROWS_WITH(run_select(job),
                    "--budget: 300000000 bytes is more than the exact search handles over these "
                    "tensors (200000000 bytes at most)");
  // A budget above every tensor together picks them all.
  CHECK(tensors_of(run_select(SelectJob{write_scores(dir, scores_text), "", "100%"}), 0).size() == 3);
  job.scores = write_scores(dir, scores_text);
  job.mode = "both";
  CHECK_THROWS_WITH(run_select(job), "--mode: must be per-level or shared");
  job.mode = "per-level";
  job.budget = "lots";
  CHECK_THROWS_WITH(run_select(job), Catch::StartsWith("--budget: "));
  CHECK_FALSE(std::filesystem::exists(dir + "/sel.json"));
}

TEST_CASE("selection units: a BatchNorm layer's statistics are chosen together, or the whole layer", "[select]") {
  const std::vector<std::string> names{"bn.weight", "bn.running_mean", "conv.weight", "bn.running_var",
                                       "bn.bias",   "lone.running_var"};
  using Units = std::vector<std::vector<size_t>>;
  CHECK(selection_units(names, "tensors") == Units{{0}, {1}, {2}, {3}, {4}, {5}});
  CHECK(selection_units(names, "stats") == Units{{0}, {1, 3}, {2}, {4}, {5}});  // a lone statistic stays alone
  CHECK(selection_units(names, "layers") == Units{{0, 1, 3, 4}, {2}, {5}});
  CHECK_THROWS_WITH(selection_units(names, "rows"), Catch::StartsWith("--units: "));

  // At 40 bytes running_var alone fits as a tensor but not as a unit with its
  // running_mean; at 64 the pair (3.1) beats the conv weight (2.9).
  const std::string dir = test::scratch_dir("select-units");
  SelectJob job;
  job.scores = write_scores(dir, R"({"model_bytes": 1000,
    "tensors": [{"name": "bn.running_mean", "bytes": 32}, {"name": "bn.running_var", "bytes": 32},
                {"name": "conv.weight", "bytes": 64}],
    "levels": [{"name": "a", "scores": {"bn.running_mean": 0.1, "bn.running_var": 3, "conv.weight": 2.9}}]})");
  job.budget = "40";
  job.units = "tensors";
  CHECK(tensors_of(run_select(job), 0) == std::vector<std::string>{"bn.running_var"});
  job.units = "stats";
  CHECK(tensors_of(run_select(job), 0).empty());
  job.budget = "64";
  const json sel = run_select(job);
  CHECK(sel["units"] == "stats");
  CHECK(tensors_of(sel, 0) == std::vector<std::string>{"bn.running_mean", "bn.running_var"});
  CHECK(sel["levels"][0]["value"].get<double>() == Approx(3.1));
}
