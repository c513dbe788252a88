#include <catch2/catch.hpp>
#include <opencv2/imgproc.hpp>

#include "gearnn/common/errors.h"
#include "gearnn/common/json_io.h"
#include "gearnn/io/video_writer.h"
#include "gearnn/pipeline/probe.h"
#include "test_support.h"

using namespace gearnn;
using namespace gearnn::test;

TEST_CASE("probe: per-frame features and the gear a set would pick, with hold", "[features][probe]") {
  const std::string dir = scratch_dir("probe");
  // 10 dark frames, then 10 bright ones, through libx264 (limited-range Y).
  const std::string clip = dir + "/dark-bright.mp4";
  {
    EncoderSettings es;
    es.options = {{"qp", "20"}, {"preset", "veryfast"}};
    VideoWriter w(clip, 160, 96, es);
    for (int i = 0; i < 20; ++i) {
      cv::Mat rgb(96, 160, CV_8UC3, cv::Scalar::all(i < 10 ? 40 : 180));
      cv::rectangle(rgb, {20, 20, 40, 30}, cv::Scalar::all(i < 10 ? 70 : 250), cv::FILLED);
      w.write(rgb);
    }
    w.finish();
  }
  std::filesystem::create_directories(dir + "/gears");
  write_json_file(dir + "/gears/gears.json",
                  json::parse(R"({"gears": [{"name": "dark", "file": "dark.pt", "when": {"luma": [null, 100]}},
                                            {"name": "bright", "file": "bright.pt", "when": {"luma": [100, null]}}]})"));
  // probe reads only the rules, never the tensors.
  write_text_file(dir + "/gears/dark.pt", "");
  write_text_file(dir + "/gears/bright.pt", "");
  ProbeOptions o;
  o.input = clip;
  o.gears_dir = dir + "/gears";
  o.out_jsonl = dir + "/frames.jsonl";
  json s = run_probe(o);
  CHECK(s["frames"] == 20);
  CHECK(s["gear_usage"]["dark"] == 10);
  CHECK(s["gear_usage"]["bright"] == 10);
  CHECK(s["switches"] == 1);
  CHECK(s["features"]["highlight"]["max"].get<double>() > 240);
  CHECK(s["features"]["highlight"]["min"].get<double>() < 80);
  std::ifstream lines(o.out_jsonl);
  std::string line;
  int n = 0;
  while (std::getline(lines, line)) {
    const json j = json::parse(line);
    CHECK(j["frame"] == n);
    CHECK(j["gear"] == (n < 10 ? "dark" : "bright"));
    CHECK(j["features"].contains("clipped"));
    ++n;
  }
  CHECK(n == 20);
  CHECK(probe_table(s).find("highlight") != std::string::npos);
  // Hysteresis as in gearnn run: the bright gear takes over after 3 matching frames.
  o.hold = 3;
  o.out_jsonl.clear();
  s = run_probe(o);
  CHECK(s["gear_usage"]["dark"] == 12);
  CHECK(s["gear_usage"]["bright"] == 8);
  // A missing input is one error naming it.
  o.input = dir + "/missing.mp4";
  CHECK(error_of([&] { run_probe(o); }).find(o.input) != std::string::npos);
}

TEST_CASE("probe: a constant-QP IPB encode settles on one QP gear", "[features][probe][qp]") {
  // x264's defaults put I frames ~3 below and B frames ~2 above the QP set;
  // the shipped gears are 3 QP wide, so raw per-frame QP would switch often.
  const std::string dir = scratch_dir("probe-ipb");
  const std::string clip = dir + "/ipb.mp4";
  must("ffmpeg -nostdin -v error -i " + synth_clip(90, 320, 192, 5) +
       "/video.mkv -c:v libx264 -preset veryfast -qp 33 -bf 3 -g 30 " + clip);
  ProbeOptions o;
  o.input = clip;
  o.gears_dir = source_dir() + "/data/models/street/gears/qp";
  const json s = run_probe(o);
  REQUIRE(s["frames"] == 90);
  int most = 0;
  for (const auto& [gear, frames] : s["gear_usage"].items()) most = std::max(most, frames.get<int>());
  INFO(s["gear_usage"].dump() << ", " << s["switches"] << " switches");
  CHECK(most >= 86);  // all but the I frame and the 3 B frames shown before the first P frame
  CHECK(s["switches"].get<int>() <= 2);
  CHECK(s["gear_usage"].value("qp34", 0) == most);
  // The raw values still straddle the boundaries.
  CHECK(s["features"]["qp_raw"]["max"].get<double>() - s["features"]["qp_raw"]["min"].get<double>() >= 4);
}

TEST_CASE("probe: the shipped resolution gears pick the right rendition of a held-out ABR stream",
          "[features][probe][abr]") {
  // Renditions of a clip never used in training, each at its own size and QP,
  // changing every 12 frames; the truth is the ladder level nearest each frame's size.
  const std::string dir = scratch_dir("probe-renditions");
  write_text_file(dir + "/s.json", R"({"segments": [
      {"frames": [0, 12], "resolution": 1.0, "qp": 24}, {"frames": [12, 24], "resolution": 0.5, "qp": 30},
      {"frames": [24, 36], "resolution": 0.25, "qp": 33}, {"frames": [36, 48], "resolution": 0.6667, "qp": 25},
      {"frames": [48, 60], "resolution": 0.3333, "qp": 29}, {"frames": [60, 72], "resolution": 1.0, "qp": 31}]})");
  const std::string clip = dir + "/abr.ts";
  must(gearnn_binary() + " distort --quiet " + synth_clip(72, 480, 270, 2031) + "/video.mkv --out " + clip +
       " --schedule " + dir + "/s.json");
  const json truth = read_json_file(clip + ".schedule.json")["frames"];
  const json ladder = read_json_file(source_dir() + "/configs/ladders/resolution.json");
  auto level_of = [&](double resolution) {
    std::string best;
    double gap = 1e9;
    for (const auto& l : ladder["levels"])
      if (std::abs(l["resolution"].get<double>() - resolution) < gap) {
        gap = std::abs(l["resolution"].get<double>() - resolution);
        best = l["name"];
      }
    return best;
  };
  for (const std::string model : {"street", "street-robust"}) {
    INFO(model);
    ProbeOptions o;
    o.input = clip;
    o.gears_dir = source_dir() + "/data/models/" + model + "/gears/resolution";
    o.out_jsonl = dir + "/" + model + ".jsonl";
    const json s = run_probe(o);
    REQUIRE(s["frames"] == 72);
    std::ifstream lines(o.out_jsonl);
    std::string line;
    int right = 0, n = 0;
    while (std::getline(lines, line)) {
      const json j = json::parse(line);
      right += j["gear"] == level_of(truth[n]["resolution"].get<double>());
      ++n;
    }
    CHECK(n == 72);
    CHECK(right >= 0.99 * n);
    CHECK(s["switches"] == 5);
  }
}
