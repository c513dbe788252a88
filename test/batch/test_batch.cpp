// Manifest parsing, shard coverage and report merging (no model runs here;
// test/cli/cli_batch.sh runs real batches).
#include <catch2/catch.hpp>
#include <functional>
#include <random>
#include <set>

#include "gearnn/batch/batch.h"
#include "gearnn/common/errors.h"
#include "gearnn/metrics/confusion_matrix.h"
#include "gearnn/metrics/merge_reports.h"
#include "test_support.h"

using namespace gearnn;
using gearnn::test::error_of;
using gearnn::test::scratch_dir;
namespace fs = std::filesystem;

namespace {

std::string write_file(const std::string& path, const std::string& text) {
  std::ofstream(path) << text;
  return path;
}


// A run directory as `gearnn run` writes it, with a given confusion matrix.
void fake_run(const std::string& dir, const ConfusionMatrix& cm, const std::vector<std::string>& classes,
              bool complete = true, int64_t frames = 10) {
  fs::create_directories(dir);
  json report = {{"complete", complete},
                 {"input", {{"path", dir + ".mp4"}}},
                 {"model", {{"classes", classes}, {"hash", "m"}}},
                 {"gears", nullptr},
                 {"frames", frames},
                 {"seconds", 1.5},
                 {"fps", frames / 1.5},
                 {"gear_usage", {{"base", frames}}},
                 {"gear_switches", 0}};
  json m = metrics_json(cm, classes);
  m["mean_frame_miou"] = 0.5;
  report["metrics"] = m;
  if (!complete) report["error"] = "x.mp4: truncated";
  write_json_file(dir + "/report.json", report);
}

ConfusionMatrix random_matrix(std::mt19937& rng, int n) {
  ConfusionMatrix cm(n);
  std::uniform_int_distribution<int> d(0, 1000000);
  for (int t = 0; t < n; ++t)
    for (int p = 0; p < n; ++p) cm.at(t, p) = static_cast<uint64_t>(d(rng)) * (t == p ? 20 : 1);
  return cm;
}

}  // namespace

TEST_CASE("shards cover every id exactly once, and are stable", "[batch]") {
  std::vector<std::string> ids;
  for (int i = 0; i < 300; ++i) ids.push_back("clip-" + std::to_string(i));
  for (int n = 1; n <= 7; ++n) {
    std::vector<int> owners(ids.size(), 0);
    for (int s = 0; s < n; ++s) {
      const Shard shard = Shard::parse(std::to_string(s) + "/" + std::to_string(n));
      int count = 0;
      for (size_t i = 0; i < ids.size(); ++i)
        if (shard.contains(ids[i])) ++owners[i], ++count;
      CHECK(count > 300 / n / 2);  // no shard starved
    }
    for (int o : owners) REQUIRE(o == 1);
  }
  // The shard depends on the id only, not on its position in the manifest.
  CHECK(Shard::parse("1/3").contains("clip-5") == Shard{1, 3}.contains("clip-5"));
  for (const char* bad : {"3/3", "1", "a/2", "-1/2", "1/0", "0/2/1"}) CHECK_THROWS_AS(Shard::parse(bad), Error);
}

TEST_CASE("manifest lines are checked and paths resolved", "[batch]") {
  const std::string dir = scratch_dir("manifest");
  const std::string good = write_file(dir + "/good.jsonl",
                                      "{\"id\": \"a\", \"input\": \"clips/a.mp4\", \"gt\": \"clips/a\"}\n"
                                      "\n"
                                      "{\"id\": \"b-2.x\", \"input\": \"/abs/b.mp4\", \"model\": \"m2\", \"gears\": null}\n");
  const auto items = read_manifest(good, "/models/street", "/gears/qp");
  REQUIRE(items.size() == 2);
  CHECK(items[0].input == dir + "/clips/a.mp4");
  CHECK(items[0].gt == dir + "/clips/a");
  CHECK(items[0].model == "/models/street");
  CHECK(items[0].gears == "/gears/qp");
  CHECK(items[1].input == "/abs/b.mp4");
  CHECK(items[1].model == dir + "/m2");
  CHECK(items[1].gears == "/gears/qp");  // null means the default
  CHECK(items[1].line == 3);

  auto problem = [&](const std::string& text, const std::string& model = "/m") {
    const std::string path = write_file(dir + "/bad.jsonl", text);
    return error_of([&] { read_manifest(path, model, ""); });
  };
  CHECK_THAT(problem("{\"id\": \"a\", \"input\": \"x\"}\n{\"id\": \"b\", \"input\": \"y\"\n"),
             Catch::Contains("bad.jsonl:2") && Catch::Contains("not a JSON object"));
  CHECK_THAT(problem("{\"id\": \"a\", \"input\": \"x\", \"gts\": \"y\"}"), Catch::Contains("unknown key 'gts'"));
  CHECK_THAT(problem("{\"id\": \"a\", \"input\": \"x\"}\n{\"id\": \"a\", \"input\": \"y\"}"),
             Catch::Contains("bad.jsonl:2") && Catch::Contains("already used on line 1"));
  CHECK_THAT(problem("{\"id\": \"../up\", \"input\": \"x\"}"), Catch::Contains("id '../up'"));
  CHECK_THAT(problem("{\"id\": \".hidden\", \"input\": \"x\"}"), Catch::Contains("id '.hidden'"));
  CHECK_THAT(problem("{\"id\": \"a\"}"), Catch::Contains("missing key 'input'"));
  CHECK_THAT(problem("{\"id\": 7, \"input\": \"x\"}"), Catch::Contains("'id' has the wrong type"));
  CHECK_THAT(problem("{\"id\": \"a\", \"input\": \"x\"}", ""), Catch::Contains("no model"));
  CHECK_THAT(problem("\n\n"), Catch::Contains("no items"));
  CHECK_THAT(error_of([&] { read_manifest(dir + "/none.jsonl", "/m", ""); }), Catch::Contains("none.jsonl"));
}

TEST_CASE("merge sums confusion matrices, whatever the sharding", "[batch]") {
  const std::string dir = scratch_dir("merge");
  const std::vector<std::string> classes = {"road", "car", "sky"};
  std::mt19937 rng(3);
  ConfusionMatrix expected(3);
  std::vector<ConfusionMatrix> cms;
  for (int i = 0; i < 6; ++i) {
    cms.push_back(random_matrix(rng, 3));
    expected.add(cms.back());
    fake_run(dir + "/all/item" + std::to_string(i), cms.back(), classes);
    fake_run(dir + "/shard" + std::to_string(i % 3) + "/item" + std::to_string(i), cms.back(), classes);
  }
  const json one = merge_reports({dir + "/all"});
  const json sharded = merge_reports({dir + "/shard2", dir + "/shard0", dir + "/shard1"});
  CHECK(one["metrics"] == sharded["metrics"]);
  CHECK(one["items"].size() == 6);
  CHECK(ConfusionMatrix::from_json(one["metrics"]["confusion_matrix"], "merged").to_json() == expected.to_json());
  CHECK(one["metrics"]["miou"].get<double>() == Approx(*expected.miou()));
  // The summed-matrix mIoU is not the mean of the items' mIoUs; both are reported.
  double mean = 0;
  for (const auto& cm : cms) mean += *cm.miou() / cms.size();
  CHECK(one["metrics"]["mean_item_miou"].get<double>() == Approx(mean));
  CHECK(std::abs(mean - *expected.miou()) > 1e-6);
  CHECK(one["frames"] == 60);
  CHECK(one["gear_usage"]["base"] == 60);

  SECTION("an incomplete run is a failure, not a source of metrics") {
    fake_run(dir + "/all/broken", random_matrix(rng, 3), classes, false);
    const json m = merge_reports({dir + "/all"});
    CHECK(m["metrics"] == one["metrics"]);
    REQUIRE(m["failures"].size() == 1);
    CHECK(m["failures"][0]["id"] == "broken");
    CHECK(m["failures"][0]["error"] == "x.mp4: truncated");
  }
  SECTION("an item in two directories is refused") {
    CHECK_THAT(error_of([&] { merge_reports({dir + "/all", dir + "/shard0"}); }), Catch::Contains("item0"));
  }
  SECTION("reports with other classes are refused") {
    fake_run(dir + "/other/x", random_matrix(rng, 2), {"road", "car"});
    CHECK_THAT(error_of([&] { merge_reports({dir + "/all", dir + "/other"}); }), Catch::Contains("classes differ"));
  }
  SECTION("a directory without reports is an error naming it") {
    fs::create_directories(dir + "/empty");
    CHECK_THAT(error_of([&] { merge_reports({dir + "/empty"}); }), Catch::Contains(dir + "/empty"));
  }
  SECTION("a damaged report is named with the bad value, never merged") {
    // Each was a raw library message naming no file (or, for gear_usage as an
    // array, merged bogus gears and exited 0).
    fake_run(dir + "/good/item", cms[0], classes);
    const json good = read_json_file(dir + "/good/item/report.json");
    auto damaged = [&](const std::string& name, const std::function<void(json&)>& edit) {
      const std::string run = dir + "/damaged-" + name + "/item";
      fs::create_directories(run);
      json r = good;
      edit(r);
      write_json_file(run + "/report.json", r);
      const std::string what = error_of([&] { merge_reports({dir + "/damaged-" + name}); });
      INFO(name << ": " << what);
      CHECK_THAT(what, Catch::StartsWith(run + "/report.json: "));
      return what.substr(std::min(what.size(), run.size() + 14));
    };
    CHECK(damaged("array", [](json& r) { r = json::array(); }) == "not a gearnn run report (expected a JSON object)");
    CHECK(damaged("complete", [](json& r) { r["complete"] = "yes"; }) == "/complete: must be true or false");
    CHECK(damaged("frames", [](json& r) { r["frames"] = "many"; }) ==
          "/frames: must be an integer of at least 0, not \"many\"");
    CHECK(damaged("input", [](json& r) { r["input"] = 5; }) == "/input: must be an object");
    CHECK(damaged("usage-type", [](json& r) { r["gear_usage"] = "x"; }) ==
          "/gear_usage: must be an object of gear names and frame counts");
    CHECK(damaged("usage-array", [](json& r) {
            r["gear_usage"] = {1, 2};
          }) == "/gear_usage: must be an object of gear names and frame counts");
    CHECK(damaged("usage-count", [](json& r) {
            r["gear_usage"] = {{"q/40", -3}};
          }) == "/gear_usage/q~140: must be an integer of at least 0, not -3");
    CHECK(damaged("model", [](json& r) { r.erase("model"); }) == "/model: missing (not a complete run report)");
    CHECK(damaged("matrix", [](json& r) { r["metrics"].erase("confusion_matrix"); }) ==
          "/metrics/confusion_matrix: missing");
    // A number no double holds, in a report and in a manifest line.
    const std::string huge = dir + "/huge/item";
    fs::create_directories(huge);
    write_file(huge + "/report.json", "{\"complete\": true, \"frames\": 1e999999}");
    CHECK(error_of([&] { merge_reports({dir + "/huge"}); }) ==
          huge + "/report.json: malformed JSON (number overflow parsing '1e999999')");
    write_file(dir + "/huge.jsonl", "{\"id\": \"a\", \"input\": \"x\", \"gt\": 1e999999}\n");
    CHECK(error_of([&] { read_manifest(dir + "/huge.jsonl", "/m", ""); }) ==
          dir + "/huge.jsonl:1: not a JSON object: malformed JSON (number overflow parsing '1e999999')");
  }
  SECTION("totals past INT64_MAX and class lists longer than their matrix are refused") {
    // Each count is in range alone; their sum was a signed overflow.
    const std::string big = dir + "/big";
    fake_run(big + "/a", cms[0], classes, true, INT64_MAX);
    fake_run(big + "/b", cms[1], classes, true, INT64_MAX);
    CHECK(error_of([&] { merge_reports({big}); }) ==
          big + "/b/report.json: /frames: the total over the merged reports is too large");
    // The summed matrix was made from the class list (100000^2 counts) before
    // the report's own 3x3 matrix was compared with it.
    fake_run(dir + "/many/a", cms[0], classes);
    json r = read_json_file(dir + "/many/a/report.json");
    r["model"]["classes"] = std::vector<std::string>(100000, "c");
    write_json_file(dir + "/many/a/report.json", r);
    CHECK(error_of([&] { merge_reports({dir + "/many"}); }) ==
          dir + "/many/a/report.json: confusion matrix size differs from its classes");
  }
  SECTION("a single run directory merges as one item named after it") {
    const json m = merge_reports({dir + "/all/item3/"});
    REQUIRE(m["items"].size() == 1);
    CHECK(m["items"][0]["id"] == "item3");
    CHECK(m["metrics"]["confusion_matrix"] == cms[3].to_json());
  }
}

TEST_CASE("item keys hold --check-neighbours and --check-every only for items with gears", "[batch][check]") {
  BatchOptions o;
  BatchItem item;
  item.id = "a";
  item.input = gearnn::test::synth_clip() + "/video.mkv";
  item.model = gearnn::test::source_dir() + "/data/models/street";
  const std::string plain = item_key(item, o, 1);
  o.check_neighbours = 5;
  CHECK(item_key(item, o, 1) == plain);  // no gears: the check cannot run
  item.gears = "qp";
  const std::string checked = item_key(item, o, 1);
  o.check_neighbours = 0;
  CHECK(item_key(item, o, 1) != checked);
  o.check_neighbours = 5;
  o.check_every = 1;
  CHECK(item_key(item, o, 1) != checked);
}

TEST_CASE("item keys hold the thread count only for TorchScript models", "[batch][threads]") {
  // Built-in models give the same masks at any thread count (test_thread_independence.cpp),
  // so a shard with all cores resumes what --jobs 2 (a thread each) finished; a
  // TorchScript model's kernels are LibTorch's choice, which depends on it.
  BatchOptions o;
  BatchItem item;
  item.id = "a";
  item.input = gearnn::test::synth_clip() + "/video.mkv";
  item.model = gearnn::test::builtin_model();
  CHECK(item_key(item, o, 1) == item_key(item, o, 2));
  item.model = gearnn::test::torchscript_model("tiny");
  CHECK(item_key(item, o, 1) != item_key(item, o, 2));
  CHECK(item_key(item, o, 2) == item_key(item, o, 2));
}
