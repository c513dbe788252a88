// Decoding and quality estimation on real encodes (libx264, FFV1, MPEG-4, PNG
// sequences) made by the ffmpeg CLI and by `gearnn distort`.
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <opencv2/imgproc.hpp>
#include <random>

#include "gearnn/errors.h"
#include "gearnn/json_io.h"
#include "gearnn/probe.h"
#include "gearnn/video_reader.h"
#include "gearnn/video_writer.h"
#include "test_support.h"

using namespace gearnn;
using namespace gearnn::test;

namespace {

// 60 frames of a moving test pattern encoded by the ffmpeg CLI.
std::string ffmpeg_clip(const std::string& name, const std::string& encode_args) {
  return fixture("ff-" + name, [&](const std::string& dir) {
    must("ffmpeg -nostdin -v error -f lavfi -i testsrc2=size=320x240:rate=25 -frames:v 60 " + encode_args + " " +
         dir + "/" + name);
  }) + "/" + name;
}

int64_t ffprobe_frames(const std::string& path) {
  const auto r = run_command("ffprobe -v error -count_frames -select_streams v:0 -show_entries stream=nb_read_frames "
                             "-of csv=p=0 '" + path + "'");
  REQUIRE(r.exit_code == 0);
  return std::stoll(r.output);
}

std::vector<DecodedFrame> decode_all(const std::string& path) {
  VideoReader reader(path);
  std::vector<DecodedFrame> frames;
  DecodedFrame f;
  while (reader.read(f)) frames.push_back(f);
  return frames;
}

std::string error_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("decoded frame count equals ffprobe's for several codecs and containers", "[video]") {
  const std::string inputs[] = {
      ffmpeg_clip("h264.mp4", "-c:v libx264 -qp 30 -bf 2"),
      ffmpeg_clip("ffv1.mkv", "-c:v ffv1"),
      ffmpeg_clip("mpeg4.avi", "-c:v mpeg4 -q:v 5"),
      ffmpeg_clip("vp9.webm", "-c:v libvpx-vp9 -b:v 200k -deadline realtime -cpu-used 8"),
  };
  for (const auto& path : inputs) {
    INFO(path);
    const auto frames = decode_all(path);
    CHECK(static_cast<int64_t>(frames.size()) == ffprobe_frames(path));
    CHECK(frames.front().rgb.cols == 320);
    CHECK(frames.front().rgb.rows == 240);
    for (size_t i = 0; i < frames.size(); ++i) REQUIRE(frames[i].index == static_cast<int64_t>(i));
  }
  // An image sequence, as written by many tools.
  const std::string seq = fixture("pngseq", [](const std::string& dir) {
    must("ffmpeg -nostdin -v error -f lavfi -i testsrc2=size=160x120:rate=10 -frames:v 9 " + dir + "/%06d.png");
  });
  CHECK(decode_all(seq + "/%06d.png").size() == 9);
}

TEST_CASE("qp of a libx264 constant-QP encode is within 1 of the QP set", "[video][qp]") {
  // ffmpeg CLI defaults: I frames 3 below, B frames up to 2 above; P frames carry the QP set.
  for (const auto& f : decode_all(ffmpeg_clip("h264.mp4", "-c:v libx264 -qp 30 -bf 2"))) {
    REQUIRE(f.features.qp.has_value());
    if (f.features.type == 'P') CHECK(std::abs(*f.features.qp - 30) <= 1.0);
  }
  // gearnn distort keeps every frame type at the QP set.
  const std::string clip = ffmpeg_clip("ffv1.mkv", "-c:v ffv1");
  for (int qp : {20, 38, 51}) {
    const std::string dir = scratch_dir("qp" + std::to_string(qp));
    must(gearnn_binary() + " distort --quiet " + clip + " --out " + dir + "/d.mp4 --qp " + std::to_string(qp));
    int frames = 0;
    for (const auto& f : decode_all(dir + "/d.mp4")) {
      REQUIRE(f.features.qp.has_value());
      INFO("frame " << f.index << " type " << f.features.type << " qp " << *f.features.qp);
      CHECK(std::abs(*f.features.qp - qp) <= 1.0);
      CHECK(f.features.bytes > 0);
      ++frames;
    }
    CHECK(frames == 60);
  }
}

TEST_CASE("qp follows a zoned libx264 encode segment by segment", "[video][qp]") {
  const std::string clip = ffmpeg_clip("ffv1.mkv", "-c:v ffv1");
  const std::string dir = scratch_dir("zones");
  write_text_file(dir + "/schedule.json",
                  R"({"segments": [{"frames": [0, 20], "qp": 22}, {"frames": [20, 40], "qp": 44}, {"frames": [40, 60], "qp": 30}]})");
  must(gearnn_binary() + " distort --quiet " + clip + " --out " + dir + "/z.mp4 --schedule " + dir + "/schedule.json");
  const auto frames = decode_all(dir + "/z.mp4");
  REQUIRE(frames.size() == 60);
  const json truth = read_json_file(dir + "/z.mp4.schedule.json");
  int off = 0;
  for (const auto& f : frames) {
    const int want = truth["frames"][f.index]["qp"].get<int>();
    CHECK(want == (f.index < 20 ? 22 : f.index < 40 ? 44 : 30));
    if (std::abs(*f.features.qp - want) > 1.0) ++off;
  }
  CHECK(off == 0);
}

TEST_CASE("MPEG-4 part 2 qscale maps onto the H.264 scale", "[video][qp]") {
  for (const auto& f : decode_all(ffmpeg_clip("mpeg4.avi", "-c:v mpeg4 -q:v 5"))) {
    REQUIRE(f.features.qp.has_value());
    // -q:v 5 is qscale 5, a quantiser step of 10: H.264 QP 6*log2(10/0.625) = 24.
    CHECK(*f.features.qp == Approx(24).margin(0.5));
  }
  CHECK(h264_qp_from_mpeg_step(4) < h264_qp_from_mpeg_step(16));
}

TEST_CASE("codecs without exported QP give no qp and PNG frames still get pixel features", "[video]") {
  const std::string seq = fixture("pngseq", [](const std::string& dir) {
    must("ffmpeg -nostdin -v error -f lavfi -i testsrc2=size=160x120:rate=10 -frames:v 9 " + dir + "/%06d.png");
  });
  for (const auto& f : decode_all(seq + "/%06d.png")) {
    CHECK_FALSE(f.features.qp.has_value());
    CHECK(f.features.luma > 10);
    CHECK(f.features.contrast > 10);
  }
}

TEST_CASE("pixel features: luma, contrast, noise sigma and blur", "[features]") {
  cv::Mat flat(120, 160, CV_8UC1, cv::Scalar(77));
  FrameFeatures f;
  measure_pixel_features(flat.data, flat.cols, flat.rows, static_cast<int>(flat.step[0]), f);
  CHECK(f.luma == Approx(77));
  CHECK(f.contrast == Approx(0).margin(1e-9));
  CHECK(f.noise == Approx(0).margin(1e-9));
  // A smooth ramp plus Gaussian noise of known sigma.
  std::mt19937 rng(1);
  std::normal_distribution<double> gauss(0, 8);
  cv::Mat noisy(240, 320, CV_8UC1);
  for (int r = 0; r < noisy.rows; ++r)
    for (int c = 0; c < noisy.cols; ++c)
      noisy.at<uint8_t>(r, c) = cv::saturate_cast<uint8_t>(60 + c * 0.4 + r * 0.2 + gauss(rng));
  measure_pixel_features(noisy.data, noisy.cols, noisy.rows, static_cast<int>(noisy.step[0]), f);
  CHECK(f.noise == Approx(8).epsilon(0.15));
  const double sharp = f.blur;
  cv::Mat blurred;
  cv::GaussianBlur(noisy, blurred, cv::Size(0, 0), 2.0);
  measure_pixel_features(blurred.data, blurred.cols, blurred.rows, static_cast<int>(blurred.step[0]), f);
  CHECK(f.blur < sharp / 10);
  CHECK(f.noise < 3);
}

TEST_CASE("pixel features: highlight percentile and clipped fraction, on both Y ranges", "[features]") {
  // 100 rows, every second one sampled: rows 0..3 give 2 of 50 sampled rows (4%).
  cv::Mat y(100, 200, CV_8UC1, cv::Scalar(50));
  y.rowRange(0, 4).setTo(255);
  FrameFeatures f;
  measure_pixel_features(y.data, y.cols, y.rows, static_cast<int>(y.step[0]), f);
  CHECK(f.highlight == Approx(255));
  CHECK(f.clipped == Approx(0.04));
  // Below 0.5% of the samples: the highlight is the level everything else sits at.
  y.setTo(50);
  y.at<uint8_t>(0, 0) = 240;
  measure_pixel_features(y.data, y.cols, y.rows, static_cast<int>(y.step[0]), f);
  CHECK(f.highlight == Approx(50));
  CHECK(f.clipped == 0);
  // Darkening scales the highlight by the same factor: 4% at 200, rest at 60.
  y.setTo(60);
  y.rowRange(0, 4).setTo(200);
  measure_pixel_features(y.data, y.cols, y.rows, static_cast<int>(y.step[0]), f);
  CHECK(f.highlight == Approx(200));
  cv::Mat dark;
  y.convertTo(dark, CV_8UC1, 0.3);
  measure_pixel_features(dark.data, dark.cols, dark.rows, static_cast<int>(dark.step[0]), f);
  CHECK(f.highlight == Approx(60));
  // Studio range: 235 is white (255, clipped), 16 is black.
  y.setTo(16);
  y.rowRange(0, 4).setTo(235);
  measure_pixel_features(y.data, y.cols, y.rows, static_cast<int>(y.step[0]), f, true);
  CHECK(f.highlight == Approx(255));
  CHECK(f.clipped == Approx(0.04));
  CHECK(f.luma == Approx(0.04 * 255));
}

TEST_CASE("bad video inputs raise one error naming the file", "[video][errors]") {
  const std::string dir = scratch_dir("badvideo");
  std::string e = error_of([&] { VideoReader r(dir + "/missing.mp4"); });
  CHECK(e.find(dir + "/missing.mp4") != std::string::npos);

  write_text_file(dir + "/notes.txt", "this is not a video, just some text\n");
  e = error_of([&] { VideoReader r(dir + "/notes.txt"); });
  CHECK(e.find("notes.txt") != std::string::npos);

  // Cut files short: an MKV (header declares the duration) and an MP4 whose index sits at the end.
  for (const std::string name : {"ffv1.mkv", "h264.mp4"}) {
    const std::string src = ffmpeg_clip(name, name == "ffv1.mkv" ? "-c:v ffv1" : "-c:v libx264 -qp 30 -bf 2");
    const std::string bytes = read_file(src);
    const std::string cut = dir + "/cut-" + name;
    write_text_file(cut, bytes.substr(0, bytes.size() / 2));
    e = error_of([&] { decode_all(cut); });
    INFO(name << ": " << e);
    CHECK(e.find(cut) != std::string::npos);
    CHECK(e.find('\n') == std::string::npos);
  }
}

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
