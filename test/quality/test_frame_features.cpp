#include <catch2/catch.hpp>
#include <opencv2/imgproc.hpp>

#include "gearnn/quality/frame_features.h"

using namespace gearnn;

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
