#include <catch2/catch.hpp>

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <array>
#include <stdexcept>

#include "gearnn/common/hashing.h"
#include "gearnn/synth/street_scene.h"

using gearnn::StreetScene;

namespace {

bool identical(const cv::Mat& a, const cv::Mat& b) {
  return a.size() == b.size() && a.type() == b.type() && cv::norm(a, b, cv::NORM_INF) == 0;
}

// Pixel count per class id (index 8 collects anything out of range).
std::array<long, 9> class_counts(const cv::Mat& labels) {
  std::array<long, 9> n{};
  for (int y = 0; y < labels.rows; ++y)
    for (int x = 0; x < labels.cols; ++x) ++n[std::min<int>(labels.at<uint8_t>(y, x), 8)];
  return n;
}

cv::Scalar mean_where(const cv::Mat& rgb, const cv::Mat& labels, int cls) { return cv::mean(rgb, labels == cls); }

}  // namespace

TEST_CASE("street classes and palette line up", "[synth_scene]") {
  REQUIRE(gearnn::street_class_names().size() == 8);
  REQUIRE(gearnn::street_palette().size() == 8);
  CHECK(gearnn::street_class_names()[0] == "road");
  CHECK(gearnn::street_class_names()[5] == "sky");
  CHECK(gearnn::street_palette()[7] == std::array<uint8_t, 3>{0, 0, 142});
}

TEST_CASE("StreetScene renders the requested size and types", "[synth_scene]") {
  for (const auto& wh : {std::array<int, 2>{640, 360}, {64, 64}, {321, 179}, {96, 256}}) {
    const StreetScene scene(3, wh[0], wh[1]);
    cv::Mat rgb, labels;
    scene.render(4, rgb, labels);
    INFO(wh[0] << "x" << wh[1]);
    CHECK(rgb.type() == CV_8UC3);
    CHECK(labels.type() == CV_8UC1);
    CHECK(rgb.cols == wh[0]);
    CHECK(rgb.rows == wh[1]);
    CHECK(labels.size() == rgb.size());
  }
  CHECK_THROWS_AS(StreetScene(1, 8, 64), std::invalid_argument);
  cv::Mat rgb, labels;
  CHECK_THROWS_AS(StreetScene(1, 64, 64).render(-1, rgb, labels), std::invalid_argument);
}

TEST_CASE("StreetScene is deterministic per seed and varies across seeds", "[synth_scene]") {
  cv::Mat a_rgb, a_lab, b_rgb, b_lab, c_rgb, c_lab;
  StreetScene(42, 320, 180).render(7, a_rgb, a_lab);
  StreetScene(42, 320, 180).render(7, b_rgb, b_lab);
  CHECK(identical(a_rgb, b_rgb));
  CHECK(identical(a_lab, b_lab));
  StreetScene(43, 320, 180).render(7, c_rgb, c_lab);
  CHECK_FALSE(identical(a_rgb, c_rgb));
  CHECK_FALSE(identical(a_lab, c_lab));
}

TEST_CASE("StreetScene frames are random access", "[synth_scene]") {
  const StreetScene scene(11, 320, 180);
  cv::Mat first_rgb, first_lab, rgb, lab;
  scene.render(5, first_rgb, first_lab);
  for (int t : {0, 1, 2, 50, 6, 4}) scene.render(t, rgb, lab);
  scene.render(5, rgb, lab);
  CHECK(identical(first_rgb, rgb));
  CHECK(identical(first_lab, lab));
  // A copy of the scene and a fresh scene agree too.
  const StreetScene copy = scene;
  copy.render(5, rgb, lab);
  CHECK(identical(first_rgb, rgb));
  StreetScene(11, 320, 180).render(5, rgb, lab);
  CHECK(identical(first_lab, lab));
}

TEST_CASE("StreetScene labels are valid class ids", "[synth_scene]") {
  for (uint64_t seed : {1u, 2u, 3u}) {
    const StreetScene scene(seed, 200, 120);
    cv::Mat rgb, lab;
    for (int t : {0, 13, 77}) {
      scene.render(t, rgb, lab);
      double lo = 0, hi = 0;
      cv::minMaxLoc(lab, &lo, &hi);
      INFO("seed " << seed << " t " << t);
      CHECK(hi < 8);
    }
  }
}

TEST_CASE("StreetScene shows all eight classes in a short clip", "[synth_scene]") {
  for (uint64_t seed : {1u, 7u, 2024u}) {
    const StreetScene scene(seed, 320, 180);
    std::array<long, 9> total{};
    cv::Mat rgb, lab;
    for (int t = 0; t < 30; ++t) {
      scene.render(t, rgb, lab);
      const auto n = class_counts(lab);
      for (int c = 0; c < 9; ++c) total[c] += n[c];
    }
    for (int c = 0; c < 8; ++c) {
      INFO("seed " << seed << " class " << gearnn::street_class_names()[c]);
      CHECK(total[c] > 0);
    }
    CHECK(total[8] == 0);
  }
}

TEST_CASE("StreetScene consecutive frames differ (motion)", "[synth_scene]") {
  const StreetScene scene(5, 320, 180);
  cv::Mat rgb0, lab0, rgb1, lab1;
  for (int t : {0, 20, 61}) {
    scene.render(t, rgb0, lab0);
    scene.render(t + 1, rgb1, lab1);
    cv::Mat diff;
    cv::absdiff(rgb0, rgb1, diff);
    INFO("t " << t);
    CHECK(cv::mean(diff)[0] + cv::mean(diff)[1] + cv::mean(diff)[2] > 3.0);
    CHECK(cv::countNonZero(lab0 != lab1) > 100);
  }
}

TEST_CASE("StreetScene labels match image content", "[synth_scene]") {
  for (uint64_t seed : {1u, 9u}) {
    const StreetScene scene(seed, 320, 180);
    cv::Mat rgb, lab;
    scene.render(10, rgb, lab);
    const auto n = class_counts(lab);
    INFO("seed " << seed);
    REQUIRE(n[5] > 50);  // sky
    REQUIRE(n[0] > 50);  // road
    // Sky and road look different.
    const cv::Scalar sky = mean_where(rgb, lab, 5), road = mean_where(rgb, lab, 0);
    CHECK(std::abs(sky[0] - road[0]) + std::abs(sky[1] - road[1]) + std::abs(sky[2] - road[2]) > 40);
    // Label boundaries sit on image edges: the image gradient across label
    // boundaries is much stronger than on average. A label map shifted by a
    // few pixels loses this.
    cv::Mat gray, gx, gy, mag;
    cv::cvtColor(rgb, gray, cv::COLOR_RGB2GRAY);
    cv::Sobel(gray, gx, CV_32F, 1, 0);
    cv::Sobel(gray, gy, CV_32F, 0, 1);
    cv::magnitude(gx, gy, mag);
    auto boundary_gain = [&](const cv::Mat& l) {
      const int w = l.cols, h = l.rows;
      cv::Mat edge = cv::Mat::zeros(l.size(), CV_8U), right, down;
      cv::compare(l(cv::Rect(0, 0, w - 1, h)), l(cv::Rect(1, 0, w - 1, h)), right, cv::CMP_NE);
      cv::compare(l(cv::Rect(0, 0, w, h - 1)), l(cv::Rect(0, 1, w, h - 1)), down, cv::CMP_NE);
      right.copyTo(edge(cv::Rect(0, 0, w - 1, h)));
      cv::Mat top = edge(cv::Rect(0, 0, w, h - 1));
      top |= down;
      return cv::mean(mag, edge)[0] / cv::mean(mag)[0];
    };
    const double aligned = boundary_gain(lab);
    // The same labels moved 4 px right and 3 px down.
    cv::Mat shifted;
    cv::copyMakeBorder(lab, shifted, 3, 0, 4, 0, cv::BORDER_REPLICATE);
    shifted = shifted(cv::Rect(0, 0, lab.cols, lab.rows)).clone();
    CHECK(aligned > 1.5);
    CHECK(aligned > 1.3 * boundary_gain(shifted));
  }
}

// Golden hashes taken from the scene generator before it was split into files:
// any refactoring of the generator must keep every byte of frames and labels.
TEST_CASE("StreetScene output is byte-identical to the golden hashes", "[synth_scene][golden]") {
  struct Golden {
    uint64_t seed;
    int width, height;
    const char* sha256;  // over rgb then labels of frames 0, 17, 143
  };
  const Golden cases[] = {
      {3, 320, 180, "7aecb2d4f271fcc52dcc1d0f08e6a0885dd81ae37afb9ba09f979c14ba87831e"},
      {2024, 173, 257, "3fb30fd7ec4c323406baf6f5f05124ffeed1c87db48bfa337b69b0f0960e3bbf"},
  };
  for (const Golden& g : cases) {
    const StreetScene scene(g.seed, g.width, g.height);
    gearnn::Sha256 hash;
    cv::Mat rgb, lab;
    for (int t : {0, 17, 143}) {
      scene.render(t, rgb, lab);
      REQUIRE(rgb.isContinuous());
      REQUIRE(lab.isContinuous());
      hash.update(rgb.data, rgb.total() * rgb.elemSize());
      hash.update(lab.data, lab.total() * lab.elemSize());
    }
    INFO("seed " << g.seed << " " << g.width << "x" << g.height);
    CHECK(hash.hex() == g.sha256);
  }
}
