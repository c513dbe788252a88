#include <catch2/catch.hpp>

#include <filesystem>
#include <set>
#include <thread>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "gearnn/common/errors.h"
#include "gearnn/common/json_io.h"
#include "gearnn/datasets/dataset.h"
#include "gearnn/datasets/distort.h"
#include "gearnn/datasets/ladder.h"
#include "gearnn/io/label_io.h"
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
                          R"({"segments": [{"frames": [0, 2], "gamma": 2}]})", R"([1, 2])", "{oops",
                          R"({"segments": [{"frames": [0, 2], "qp": 4294967336}]})",  // was read as 40
                          R"({"segments": [{"frames": [0, 1000000000000], "qp": 30}]})"}) {  // hung
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

TEST_CASE("rendition sizes are the fraction of each side, rounded to even", "[distort][abr]") {
  CHECK(rendition_size(640, 360, 1.0) == std::pair<int, int>{640, 360});
  CHECK(rendition_size(640, 360, 0.5) == std::pair<int, int>{320, 180});
  CHECK(rendition_size(640, 360, 0.375) == std::pair<int, int>{240, 136});
  CHECK(rendition_size(1920, 1080, 1.0 / 3) == std::pair<int, int>{640, 360});
  CHECK(rendition_size(8, 8, 0.01) == std::pair<int, int>{2, 2});
}

TEST_CASE("distort: frames after the schedule get the command line's settings, input length unknown or not",
          "[distort][abr]") {
  // synth's FFV1 .mkv declares no frame count: the plan once ended with the
  // schedule, and frames 4-11 were coded at its last QP and size.
  const std::string clip = synth_clip(12, 320, 192, 7);
  const std::string dir = scratch_dir("distort-tail");
  write_text_file(dir + "/s.json", R"({"segments": [{"frames": [0, 4], "qp": 40, "resolution": 0.5}]})");
  const std::string out = dir + "/tail.ts";
  must(gearnn_binary() + " distort --quiet " + clip + "/video.mkv --out " + out + " --qp 20 --schedule " + dir +
       "/s.json");
  const json truth = read_json_file(out + ".schedule.json");
  REQUIRE(truth["frames"].size() == 12);
  ReaderOptions ro;
  ro.output_height = 192;
  VideoReader r(out, ro);
  DecodedFrame f;
  int n = 0;
  while (r.read(f)) {
    INFO("frame " << n);
    const bool scheduled = n < 4;
    CHECK(f.rgb.size() == (scheduled ? cv::Size(160, 96) : cv::Size(320, 192)));
    REQUIRE(f.features.qp_raw);
    CHECK(*f.features.qp_raw == Approx(scheduled ? 40 : 20).margin(1));
    CHECK(truth["frames"][n]["qp"] == (scheduled ? 40 : 20));
    CHECK(truth["frames"][n]["width"] == f.rgb.cols);
    ++n;
  }
  CHECK(n == 12);
}

TEST_CASE("distort: a schedule changing resolution writes renditions at their own size as MPEG-TS",
          "[distort][abr]") {
  const std::string clip = synth_clip(24, 320, 192, 5);
  const std::string dir = scratch_dir("distort-renditions");
  write_text_file(dir + "/s.json", R"({"segments": [{"frames": [0, 8], "qp": 24},
                                                     {"frames": [8, 16], "resolution": 0.5, "qp": 34},
                                                     {"frames": [16, 24], "resolution": 0.75, "qp": 28}]})");
  const std::string out = dir + "/abr.ts";
  must(gearnn_binary() + " distort --quiet " + clip + "/video.mkv --out " + out + " --schedule " + dir + "/s.json");
  const json truth = read_json_file(out + ".schedule.json");
  REQUIRE(truth["frames"].size() == 24);
  CHECK(truth["encoder"]["renditions"].size() == 3);
  CHECK(truth["frames"][9]["width"] == 160);
  CHECK(truth["frames"][20]["height"] == 144);
  ReaderOptions ro;
  ro.output_height = 192;
  VideoReader r(out, ro);
  DecodedFrame f;
  std::vector<int64_t> pts;
  int n = 0;
  while (r.read(f)) {
    INFO("frame " << n);
    const cv::Size want = n < 8 ? cv::Size(320, 192) : n < 16 ? cv::Size(160, 96) : cv::Size(240, 144);
    CHECK(f.rgb.size() == want);
    CHECK(f.features.scale == Approx(want.height / 192.0));
    const int qp = n < 8 ? 24 : n < 16 ? 34 : 28;
    REQUIRE(f.features.qp_raw);
    CHECK(*f.features.qp_raw == Approx(qp).margin(1));
    CHECK(f.index == n);
    ++n;
  }
  CHECK(n == 24);
  // No part files are left beside the output.
  int files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) files += e.path().extension() == ".ts";
  CHECK(files == 1);
  // Size changes need a container that carries them.
  const CommandResult bad = run_command(gearnn_binary() + " distort --quiet " + clip + "/video.mkv --out " + dir +
                                      "/abr.mp4 --schedule " + dir + "/s.json");
  CHECK(bad.exit_code != 0);
  const std::string& err = bad.output;
  CHECK(err.find(dir + "/abr.mp4: ") != std::string::npos);
  CHECK(err.find("MPEG-TS") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir + "/abr.mp4"));
}

TEST_CASE("load_frames takes a smaller rendition of its labels and measures its scale", "[distort][abr][dataset]") {
  const std::string clip = synth_clip(6, 320, 192, 5);
  const std::string dir = scratch_dir("load-rendition");
  must(gearnn_binary() + " distort --quiet " + clip + "/video.mkv --out " + dir + "/half.mp4 --resolution 0.5");
  std::vector<FrameFeatures> features;
  const FrameSet fs = load_frames(dir + "/half.mp4", clip + "/labels", 2, {240, 144}, -1, &features);
  REQUIRE(fs.size() == 3);
  CHECK(fs.rgb[0].size() == cv::Size(240, 144));
  CHECK(fs.labels[0].size() == cv::Size(240, 144));
  for (const auto& f : features) CHECK(f.scale == Approx(0.5));
  // Labels of another shape are still refused, naming the label file.
  must(gearnn_binary() + " distort --quiet " + clip + "/video.mkv --out " + dir + "/odd.mp4 --resolution 1");
  const std::string labels = dir + "/tall";
  std::filesystem::create_directories(labels);
  for (int i = 0; i < 6; ++i) write_label_png(frame_png_path(labels, i), cv::Mat(400, 320, CV_8UC1, cv::Scalar(1)));
  const std::string err = error_of([&] { load_frames(dir + "/odd.mp4", labels, 2, {240, 144}); });
  CHECK(err.find(frame_png_path(labels, 0)) == 0);
}

TEST_CASE("datasets: unlabelled inputs and frame ranges", "[dataset]") {
  const std::string clip = synth_clip(12, 320, 192, 7);
  const std::string dir = scratch_dir("dataset-ranges");
  write_text_file(dir + "/d.json", R"({"clips": [")" + clip + R"(", ")" + clip + R"(/video.mkv",
      {"video": ")" + clip + R"(/video.mkv", "labels": ")" + clip + R"(/labels", "frames": [4, 10]},
      {"video": "rel.mp4", "frames": [2, null]}]})");
  const auto clips = load_dataset(dir + "/d.json");
  REQUIRE(clips.size() == 4);
  CHECK(clips[0].labels == clip + "/labels");  // a synth directory
  CHECK(clips[1].labels.empty());              // a plain input: no labels
  CHECK(clips[2].frames.first == 4);
  CHECK(clips[2].frames.end == 10);
  CHECK(clips[3].video == dir + "/rel.mp4");
  CHECK(clips[3].frames.end == -1);
  // Every 3rd frame of [4, 10): 4 and 7, with their own labels.
  const FrameSet part = load_frames(clips[2], clips[2].video, 3, {320, 192});
  const FrameSet all = load_frames(clip + "/video.mkv", clip + "/labels", 1, {320, 192});
  REQUIRE(part.size() == 2);
  CHECK(cv::norm(part.labels[0], all.labels[4], cv::NORM_INF) == 0);
  CHECK(cv::norm(part.labels[1], all.labels[7], cv::NORM_INF) == 0);
  // An unlabelled clip cannot give label targets.
  CHECK(error_of([&] { load_frames(clips[1], clips[1].video, 1, {320, 192}); }).find(clip + "/video.mkv: ") == 0);
  for (const char* bad : {R"({"clips": [{"video": "a.mp4", "frames": [5, 2]}]})",
                          R"({"clips": [{"video": "a.mp4", "frames": [-1, 2]}]})",
                          R"({"clips": [{"video": "a.mp4", "frames": "all"}]})",
                          R"({"clips": [{"video": "a.mp4", "labels": 3}]})"}) {
    INFO(bad);
    write_text_file(dir + "/bad.json", bad);
    CHECK(error_of([&] { load_dataset(dir + "/bad.json"); }).find(dir + "/bad.json: ") == 0);
  }
}

TEST_CASE("ladder renderings: jobs sharing a cache may render the same level at once", "[distort][dataset]") {
  const std::string clip = synth_clip(12, 320, 192, 7);
  const std::string cache = scratch_dir("shared-cache");
  const ClipRef ref{clip + "/video.mkv", clip + "/labels", {}};
  const LadderLevel level{"q30", json{{"qp", 30}}};
  // Four real threads render one level into an empty cache together; every one
  // gets the same complete file and nothing else is left behind.
  std::vector<std::string> paths(4), errors(4);
  std::vector<std::thread> jobs;
  for (size_t i = 0; i < paths.size(); ++i)
    jobs.emplace_back([&, i] {
      try {
        paths[i] = render_level(ref, level, cache);
      } catch (const std::exception& e) {
        errors[i] = e.what();
      }
    });
  for (auto& j : jobs) j.join();
  for (size_t i = 0; i < paths.size(); ++i) {
    INFO(errors[i]);
    CHECK(errors[i].empty());
    CHECK(paths[i] == paths[0]);
  }
  VideoReader r(paths[0]);
  DecodedFrame f;
  int n = 0;
  while (r.read(f)) ++n;
  CHECK(n == 12);
  std::set<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(cache)) files.insert(e.path().string());
  CHECK(files == std::set<std::string>{paths[0], paths[0] + ".schedule.json"});
}
