// run_video --reference: each frame's mask against another run's mask of the
// same frame, reported as agreement. Real runs of the shipped street model on a
// synthetic clip (the random built-in model predicts one class everywhere, so
// it would agree with anything).
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "gearnn/common/json_io.h"
#include "gearnn/io/label_io.h"
#include "gearnn/pipeline/run_video.h"
#include "test_support.h"

using namespace gearnn;
using namespace gearnn::test;
namespace fs = std::filesystem;

namespace {

constexpr int kFrames = 12, kWidth = 320, kHeight = 192;

uint64_t off_diagonal(const json& rows) {
  uint64_t n = 0;
  for (size_t t = 0; t < rows.size(); ++t)
    for (size_t p = 0; p < rows[t].size(); ++p) n += t == p ? 0 : rows[t][p].get<uint64_t>();
  return n;
}

std::string clip() { return synth_clip(kFrames, kWidth, kHeight, 7); }

RunOptions street_run(const std::string& input, const std::string& out) {
  RunOptions o;
  o.input = input;
  o.model_dir = source_dir() + "/data/models/street";
  o.out_dir = out;
  o.threads = 1;
  o.progress = false;
  return o;
}

// The street model on the pristine clip: the pseudo ground truth.
std::string reference_run() {
  return fixture("reference-street-synth-12", [](const std::string& dir) { run_video(street_run(clip() + "/video.mkv", dir)); });
}

// The same clip re-encoded at QP 44 and darkened: the model's answer changes.
std::string distorted_clip() {
  return fixture("synth-12-qp44-dark", [](const std::string& dir) {
    must(gearnn_binary() + " distort " + clip() + "/video.mkv --out " + dir + "/video.mp4 --qp 44 --brightness 0.5 --quiet");
  });
}

// A copy of the reference masks to edit.
std::string copy_masks(const std::string& to) {
  fs::copy(reference_run() + "/masks", to);
  return to;
}

}  // namespace

TEST_CASE("run --reference: the same input against its own output agrees exactly", "[run][reference][torch]") {
  const std::string ref = reference_run();
  const std::string dir = scratch_dir("ref-same");
  RunOptions o = street_run(clip() + "/video.mkv", dir + "/same");
  o.reference_dir = ref;  // a run directory: its masks/ are read
  o.masks = "color";
  const json report = run_video(o);
  CHECK(report["reference"] == json({{"path", ref}, {"masks", ref + "/masks"}}));
  CHECK_FALSE(report.contains("metrics"));
  const json& a = report["agreement"];
  CHECK(a["agreement"] == 1.0);
  CHECK(a["agreement_pixel"] == 1.0);
  CHECK(a["mean_frame_agreement"] == 1.0);
  CHECK(a["reference"] == ref);
  CHECK(a["reference_masks"] == ref + "/masks");
  CHECK(matrix_total(a["confusion_matrix"]) == uint64_t{kFrames} * kWidth * kHeight);
  CHECK(off_diagonal(a["confusion_matrix"]) == 0);
  CHECK(a["agreement_iou"].size() == 8);
  for (const char* key : {"miou", "mean_frame_miou", "pixel_acc", "per_class_iou"}) CHECK_FALSE(a.contains(key));
  const auto lines = read_lines(dir + "/same/frames.jsonl");
  REQUIRE(lines.size() == kFrames);
  for (const auto& line : lines) {
    CHECK(line["agreement"] == 1.0);
    CHECK(line["agreement_pixel"] == 1.0);
    CHECK(line["agreement_iou"].size() == 8);
    CHECK_FALSE(line.contains("miou"));
  }

  // Its colour masks, given as a mask directory, are the same ids again.
  o.out_dir = dir + "/again";
  o.reference_dir = dir + "/same/masks";
  o.masks = "ids";
  CHECK(run_video(o)["agreement"]["agreement"] == 1.0);
}

TEST_CASE("run --reference: a distorted input agrees less, and labels are scored beside it, unchanged",
          "[run][reference][torch]") {
  const std::string ref = reference_run();
  const std::string dir = scratch_dir("ref-distorted");
  RunOptions o = street_run(distorted_clip() + "/video.mp4", dir + "/labels-only");
  o.gt_dir = clip() + "/labels";
  const json labels_only = run_video(o);
  o.out_dir = dir + "/both";
  o.reference_dir = ref;
  const json both = run_video(o);

  CHECK(both["metrics"] == labels_only["metrics"]);
  const json& a = both["agreement"];
  CHECK(a["agreement"].get<double>() > 0.05);
  CHECK(a["agreement"].get<double>() < 0.95);
  CHECK(a["agreement_pixel"].get<double>() < 1.0);
  CHECK(matrix_total(a["confusion_matrix"]) == uint64_t{kFrames} * kWidth * kHeight);
  const auto lines = read_lines(dir + "/both/frames.jsonl");
  REQUIRE(lines.size() == kFrames);
  double sum = 0;
  for (const auto& line : lines) {
    CHECK(line["agreement"].get<double>() < 1.0);
    CHECK(line.contains("miou"));
    sum += line["agreement"].get<double>();
  }
  CHECK(a["mean_frame_agreement"].get<double>() == Approx(sum / kFrames));
  CHECK(a["mean_frame_agreement"] != a["agreement"]);  // frames' mean, not the summed matrix
}

TEST_CASE("run --reference: reference pixels at the ignore id count nowhere", "[run][reference][torch]") {
  const std::string dir = scratch_dir("ref-ignore");
  const std::string masks = copy_masks(dir + "/masks");
  for (int i = 0; i < kFrames; ++i) {
    cv::Mat m = read_label_png(frame_png_path(masks, i));
    m(cv::Rect(0, kHeight - 40, kWidth, 40)) = 255;  // e.g. a burnt-in caption masked out
    write_label_png(frame_png_path(masks, i), m);
  }
  RunOptions o = street_run(clip() + "/video.mkv", dir + "/out");
  o.reference_dir = masks;
  const json a = run_video(o)["agreement"];
  CHECK(a["agreement"] == 1.0);
  CHECK(matrix_total(a["confusion_matrix"]) == uint64_t{kFrames} * kWidth * (kHeight - 40));
}

TEST_CASE("run --reference: without --size or --gt the output takes the reference masks' size",
          "[run][reference][torch]") {
  const std::string dir = scratch_dir("ref-size");
  RunOptions o = street_run(clip() + "/video.mkv", dir + "/small");
  o.size = "160x96";
  o.max_frames = 3;
  run_video(o);
  o.out_dir = dir + "/out";
  o.size.clear();
  o.reference_dir = dir + "/small";
  const json report = run_video(o);
  CHECK(report["output"] == json({{"width", 160}, {"height", 96}}));
  CHECK(report["agreement"]["agreement"] == 1.0);
}

TEST_CASE("run --reference: a bad reference up front is one error naming it, and nothing is written",
          "[run][reference][torch]") {
  const std::string ref = reference_run();
  const std::string dir = scratch_dir("ref-bad-start");
  RunOptions o = street_run(clip() + "/video.mkv", dir + "/out");

  o.reference_dir = dir + "/nowhere";
  CHECK(error_of([&] { run_video(o); }) == dir + "/nowhere: reference directory not found");

  fs::create_directories(dir + "/plain-run");  // a run made with --masks none
  std::ofstream(dir + "/plain-run/report.json") << "{}";
  o.reference_dir = dir + "/plain-run";
  CHECK_THAT(error_of([&] { run_video(o); }), Catch::StartsWith(dir + "/plain-run: run directory without masks/"));

  o.reference_dir = ref;
  o.size = "160x96";
  CHECK_THAT(error_of([&] { run_video(o); }),
             Catch::StartsWith(ref + "/masks/000000.png: reference mask is 320x192 but this run's output is 160x96"));
  o.size.clear();
  o.gt_dir = synth_clip(kFrames, 160, 96, 7) + "/labels";  // the labels fix the size
  CHECK_THAT(error_of([&] { run_video(o); }), Catch::StartsWith(ref + "/masks/000000.png: reference mask is 320x192"));
  o.gt_dir.clear();

  const std::string late = copy_masks(dir + "/late");
  fs::remove(late + "/000000.png");
  o.reference_dir = late;
  CHECK_THAT(error_of([&] { run_video(o); }), Catch::StartsWith(late + "/000000.png: reference mask missing for frame 0"));

  const std::string unknown = copy_masks(dir + "/unknown");
  cv::Mat m = read_label_png(unknown + "/000000.png");
  m.at<uint8_t>(5, 5) = 9;
  write_label_png(unknown + "/000000.png", m);
  o.reference_dir = unknown;
  CHECK(error_of([&] { run_video(o); }) ==
        unknown + "/000000.png: class id 9 is not a class of the model (8 classes, ignore id 255)");
  CHECK_FALSE(fs::exists(dir + "/out"));  // every error above came before any output

  // Its own --out: the run would replace the masks it compares with.
  const std::string own = dir + "/own";
  fs::copy(ref, own, fs::copy_options::recursive);
  o.out_dir = own;
  for (const std::string& given : {own, own + "/masks"}) {
    o.reference_dir = given;
    CHECK_THAT(error_of([&] { run_video(o); }), Catch::StartsWith(given + ": reference is this run's own --out"));
  }
  CHECK(read_file(own + "/report.json") == read_file(ref + "/report.json"));
}

TEST_CASE("run --reference: a bad reference mask part-way keeps the frames before it", "[run][reference][torch]") {
  const std::string dir = scratch_dir("ref-bad-midway");
  const std::string missing = copy_masks(dir + "/missing");
  fs::remove(missing + "/000005.png");
  const std::string unknown = copy_masks(dir + "/unknown");
  cv::Mat m = read_label_png(unknown + "/000003.png");
  m.at<uint8_t>(0, 0) = 200;
  write_label_png(unknown + "/000003.png", m);
  std::ofstream(copy_masks(dir + "/notpng") + "/000004.png") << "not a picture";

  struct Case {
    std::string masks, file, problem;
    int frames_kept;
  };
  for (const Case& c : {Case{missing, "000005.png", "reference mask missing for frame 5", 5},
                        Case{unknown, "000003.png", "class id 200 is not a class of the model", 3},
                        Case{dir + "/notpng", "000004.png", "not a PNG file", 4}}) {
    INFO(c.file);
    RunOptions o = street_run(clip() + "/video.mkv", dir + "/out-" + c.file);
    o.reference_dir = c.masks;
    CHECK_THAT(error_of([&] { run_video(o); }), Catch::StartsWith(c.masks + "/" + c.file + ": " + c.problem));
    const json report = read_json_file(o.out_dir + "/report.json");
    CHECK(report["complete"] == false);
    CHECK(report["frames"] == c.frames_kept);
    CHECK(matrix_total(report["agreement"]["confusion_matrix"]) == uint64_t(c.frames_kept) * kWidth * kHeight);
    CHECK(read_lines(o.out_dir + "/frames.jsonl").size() == size_t(c.frames_kept));
    CHECK(fs::exists(frame_png_path(o.out_dir + "/masks", c.frames_kept - 1)));
    CHECK_FALSE(fs::exists(frame_png_path(o.out_dir + "/masks", c.frames_kept)));  // no trace of the bad frame
    CHECK_FALSE(fs::exists(o.out_dir + "/frames.jsonl.tmp"));
    CHECK_FALSE(fs::exists(o.out_dir + "/masks.partial"));
  }
}
