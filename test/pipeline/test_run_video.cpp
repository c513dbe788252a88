// run_video in-process: what each output holds after a complete run and after
// an error part-way (one writer per output, fed in the same order).
#include <catch2/catch.hpp>
#include <algorithm>
#include <filesystem>
#include <fstream>

#include "gearnn/common/cores.h"
#include "gearnn/common/json_io.h"
#include "gearnn/io/label_io.h"
#include "gearnn/pipeline/run_video.h"
#include "test_support.h"

using namespace gearnn;
using namespace gearnn::test;
namespace fs = std::filesystem;

namespace {

RunOptions quiet_run(const std::string& clip, const std::string& out) {
  RunOptions o;
  o.input = clip + "/video.mkv";
  o.model_dir = builtin_model();
  o.out_dir = out;
  o.threads = 1;
  o.progress = false;
  return o;
}

}  // namespace

TEST_CASE("run: colour and grey masks hold the same ids, metrics cover the listed frames", "[run][torch]") {
  const std::string clip = synth_clip(12, 320, 192, 7);
  const std::string dir = scratch_dir("run-masks");
  RunOptions o = quiet_run(clip, dir + "/grey");
  o.gt_dir = clip + "/labels";
  o.max_frames = 4;
  const json grey = run_video(o);
  o.out_dir = dir + "/colour";
  o.masks = "color";
  o.threads = 0;  // the thread plan: usable cores but one for the forward
  const json colour = run_video(o);

  CHECK(read_json_file(dir + "/grey/report.json") == grey);
  CHECK(grey["complete"] == true);
  CHECK(grey["frames"] == 4);
  CHECK(grey["metrics"] == colour["metrics"]);  // whatever the thread count
  CHECK(grey["threads"]["torch_intra_op"] == 1);
  CHECK(colour["threads"]["torch_intra_op"] == run_forward_threads(0));
  CHECK(matrix_total(grey["metrics"]["confusion_matrix"]) == 4ull * 320 * 192);
  const auto lines = read_lines(dir + "/grey/frames.jsonl");
  REQUIRE(lines.size() == 4);
  double miou_sum = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    CHECK(lines[i]["frame"] == i);
    CHECK(lines[i]["gear"].is_null());
    miou_sum += lines[i]["miou"].get<double>();
    const std::string grey_png = frame_png_path(dir + "/grey/masks", static_cast<int64_t>(i));
    const std::string colour_png = frame_png_path(dir + "/colour/masks", static_cast<int64_t>(i));
    CHECK(read_file(grey_png) != read_file(colour_png));  // the colour one carries a palette
    CHECK(cv::countNonZero(read_label_png(grey_png) != read_label_png(colour_png)) == 0);
  }
  CHECK_FALSE(fs::exists(frame_png_path(dir + "/grey/masks", 4)));
  CHECK(grey["metrics"]["mean_frame_miou"].get<double>() == Approx(miou_sum / 4));
  CHECK_FALSE(fs::exists(dir + "/grey/frames.jsonl.tmp"));
}

TEST_CASE("run: a missing label part-way keeps the frames before it and drops the overlay", "[run][torch]") {
  const std::string clip = synth_clip(12, 320, 192, 7);
  const std::string dir = scratch_dir("run-partial");
  fs::copy(clip + "/labels", dir + "/labels");
  fs::remove(dir + "/labels/000005.png");
  RunOptions o = quiet_run(clip, dir + "/out");
  o.gt_dir = dir + "/labels";
  o.overlay_path = dir + "/out/overlay.mp4";
  o.masks = "color";
  // Frames were kept: a PartialError, which gearnn exits with code 3.
  CHECK_THROWS_AS(run_video(o), PartialError);
  CHECK_THROWS_WITH(run_video(o), Catch::Contains("000005.png"));

  const json report = read_json_file(dir + "/out/report.json");
  CHECK(report["complete"] == false);
  CHECK_THAT(report["error"].get<std::string>(), Catch::Contains("000005.png"));
  CHECK(report["frames"] == 5);
  CHECK(matrix_total(report["metrics"]["confusion_matrix"]) == 5ull * 320 * 192);
  const auto lines = read_lines(dir + "/out/frames.jsonl");
  REQUIRE(lines.size() == 5);
  for (size_t i = 0; i < lines.size(); ++i) {
    CHECK(lines[i]["frame"] == i);
    CHECK(fs::exists(frame_png_path(dir + "/out/masks", static_cast<int64_t>(i))));
  }
  CHECK_FALSE(fs::exists(frame_png_path(dir + "/out/masks", 5)));
  CHECK_FALSE(fs::exists(dir + "/out/frames.jsonl.tmp"));
  CHECK_FALSE(fs::exists(dir + "/out/overlay.mp4"));
  CHECK_FALSE(fs::exists(dir + "/out/overlay.mp4.tmp"));
}

TEST_CASE("run: a rerun into a used --out replaces the earlier masks, and only those", "[run][torch]") {
  const std::string clip = synth_clip(12, 320, 192, 7);
  const std::string dir = scratch_dir("run-rerun");
  RunOptions o = quiet_run(clip, dir);
  o.max_frames = 10;
  run_video(o);
  std::ofstream(dir + "/masks/notes.txt") << "mine";
  o.max_frames = 3;
  o.size = "160x96";
  run_video(o);
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir + "/masks")) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  CHECK(names == std::vector<std::string>{"000000.png", "000001.png", "000002.png", "notes.txt"});
  CHECK(read_label_png(dir + "/masks/000002.png").size() == cv::Size(160, 96));
  CHECK(read_lines(dir + "/frames.jsonl").size() == 3);
  CHECK_FALSE(fs::exists(dir + "/masks.partial"));
}

TEST_CASE("run: a stream whose header has no frame size runs at its first frame's size", "[run][live][torch]") {
  const std::string out = scratch_dir("run-sizeless");
  RunOptions o;
  o.input = sizeless_stream();
  o.model_dir = builtin_model();
  o.out_dir = out;
  o.overlay_path = out + "/overlay.mp4";
  o.threads = 1;
  o.progress = false;
  const json report = run_video(o);
  CHECK(report["complete"] == true);
  CHECK(report["frames"] == 20);
  CHECK(report["output"] == json({{"width", 160}, {"height", 96}}));
  CHECK(report["input"]["width"] == 160);
  CHECK(report["input"]["height"] == 96);
  CHECK(read_label_png(frame_png_path(out + "/masks", 0)).size() == cv::Size(160, 96));
  CHECK(read_label_png(frame_png_path(out + "/masks", 19)).size() == cv::Size(160, 96));
  CHECK(fs::file_size(out + "/overlay.mp4") > 0);
}
