// Decoding and quality estimation on real encodes (libx264, FFV1, MPEG-4, PNG
// sequences) made by the ffmpeg CLI and by `gearnn distort`.
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <opencv2/imgproc.hpp>
#include <random>

#include "gearnn/common/errors.h"
#include "gearnn/common/json_io.h"
#include "gearnn/io/video_reader.h"
#include "gearnn/io/video_writer.h"
#include "gearnn/quality/bitstream_qp.h"
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

