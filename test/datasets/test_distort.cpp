#include <catch2/catch.hpp>

#include <filesystem>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "gearnn/common/errors.h"
#include "gearnn/common/json_io.h"
#include "gearnn/datasets/dataset.h"
#include "gearnn/datasets/distort.h"
#include "gearnn/io/video_reader.h"
#include "test_support.h"

using namespace gearnn;
using namespace gearnn::test;

TEST_CASE("schedules: later segments win, unset keys fall back, bad ones are named", "[distort]") {
  const std::string dir = scratch_dir("schedule");
  write_text_file(dir + "/s.json", R"({"segments": [{"frames": [0, 10], "qp": 40},
                                                     {"frames": [5, 8], "brightness": 0.5}]})");
  const auto sched = load_schedule(dir + "/s.json");
  DistortSettings base;
  base.qp = 25;
  CHECK(settings_at(base, sched, 0).qp == 40);
  CHECK(settings_at(base, sched, 6).qp == 40);
  CHECK(settings_at(base, sched, 6).brightness == 0.5);
  CHECK(settings_at(base, sched, 8).brightness == 1.0);
  CHECK(settings_at(base, sched, 10).qp == 25);
  for (const char* bad : {R"({"segments": [{"frames": [5, 2], "qp": 40}]})",
                          R"({"segments": [{"frames": [0, 2], "qp": 60}]})",
                          R"({"segments": [{"frames": [0, 2], "gamma": 2}]})", R"([1, 2])", "{oops"}) {
    write_text_file(dir + "/bad.json", bad);
    INFO(bad);
    try {
      load_schedule(dir + "/bad.json");
      FAIL("accepted");
    } catch (const Error& e) {
      CHECK(std::string(e.what()).find(dir + "/bad.json") == 0);
    }
  }
}

TEST_CASE("distort applies brightness per segment and records true settings", "[distort]") {
  const std::string clip = synth_clip(12, 320, 192, 7);
  const std::string dir = scratch_dir("distort");
  write_text_file(dir + "/s.json", R"({"segments": [{"frames": [6, 12], "brightness": 0.4, "qp": 35}]})");
  must(gearnn_binary() + " distort --quiet " + clip + "/video.mkv --out " + dir + "/d.mp4 --qp 20 --schedule " + dir +
       "/s.json");
  const json truth = read_json_file(dir + "/d.mp4.schedule.json");
  REQUIRE(truth["frames"].size() == 12);
  CHECK(truth["frames"][0]["brightness"] == 1.0);
  CHECK(truth["frames"][7]["brightness"] == 0.4);
  VideoReader clean(clip + "/video.mkv"), dist(dir + "/d.mp4");
  DecodedFrame a, b;
  for (int i = 0; i < 12; ++i) {
    REQUIRE(clean.read(a));
    REQUIRE(dist.read(b));
    const double ratio = b.features.luma / a.features.luma;
    INFO("frame " << i << " ratio " << ratio);
    if (i < 6) {
      CHECK(ratio == Approx(1.0).margin(0.05));
      CHECK(*b.features.qp == Approx(20).margin(1));
    } else {
      // Luma is an affine map of RGB (16 + 219/255 * Y'): 0.4 * Y' + offset.
      CHECK(ratio < 0.55);
      CHECK(*b.features.qp == Approx(35).margin(1));
    }
  }
}

TEST_CASE("a dataset may list an image folder: frames, labels and ladder renderings as from the video", "[distort][dataset]") {
  const std::string clip = synth_clip(6, 320, 192, 7);
  const std::string dir = scratch_dir("imagefolder");
  std::filesystem::create_directories(dir + "/frames");
  {  // The clip's frames as %06d.png (lossless FFV1 in, so identical pixels out).
    VideoReader r(clip + "/video.mkv");
    DecodedFrame f;
    while (r.read(f)) {
      cv::Mat bgr;
      cv::cvtColor(f.rgb, bgr, cv::COLOR_RGB2BGR);
      cv::imwrite(dir + "/frames/" + cv::format("%06lld.png", static_cast<long long>(f.index)), bgr);
    }
  }
  write_json_file(dir + "/data.json", json::parse(R"({"clips": [{"video": "frames/%06d.png", "labels": ")" + clip +
                                                  R"(/labels"}]})"));
  const auto clips = load_dataset(dir + "/data.json");
  REQUIRE(clips.size() == 1);
  CHECK(clips[0].video == dir + "/frames/%06d.png");
  const FrameSet from_video = load_frames(clip + "/video.mkv", clip + "/labels", 2, {160, 96});
  const FrameSet from_images = load_frames(clips[0].video, clips[0].labels, 2, {160, 96});
  REQUIRE(from_images.size() == 3);
  REQUIRE(from_video.size() == 3);
  for (size_t i = 0; i < 3; ++i) {
    CHECK(cv::norm(from_images.labels[i], from_video.labels[i], cv::NORM_INF) == 0);
    CHECK(cv::norm(from_images.rgb[i], from_video.rgb[i], cv::NORM_INF) <= 1);
  }
  // A ladder level renders from the image folder through libx264 like any video.
  DistortOptions o;
  o.input = clips[0].video;
  o.output = dir + "/dark.mp4";
  o.base.brightness = 0.3;
  o.base.qp = 22;
  o.progress = false;
  distort_video(o);
  VideoReader dark(o.output);
  DecodedFrame f;
  int n = 0;
  while (dark.read(f)) ++n;
  CHECK(n == 6);
}
