// The fused resize + argmax against the plain reference (cv::resize of every
// class plane, then argmax): the same ids wherever the best two classes are not
// within float rounding of each other, at upscales, downscales, odd sizes and
// any class count.
#include <catch2/catch.hpp>
#include <cmath>
#include <opencv2/imgproc.hpp>

#include "gearnn/model/postprocess.h"

using namespace gearnn;

namespace {

cv::Mat random_logits(int classes, int h, int w, uint64_t seed) {
  const int dims[3] = {classes, h, w};
  cv::Mat logits(3, dims, CV_32F);
  cv::RNG rng(seed);
  rng.fill(logits, cv::RNG::UNIFORM, -4.0, 4.0);
  return logits;
}

// Pixels whose ids differ where the reference's best two upsampled logits are
// more than `margin` apart.
int clear_differences(const cv::Mat& logits, cv::Size size, const cv::Mat& fast, const cv::Mat& ref, float margin) {
  const int classes = logits.size[0];
  std::vector<cv::Mat> up(classes);
  for (int c = 0; c < classes; ++c) {
    const cv::Mat plane(logits.size[1], logits.size[2], CV_32FC1, const_cast<float*>(logits.ptr<float>(c)));
    cv::resize(plane, up[c], size, 0, 0, cv::INTER_LINEAR);
  }
  int n = 0;
  for (int y = 0; y < size.height; ++y)
    for (int x = 0; x < size.width; ++x) {
      if (fast.at<uint8_t>(y, x) == ref.at<uint8_t>(y, x)) continue;
      const float a = up[fast.at<uint8_t>(y, x)].at<float>(y, x), b = up[ref.at<uint8_t>(y, x)].at<float>(y, x);
      if (std::abs(a - b) > margin) ++n;
    }
  return n;
}

}  // namespace

TEST_CASE("fused resize + argmax gives the reference's ids", "[model][postprocess][fast]") {
  struct Case {
    int classes, h, w;
    cv::Size out;
  };
  const Case cases[] = {{8, 56, 96, {640, 360}},  {19, 56, 96, {1920, 1080}}, {8, 56, 96, {96, 56}},
                        {8, 56, 96, {50, 30}},    {1, 7, 5, {33, 17}},         {3, 1, 1, {9, 4}},
                        {11, 13, 29, {371, 203}}, {2, 40, 40, {41, 39}},       {255, 6, 8, {17, 23}}};
  uint64_t seed = 1;
  for (const Case& k : cases) {
    INFO(k.classes << " classes, " << k.w << "x" << k.h << " -> " << k.out.width << "x" << k.out.height);
    const cv::Mat logits = random_logits(k.classes, k.h, k.w, seed++);
    const cv::Mat fast = logits_to_ids(logits, k.out), ref = logits_to_ids_reference(logits, k.out);
    REQUIRE(fast.size() == k.out);
    REQUIRE(fast.type() == CV_8UC1);
    CHECK(clear_differences(logits, k.out, fast, ref, 1e-5f) == 0);
    // Rounding may flip only a sliver of near-ties.
    CHECK(cv::countNonZero(fast != ref) <= static_cast<int>(k.out.area() / 1000));
  }
}

TEST_CASE("fused argmax: ties go to the lowest class id, as in the reference", "[model][postprocess]") {
  const int dims[3] = {4, 3, 5};
  cv::Mat logits(3, dims, CV_32F, cv::Scalar(0.5f));
  CHECK(cv::countNonZero(logits_to_ids(logits, {20, 12})) == 0);
  // Class 2 above the rest everywhere: all 2.
  cv::Mat(3, 5, CV_32FC1, logits.ptr<float>(2)).setTo(0.75f);
  const cv::Mat ids = logits_to_ids(logits, {20, 12});
  CHECK(cv::countNonZero(ids != 2) == 0);
}

TEST_CASE("mean entropy: log(classes) when uniform, near 0 when certain, the plain softmax elsewhere",
          "[model][postprocess][check]") {
  const int dims[3] = {5, 3, 4};
  cv::Mat uniform(3, dims, CV_32F, cv::Scalar(2.5f));
  CHECK(mean_entropy(uniform) == Approx(std::log(5.0)).epsilon(1e-9));
  cv::Mat certain(3, dims, CV_32F, cv::Scalar(0.0f));
  for (int i = 0; i < 12; ++i) certain.ptr<float>(i % 5)[i] = 60.0f;  // one class far ahead at every pixel
  CHECK(mean_entropy(certain) < 1e-20);
  // Against the plain definition -sum p log p with p = softmax, pixel by pixel.
  const cv::Mat logits = random_logits(7, 9, 11, 77);
  double sum = 0;
  for (int p = 0; p < 9 * 11; ++p) {
    double z = 0;
    for (int c = 0; c < 7; ++c) z += std::exp(static_cast<double>(logits.ptr<float>(c)[p]));
    for (int c = 0; c < 7; ++c) {
      const double q = std::exp(static_cast<double>(logits.ptr<float>(c)[p])) / z;
      sum -= q * std::log(q);
    }
  }
  CHECK(mean_entropy(logits) == Approx(sum / (9 * 11)).epsilon(1e-9));
}
