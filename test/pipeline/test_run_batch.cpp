// --batch N: frames segmented in batches give what one frame a forward gives,
// and a gear switch closes a batch (a frame is never segmented with a neighbour's gear).
// --blend and --check-neighbours, which put other gears than the features' in place.
#include <catch2/catch.hpp>
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <opencv2/core.hpp>

#include "gearnn/common/json_io.h"
#include "gearnn/io/label_io.h"
#include "gearnn/model/segmenter.h"
#include "gearnn/pipeline/run_video.h"
#include "test_support.h"

using namespace gearnn;
using namespace gearnn::test;

namespace {

// A run of the shipped street model with its QP gears on a labelled synthetic
// clip re-encoded by libx264 along `segments` (a schedule's JSON array).
RunOptions street_run_on_schedule(const std::string& dir, const std::string& segments, int frames, int seed) {
  std::ofstream(dir + "/s.json") << "{\"segments\": " << segments << "}";
  const std::string clip = synth_clip(frames, 480, 272, seed);
  const std::string video = dir + "/dyn.mp4";
  must(gearnn_binary() + " distort --quiet " + clip + "/video.mkv --out " + video + " --schedule " + dir + "/s.json");
  RunOptions o;
  o.input = video;
  o.model_dir = source_dir() + "/data/models/street";
  o.gears_dir = "qp";
  o.gt_dir = clip + "/labels";
  o.threads = 1;
  o.progress = false;
  return o;
}

// The same run at one frame a forward (into DIR/one) and at `batch` (DIR/batched).
struct TwoRuns {
  json one, batched;                              // reports
  std::vector<json> one_frames, batched_frames;  // frames.jsonl
};
TwoRuns run_unbatched_and_batched(RunOptions o, const std::string& dir, int batch) {
  TwoRuns r;
  o.out_dir = dir + "/one";
  r.one = run_video(o);
  o.batch = batch;
  o.out_dir = dir + "/batched";
  r.batched = run_video(o);
  r.one_frames = read_lines(dir + "/one/frames.jsonl");
  r.batched_frames = read_lines(dir + "/batched/frames.jsonl");
  return r;
}

}  // namespace

TEST_CASE("Segmenter::forward_batch gives each frame's own logits", "[model][batch][torch]") {
  for (const std::string& model_dir : {source_dir() + "/data/models/street", torchscript_model("tiny")}) {
    Segmenter model(model_dir);
    model.prepare_inference({});  // the frozen module for TorchScript, as gearnn run uses
    std::vector<cv::Mat> inputs;
    for (int i = 0; i < 3; ++i) {  // frames that differ, so a mixed-up batch shows
      cv::Mat rgb(192, 320, CV_8UC3);
      cv::theRNG().state = 100 + i;
      cv::randu(rgb, 0, 60 + 90 * i);  // darker and brighter noise
      inputs.push_back(model.preprocess(rgb));
    }
    const std::vector<cv::Mat> batched = model.forward_batch(inputs);
    REQUIRE(batched.size() == 3);
    for (int i = 0; i < 3; ++i) {
      const cv::Mat alone = model.forward(inputs[i]);
      REQUIRE(alone.size == batched[i].size);
      CHECK(cv::norm(alone, batched[i], cv::NORM_INF) < 1e-4);
      if (i > 0) CHECK(cv::norm(batched[i], batched[i - 1], cv::NORM_INF) > 1e-2);
    }
    const std::string message = error_of([&] { model.forward_batch({cv::Mat::zeros(10, 10, CV_32F)}); });
    CHECK(message.find("not a preprocessed frame") != std::string::npos);
  }
}

TEST_CASE("run --batch: same gears and masks as one frame a forward, batches cut at gear switches",
          "[run][batch][gears][torch]") {
  const std::string dir = scratch_dir("run-batch");
  // The QP changes every 5 frames, so with --batch 4 batches end early at switches.
  RunOptions o = street_run_on_schedule(dir, R"([{"frames": [0, 5], "qp": 22}, {"frames": [5, 10], "qp": 50},
      {"frames": [10, 15], "qp": 30}, {"frames": [15, 20], "qp": 46}, {"frames": [20, 26], "qp": 24}])", 26, 4242);
  const TwoRuns r = run_unbatched_and_batched(o, dir, 4);
  const json &one = r.one, &four = r.batched;
  CHECK(four["options"]["batch"] == 4);
  REQUIRE(one["gear_switches"].get<int>() >= 3);
  CHECK(four["gear_switches"] == one["gear_switches"]);
  CHECK(four["gear_usage"] == one["gear_usage"]);
  CHECK(four["frames"] == 26);
  CHECK(four["metrics"]["miou"].get<double>() == Approx(one["metrics"]["miou"].get<double>()).margin(1e-4));
  const auto &a = r.one_frames, &b = r.batched_frames;
  REQUIRE(a.size() == 26);
  REQUIRE(b.size() == 26);
  for (size_t i = 0; i < a.size(); ++i) {
    CHECK(b[i]["gear"] == a[i]["gear"]);
    // A frame segmented with another gear differs in many pixels; rounding in a batch in a few at most.
    const cv::Mat ma = read_label_png(frame_png_path(dir + "/one/masks", static_cast<int64_t>(i)));
    const cv::Mat mb = read_label_png(frame_png_path(dir + "/batched/masks", static_cast<int64_t>(i)));
    CHECK(cv::countNonZero(ma != mb) <= 20);
  }
}

TEST_CASE("run --blend: frames between two levels get both gears mixed, recorded per frame", "[run][blend][gears][torch]") {
  const std::string dir = scratch_dir("run-blend");
  RunOptions o = street_run_on_schedule(dir, R"([{"frames": [0, 8], "qp": 26}, {"frames": [8, 16], "qp": 45}])", 16, 4343);
  o.blend = 4;
  const TwoRuns r = run_unbatched_and_batched(o, dir, 3);
  const json &one = r.one, &three = r.batched;
  CHECK(one["options"]["blend"] == 4);
  const auto &a = r.one_frames, &b = r.batched_frames;
  REQUIRE(a.size() == 16);
  REQUIRE(b.size() == 16);
  const std::vector<std::string> ladder{"qp20", "qp24", "qp28", "qp31", "qp34", "qp37", "qp40", "qp43", "qp47", "qp51"};
  int blended = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    CHECK(b[i]["gear"] == a[i]["gear"]);
    CHECK(b[i].value("blend", json()) == a[i].value("blend", json()));
    if (!a[i].contains("blend")) continue;
    ++blended;
    const json& bl = a[i]["blend"];
    const double t = bl["t"].get<double>();
    CHECK((t > 0 && t < 1));
    CHECK(t * 4 == Approx(std::round(t * 4)));  // in quarters
    // Neighbouring levels of the ladder, the nearer one named as the gear.
    const auto lo = std::find(ladder.begin(), ladder.end(), bl["lo"].get<std::string>());
    REQUIRE(lo != ladder.end());
    CHECK(*(lo + 1) == bl["hi"].get<std::string>());
    CHECK(a[i]["gear"] == (t < 0.5 ? bl["lo"] : bl["hi"]));
  }
  CHECK(blended >= 4);  // QP 26 and 45 lie between levels
  CHECK(three["metrics"]["miou"].get<double>() == Approx(one["metrics"]["miou"].get<double>()).margin(1e-4));
}

TEST_CASE("run --check-neighbours: each frame keeps the least uncertain of its gear and the adjacent levels'",
          "[run][check][gears][torch]") {
  const std::string dir = scratch_dir("run-check");
  RunOptions o = street_run_on_schedule(dir, R"([{"frames": [0, 6], "qp": 27}, {"frames": [6, 12], "qp": 46}])", 12, 4545);
  o.check_neighbours = 1;  // a window of one frame, so each kept entropy is that frame's minimum
  o.check_every = 1;       // every frame checked
  o.masks = "ids";
  o.out_dir = dir + "/checked";
  const json report = run_video(o);
  const std::vector<json> frames = read_lines(dir + "/checked/frames.jsonl");
  REQUIRE(frames.size() == 12);
  CHECK(report["options"]["check_neighbours"] == 1);

  // Every gear of the QP ladder forced on every frame, its entropy recorded:
  // the gear for any QP up to 100, next to a twin (the same file) above it,
  // so every frame is checked, the two tie and the gear itself is kept.
  const std::string qp_dir = source_dir() + "/data/models/street/gears/qp";
  const json shipped = read_json_file(qp_dir + "/gears.json");
  const std::vector<std::string> ladder{"qp20", "qp24", "qp28", "qp31", "qp34", "qp37", "qp40", "qp43", "qp47", "qp51"};
  std::map<std::string, std::vector<json>> forced;
  for (const std::string& g : ladder) {
    const std::string set_dir = dir + "/only-" + g;
    std::filesystem::create_directories(set_dir);
    const std::string file = std::filesystem::relative(qp_dir + "/" + g + ".pt", set_dir).string();
    std::ofstream(set_dir + "/gears.json")
        << json{{"base_model_hash", shipped["base_model_hash"]},
                {"gears",
                 {{{"name", g}, {"file", file}, {"when", {{"qp", {nullptr, 100}}}}},
                  {{"name", "twin"}, {"file", file}, {"when", {{"qp", {100, nullptr}}}}}}}}
               .dump();
    RunOptions f = o;
    f.gears_dir = set_dir;
    f.out_dir = dir + "/forced-" + g;
    run_video(f);
    forced[g] = read_lines(f.out_dir + "/frames.jsonl");
  }
  int changed = 0;
  for (size_t i = 0; i < frames.size(); ++i) {
    const json& r = frames[i];
    const auto at = std::find(ladder.begin(), ladder.end(), r["feature_gear"].get<std::string>());
    REQUIRE(at != ladder.end());
    CHECK(*at == (i < 6 ? "qp28" : "qp47"));
    // Candidates: the features' gear and the levels either side of it.
    std::string best;
    double lowest = 1e9;
    for (auto c = at == ladder.begin() ? at : at - 1; c != ladder.end() && c <= at + 1; ++c) {
      const double e = forced[*c][i]["entropy"].get<double>();
      if (e < lowest) lowest = e, best = *c;
    }
    CHECK(r["gear"] == best);
    CHECK(r["entropy"].get<double>() == Approx(lowest).epsilon(1e-4));
    // The mask kept is that gear's own prediction.
    const cv::Mat kept = read_label_png(frame_png_path(dir + "/checked/masks", static_cast<int64_t>(i)));
    const cv::Mat alone = read_label_png(frame_png_path(dir + "/forced-" + best + "/masks", static_cast<int64_t>(i)));
    CHECK(cv::countNonZero(kept != alone) <= 20);
    if (r["gear"] != r["feature_gear"]) ++changed;
  }
  CHECK(report["check_changed_frames"] == changed);
  CHECK(report["checked_frames"] == 12);
  CHECK(changed > 0);  // on this clip the check does move frames to a neighbour

  // --check-every 4: checks on frame 0, 4, 6 (the features' gear changes) and
  // 10; the frames between keep the gear of the last check, segmented once.
  RunOptions sparse = o;
  sparse.check_every = 4;
  sparse.out_dir = dir + "/sparse";
  const json sparse_report = run_video(sparse);
  const std::vector<json> sparse_frames = read_lines(dir + "/sparse/frames.jsonl");
  REQUIRE(sparse_frames.size() == 12);
  CHECK(sparse_report["checked_frames"] == 4);
  CHECK(sparse_report["options"]["check_every"] == 4);
  std::string kept_at_check;
  for (size_t i = 0; i < sparse_frames.size(); ++i) {
    const bool checked = i == 0 || i == 4 || i == 6 || i == 10;
    if (checked) kept_at_check = frames[i]["gear"].get<std::string>();  // the window of one frame decides alone
    CHECK(sparse_frames[i]["gear"] == kept_at_check);
    CHECK(sparse_frames[i]["feature_gear"] == frames[i]["feature_gear"]);
    CHECK(sparse_frames[i].contains("entropy") == checked);  // computed only where the check ran
    const cv::Mat kept = read_label_png(frame_png_path(dir + "/sparse/masks", static_cast<int64_t>(i)));
    const cv::Mat alone =
        read_label_png(frame_png_path(dir + "/forced-" + kept_at_check + "/masks", static_cast<int64_t>(i)));
    CHECK(cv::countNonZero(kept != alone) <= 20);
  }
  CHECK(report["frames"] == 12);

  // Only with a gear set, and not with --blend.
  RunOptions bad = o;
  bad.blend = 4;
  CHECK(error_of([&] { run_video(bad); }).find("--check-neighbours") != std::string::npos);
  bad = o;
  bad.gears_dir.clear();
  CHECK(error_of([&] { run_video(bad); }).find("needs a gear set") != std::string::npos);
  bad = o;
  bad.check_every = 0;
  CHECK(error_of([&] { run_video(bad); }).find("--check-every") != std::string::npos);
}
