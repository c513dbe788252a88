// gearnn run on an adaptive-bitrate stream whose renditions change size:
// every output at one size, labels compared at full size, renditions reported.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <opencv2/imgcodecs.hpp>

#include "gearnn/common/json_io.h"
#include "gearnn/io/label_io.h"
#include "gearnn/io/video_reader.h"
#include "gearnn/pipeline/run_video.h"
#include "test_support.h"

using namespace gearnn;
using namespace gearnn::test;
namespace fs = std::filesystem;

TEST_CASE("run: an ABR stream (MPEG-TS, HLS) gives masks, overlay and metrics at one size", "[run][abr][torch]") {
  const std::string abr = abr_stream();
  for (const std::string input : {"abr.ts", "abr.m3u8"}) {
    INFO(input);
    const std::string out = scratch_dir("run-abr-" + input);
    RunOptions o;
    o.input = abr + "/" + input;
    o.model_dir = builtin_model();
    o.gt_dir = abr + "/labels";
    o.out_dir = out;
    o.overlay_path = out + "/overlay.mp4";
    o.threads = 1;
    o.progress = false;
    const json report = run_video(o);
    CHECK(report["complete"] == true);
    CHECK(report["frames"] == 60);
    CHECK(report["output"] == json({{"width", 320}, {"height", 192}}));
    // Three sizes seen, each with its frame count.
    std::map<std::string, int64_t> seen;
    for (const auto& r : report["renditions"])
      seen[std::to_string(r["width"].get<int>()) + "x" + std::to_string(r["height"].get<int>())] = r["frames"];
    CHECK(seen == std::map<std::string, int64_t>{{"320x192", 30}, {"240x144", 15}, {"160x96", 15}});
    // Every label pixel counted: the comparison ran at the labels' full size.
    uint64_t pixels = 0;
    for (const auto& row : report["metrics"]["confusion_matrix"])
      for (const auto& v : row) pixels += v.get<uint64_t>();
    CHECK(pixels == 60ull * 320 * 192);
    CHECK(report["metrics"]["miou"].is_number());
    // Masks of every rendition at the output size.
    for (int i : {0, 20, 35, 59}) {
      const cv::Mat mask = read_label_png(frame_png_path(out + "/masks", i));
      INFO("mask " << i);
      CHECK(mask.cols == 320);
      CHECK(mask.rows == 192);
    }
    // Per-frame records keep each frame's coded size and scale.
    std::ifstream lines(out + "/frames.jsonl");
    int n = 0;
    for (std::string line; std::getline(lines, line); ++n) {
      const json f = json::parse(line);
      const AbrRendition& r = abr_renditions()[static_cast<size_t>(n / 15)];
      CHECK(f["width"] == r.width);
      CHECK(f["height"] == r.height);
      CHECK(f["scale"].get<double>() == Approx(r.height / 192.0));
    }
    CHECK(n == 60);
    // The overlay video holds every frame at the output size.
    VideoReader overlay(out + "/overlay.mp4");
    CHECK(overlay.info().width == 320);
    CHECK(overlay.info().height == 192);
    int frames = 0;
    DecodedFrame f;
    while (overlay.read(f)) ++frames;
    CHECK(frames == 60);
  }
}

TEST_CASE("run: --size sets the output size, and a bad --size is one error", "[run][abr][torch]") {
  const std::string out = scratch_dir("run-size");
  RunOptions o;
  o.input = abr_stream() + "/abr.ts";
  o.model_dir = builtin_model();
  o.out_dir = out;
  o.size = "160x96";
  o.max_frames = 20;
  o.threads = 1;
  o.progress = false;
  const json report = run_video(o);
  CHECK(report["output"] == json({{"width", 160}, {"height", 96}}));
  CHECK(read_label_png(frame_png_path(out + "/masks", 0)).size() == cv::Size(160, 96));
  CHECK(read_label_png(frame_png_path(out + "/masks", 19)).size() == cv::Size(160, 96));
  o.size = "160by96";
  CHECK(error_of([&] { run_video(o); }).find("--size 160by96") != std::string::npos);
  o.size = "161x96";
  CHECK(error_of([&] { run_video(o); }).find("even") != std::string::npos);
}
