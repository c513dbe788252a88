// Streams as users have them: resolution changes (ABR, HLS), rotation, 10-bit
// H.264, QP comparable across frame types. Files made by libx264 and the
// ffmpeg CLI.
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "gearnn/common/errors.h"
#include "gearnn/io/playlist.h"
#include "gearnn/io/video_reader.h"
#include "test_support.h"

using namespace gearnn;
using namespace gearnn::test;

namespace {

std::vector<DecodedFrame> decode_all(const std::string& path, ReaderOptions options = {}) {
  VideoReader reader(path, options);
  std::vector<DecodedFrame> frames;
  DecodedFrame f;
  while (reader.read(f)) frames.push_back(f);
  return frames;
}

// 60 frames of a moving test pattern encoded by the ffmpeg CLI.
std::string ffmpeg_clip(const std::string& name, const std::string& args) {
  return fixture("streams-" + name, [&](const std::string& dir) {
    must("ffmpeg -nostdin -v error -f lavfi -i testsrc2=size=320x240:rate=25 -frames:v 60 " + args + " " + dir + "/" +
         name);
  }) + "/" + name;
}

double mean_qp(const std::vector<DecodedFrame>& frames) {
  double sum = 0;
  for (const auto& f : frames) sum += *f.features.qp;
  return sum / static_cast<double>(frames.size());
}

}  // namespace

TEST_CASE("a stream whose renditions change size decodes every frame at its own size", "[video][abr]") {
  const std::string dir = abr_stream();
  for (const std::string input : {dir + "/abr.ts", dir + "/abr.m3u8"}) {
    INFO(input);
    VideoReader reader(input);
    CHECK(reader.info().max_width == 320);
    CHECK(reader.info().max_height == 192);
    std::vector<DecodedFrame> frames;
    DecodedFrame f;
    while (reader.read(f)) frames.push_back(f);
    REQUIRE(frames.size() == 60);
    for (const auto& frame : frames) {
      const AbrRendition& r = abr_renditions()[static_cast<size_t>(frame.index / 15)];
      INFO("frame " << frame.index);
      CHECK(frame.rgb.cols == r.width);
      CHECK(frame.rgb.rows == r.height);
      CHECK(frame.features.width == r.width);
      CHECK(frame.features.height == r.height);
      CHECK(frame.features.scale == Approx(r.height / 192.0));
      REQUIRE(frame.features.qp.has_value());
      if (frame.index % 15 >= 5) CHECK(std::abs(*frame.features.qp - r.qp) <= 1.5);  // after the first P frame
    }
    // Presentation times run on across the segments.
    CHECK(frames.back().pts_time > frames.front().pts_time + 5.0);
  }
}

TEST_CASE("the scale feature is relative to the output height the run asks for", "[video][abr]") {
  ReaderOptions o;
  o.output_height = 96;
  const auto frames = decode_all(abr_stream() + "/abr.ts", o);
  REQUIRE(frames.size() == 60);
  CHECK(frames[0].features.scale == Approx(2.0));
  CHECK(frames[40].features.scale == Approx(1.0));
}

TEST_CASE("a stream whose header has no frame size is sized by its first frame", "[video][live]") {
  VideoReader reader(sizeless_stream());
  CHECK(reader.info().width == 160);
  CHECK(reader.info().height == 96);
  CHECK(reader.info().max_width == 160);
  CHECK(reader.info().max_height == 96);
  std::vector<DecodedFrame> frames;
  DecodedFrame f;
  while (reader.read(f)) frames.push_back(f);
  REQUIRE(frames.size() == 20);  // the frame decoded on opening comes first, once
  for (size_t i = 0; i < frames.size(); ++i) {
    INFO("frame " << i);
    CHECK(frames[i].index == static_cast<int64_t>(i));
    CHECK(frames[i].rgb.size() == cv::Size(160, 96));
    CHECK(frames[i].features.scale == Approx(1.0));
  }
  CHECK(frames[1].pts_time > frames[0].pts_time);
}

TEST_CASE("an HLS playlist is identified by the media it names", "[video][abr]") {
  const std::string dir = scratch_dir("playlist-hash");
  must("cp " + abr_stream() + "/abr.m3u8 " + abr_stream() + "/seg*.ts " + dir);
  const auto files = playlist_files(dir + "/abr.m3u8");
  REQUIRE(files.size() == 4);
  CHECK(std::filesystem::path(files[2]).filename() == "seg2.ts");
  const std::string before = input_hash(dir + "/abr.m3u8");
  CHECK(before.size() == 64);
  // The same playlist text, one segment's bytes changed.
  must("cp " + abr_stream() + "/seg0.ts " + dir + "/seg2.ts");
  CHECK(input_hash(dir + "/abr.m3u8") != before);
  // A copy of the whole folder elsewhere is the same input.
  const std::string moved = scratch_dir("playlist-hash-moved");
  must("cp " + dir + "/* " + moved);
  CHECK(input_hash(moved + "/abr.m3u8") == input_hash(dir + "/abr.m3u8"));
  // A missing segment is an error naming it.
  std::filesystem::remove(moved + "/seg1.ts");
  try {
    input_hash(moved + "/abr.m3u8");
    FAIL("no error for a missing segment");
  } catch (const Error& e) {
    CHECK(std::string(e.what()).find("seg1.ts") != std::string::npos);
  }
}

TEST_CASE("a master playlist declares the largest rendition", "[video][abr]") {
  const std::string dir = scratch_dir("master");
  std::ofstream(dir + "/master.m3u8") << "#EXTM3U\n"
                                         "#EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=640x360\nlow/index.m3u8\n"
                                         "#EXT-X-STREAM-INF:BANDWIDTH=2800000,RESOLUTION=1280x720,CODECS=\"avc1\"\n"
                                         "high/index.m3u8\n";
  const auto sizes = hls_variant_sizes(dir + "/master.m3u8");
  REQUIRE(sizes.size() == 2);
  CHECK(sizes[1].width == 1280);
  CHECK(sizes[1].height == 720);
  CHECK(hls_variant_sizes(dir + "/missing.m3u8").empty());
}

TEST_CASE("rotated files decode in display orientation, as ffmpeg shows them", "[video][rotation]") {
  const std::string plain = ffmpeg_clip("upright.mp4", "-c:v libx264 -qp 12 -pix_fmt yuv420p");
  for (int degrees : {90, 180, 270}) {
    INFO("rotate " << degrees);
    const std::string dir = scratch_dir("rotate" + std::to_string(degrees));
    const std::string rotated = dir + "/rotated.mp4";
    // Stream copy writes the display matrix (a re-encode with -metadata does not).
    must("ffmpeg -nostdin -v error -i " + plain + " -c copy -metadata:s:v:0 rotate=" + std::to_string(degrees) + " " +
         rotated);
    // ffmpeg's CLI turns frames for display (autorotate): the reference.
    must("ffmpeg -nostdin -v error -i " + rotated + " -frames:v 1 -pix_fmt rgb24 " + dir + "/shown.png");
    cv::Mat shown = cv::imread(dir + "/shown.png");
    REQUIRE(!shown.empty());
    cv::cvtColor(shown, shown, cv::COLOR_BGR2RGB);

    VideoReader reader(rotated);
    // FFmpeg 5.1 stores `rotate=N` on stream copy as a counter-clockwise N
    // (ffprobe: rotation=N); players, like the ffmpeg CLI, show it so.
    CHECK(reader.info().rotation == (360 - degrees) % 360);
    const bool turned = degrees != 180;
    CHECK(reader.info().width == (turned ? 240 : 320));
    CHECK(reader.info().height == (turned ? 320 : 240));
    DecodedFrame f;
    REQUIRE(reader.read(f));
    REQUIRE(f.rgb.size() == shown.size());
    cv::Mat diff;
    cv::absdiff(f.rgb, shown, diff);
    const cv::Scalar m = cv::mean(diff);
    CHECK(m[0] + m[1] + m[2] < 6.0);
    // The other way round would not match: the check can tell orientations apart.
    cv::Mat wrong;
    cv::rotate(f.rgb, wrong, cv::ROTATE_180);
    cv::absdiff(wrong, shown, diff);
    const cv::Scalar w = cv::mean(diff);
    CHECK(w[0] + w[1] + w[2] > 3 * (m[0] + m[1] + m[2]) + 10);
    // The coded size stays in the features; the scale is in display orientation.
    CHECK(f.features.width == 320);
    CHECK(f.features.height == 240);
    CHECK(f.features.scale == Approx(1.0));

    ReaderOptions keep;
    keep.apply_rotation = false;
    VideoReader unturned(rotated, keep);
    REQUIRE(unturned.read(f));
    CHECK(f.rgb.cols == 320);
  }
}

TEST_CASE("10-bit H.264 QP reads on the 8-bit scale", "[video][qp]") {
  // Constant QP: a 10-bit encode at QP q + 12 quantises like an 8-bit one at q.
  const auto eight = decode_all(ffmpeg_clip("qp36-8bit.mp4", "-c:v libx264 -qp 36 -pix_fmt yuv420p"));
  const auto ten = decode_all(ffmpeg_clip("qp48-10bit.mp4", "-c:v libx264 -qp 48 -pix_fmt yuv420p10le"));
  REQUIRE(eight.size() == 60);
  REQUIRE(ten.size() == 60);
  INFO("8-bit mean QP " << mean_qp(eight) << ", 10-bit " << mean_qp(ten));
  CHECK(std::abs(mean_qp(ten) - mean_qp(eight)) <= 1.5);
  // ...and the two are the same bitrate (within 10%), so equal readings mean equal cost.
  const double eight_bytes = static_cast<double>(std::filesystem::file_size(ffmpeg_clip("qp36-8bit.mp4", "")));
  const double ten_bytes = static_cast<double>(std::filesystem::file_size(ffmpeg_clip("qp48-10bit.mp4", "")));
  CHECK(std::abs(ten_bytes / eight_bytes - 1) < 0.10);
  // An 8-bit encode at the 10-bit one's raw QP is much smaller: the scales differ.
  const double eight_at_48 = static_cast<double>(
      std::filesystem::file_size(ffmpeg_clip("qp48-8bit.mp4", "-c:v libx264 -qp 48 -pix_fmt yuv420p")));
  CHECK(eight_at_48 < 0.7 * ten_bytes);
}

TEST_CASE("QP is comparable across I, P and B frames of a constant-QP encode", "[video][qp]") {
  // x264's defaults quantise I frames ~3 finer and B frames ~2 coarser than P.
  const auto frames = decode_all(ffmpeg_clip("ipb-qp30.mp4", "-c:v libx264 -qp 30 -bf 3 -g 20 -pix_fmt yuv420p"));
  REQUIRE(frames.size() == 60);
  int raw_off = 0, off = 0, first_p = -1;
  for (const auto& f : frames) {
    if (f.features.type == 'P' && first_p < 0) first_p = static_cast<int>(f.index);
    if (std::abs(*f.features.qp_raw - 30) > 1.0) ++raw_off;
    if (first_p >= 0 && std::abs(*f.features.qp - 30) > 1.0) ++off;
  }
  CHECK(raw_off >= 10);  // the raw values do straddle
  CHECK(first_p >= 0);
  CHECK(first_p < 5);
  CHECK(off == 0);
}

TEST_CASE("frames whose width is not a multiple of 16 decode intact (no write past the buffer)", "[video][abr]") {
  // 426x240 is the usual 240p rendition; libswscale writes whole pixel blocks.
  for (const auto& [w, h] : std::vector<std::pair<int, int>>{{426, 240}, {250, 140}, {98, 56}}) {
    const std::string size = std::to_string(w) + "x" + std::to_string(h);
    INFO(size);
    const std::string dir = scratch_dir("odd-width-" + size);
    must("ffmpeg -nostdin -v error -f lavfi -i testsrc2=size=" + size + ":rate=10 -frames:v 12 -c:v libx264 -qp 20 " +
         dir + "/v.mp4");
    must("ffmpeg -nostdin -v error -i " + dir + "/v.mp4 -sws_flags bilinear -f rawvideo "
         "-pix_fmt rgb24 " + dir + "/v.rgb");
    const std::string raw = read_file(dir + "/v.rgb");
    REQUIRE(raw.size() == static_cast<size_t>(w) * h * 3 * 12);
    VideoReader reader(dir + "/v.mp4");
    DecodedFrame f;
    int n = 0;
    while (reader.read(f)) {
      REQUIRE(f.rgb.size() == cv::Size(w, h));
      REQUIRE(f.rgb.isContinuous());
      const cv::Mat want(h, w, CV_8UC3, const_cast<char*>(raw.data()) + static_cast<size_t>(n) * w * h * 3);
      cv::Mat diff;
      cv::absdiff(f.rgb, want, diff);
      CHECK(cv::mean(diff.reshape(1))[0] < 1.0);
      ++n;
    }
    CHECK(n == 12);
    // The whole decode with glibc's heap checks on: an overrun aborts the child.
    must("MALLOC_CHECK_=3 MALLOC_PERTURB_=165 " + gearnn_binary() + " probe " + dir + "/v.mp4 > /dev/null");
  }
}
