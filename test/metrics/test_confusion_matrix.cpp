#include <catch2/catch.hpp>
#include <random>

#include "gearnn/common/errors.h"
#include "gearnn/metrics/confusion_matrix.h"

using gearnn::ConfusionMatrix;

namespace {

// Naive reference: counts TP, FP, FN per class straight from the pixels.
struct Reference {
  std::vector<double> iou;  // -1 when absent
  double miou = -1, acc = -1;
};

Reference naive(const std::vector<cv::Mat>& preds, const std::vector<cv::Mat>& truths, int n, int ignore) {
  std::vector<double> tp(n), fp(n), fn(n);
  double correct = 0, counted = 0;
  for (size_t f = 0; f < preds.size(); ++f)
    for (int r = 0; r < preds[f].rows; ++r)
      for (int c = 0; c < preds[f].cols; ++c) {
        const int t = truths[f].at<uint8_t>(r, c), p = preds[f].at<uint8_t>(r, c);
        if (t == ignore) continue;
        counted += 1;
        if (t == p) {
          tp[t] += 1;
          correct += 1;
        } else {
          fn[t] += 1;
          fp[p] += 1;
        }
      }
  Reference ref;
  double sum = 0;
  int present = 0;
  for (int k = 0; k < n; ++k) {
    const double d = tp[k] + fp[k] + fn[k];
    ref.iou.push_back(d > 0 ? tp[k] / d : -1);
    if (d > 0) sum += tp[k] / d, ++present;
  }
  ref.miou = present ? sum / present : -1;
  ref.acc = counted ? correct / counted : -1;
  return ref;
}

cv::Mat random_labels(std::mt19937& rng, int rows, int cols, int n, int ignore, int absent_class) {
  cv::Mat m(rows, cols, CV_8UC1);
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c) {
      int v = static_cast<int>(rng() % (n + 1));
      if (v == n) v = ignore;
      if (v == absent_class) v = 0;
      m.at<uint8_t>(r, c) = static_cast<uint8_t>(v);
    }
  return m;
}

}  // namespace

TEST_CASE("confusion-matrix metrics equal a naive per-pixel count on random data", "[metrics]") {
  std::mt19937 rng(42);
  const int n = 6, ignore = 255;
  for (int trial = 0; trial < 5; ++trial) {
    std::vector<cv::Mat> preds, truths;
    ConfusionMatrix cm(n);
    for (int f = 0; f < 3; ++f) {
      // Class 5 never appears in either: it must be left out of the mean.
      truths.push_back(random_labels(rng, 17 + trial, 23, n, ignore, 5));
      cv::Mat p = random_labels(rng, 17 + trial, 23, n, 0, 5);
      // Make predictions right more often than chance.
      for (int r = 0; r < p.rows; ++r)
        for (int c = 0; c < p.cols; ++c)
          if (rng() % 2 && truths.back().at<uint8_t>(r, c) != ignore) p.at<uint8_t>(r, c) = truths.back().at<uint8_t>(r, c);
      preds.push_back(p);
      cm.add(p, truths.back(), ignore);
    }
    const Reference ref = naive(preds, truths, n, ignore);
    const auto iou = cm.iou();
    for (int k = 0; k < n; ++k) {
      if (ref.iou[k] < 0) {
        CHECK_FALSE(iou[k].has_value());
      } else {
        REQUIRE(iou[k].has_value());
        CHECK(*iou[k] == Approx(ref.iou[k]).epsilon(1e-12));
      }
    }
    CHECK(*cm.miou() == Approx(ref.miou).epsilon(1e-12));
    CHECK(*cm.pixel_accuracy() == Approx(ref.acc).epsilon(1e-12));
  }
}

TEST_CASE("dataset mIoU comes from summed matrices, not the mean of frame mIoUs", "[metrics]") {
  // Frame A: one pixel of class 0, right. Frame B: 3 pixels of class 1, one wrong (predicted 0).
  cv::Mat ta = (cv::Mat_<uint8_t>(1, 1) << 0), pa = (cv::Mat_<uint8_t>(1, 1) << 0);
  cv::Mat tb = (cv::Mat_<uint8_t>(1, 3) << 1, 1, 1), pb = (cv::Mat_<uint8_t>(1, 3) << 1, 1, 0);
  ConfusionMatrix a(2), b(2), total(2);
  a.add(pa, ta, 255);
  b.add(pb, tb, 255);
  total.add(a);
  total.add(b);
  CHECK(*a.miou() == Approx(1.0));
  CHECK(*b.miou() == Approx((0.0 + 2.0 / 3.0) / 2));
  // Summed: class 0 TP 1, FP 1 -> 1/2; class 1 TP 2, FN 1 -> 2/3.
  CHECK(*total.miou() == Approx((0.5 + 2.0 / 3.0) / 2));
  CHECK(*total.miou() != Approx((*a.miou() + *b.miou()) / 2));
}

TEST_CASE("ignore pixels count nowhere and unknown ids name the label file", "[metrics]") {
  cv::Mat t = (cv::Mat_<uint8_t>(1, 3) << 255, 1, 0), p = (cv::Mat_<uint8_t>(1, 3) << 1, 1, 0);
  ConfusionMatrix cm(2);
  cm.add(p, t, 255);
  CHECK(cm.total() == 2);
  CHECK(*cm.miou() == Approx(1.0));
  cv::Mat bad = (cv::Mat_<uint8_t>(1, 3) << 7, 1, 0);
  try {
    cm.add(p, bad, 255, "labels/000003.png");
    FAIL("no error for class id 7");
  } catch (const gearnn::Error& e) {
    CHECK(std::string(e.what()).find("labels/000003.png") != std::string::npos);
    CHECK(std::string(e.what()).find("unknown class id 7") != std::string::npos);
  }
  cv::Mat small = (cv::Mat_<uint8_t>(1, 2) << 1, 0);
  CHECK_THROWS_AS(cm.add(p, small, 255, "x.png"), gearnn::Error);
}

TEST_CASE("confusion matrix survives a JSON round trip exactly", "[metrics]") {
  ConfusionMatrix cm(3);
  cm.at(0, 0) = 5;
  cm.at(2, 1) = 1ull << 40;
  const ConfusionMatrix back = ConfusionMatrix::from_json(cm.to_json(), "test");
  for (int t = 0; t < 3; ++t)
    for (int p = 0; p < 3; ++p) CHECK(back.at(t, p) == cm.at(t, p));
  CHECK_THROWS_AS(ConfusionMatrix::from_json(gearnn::json::parse("[[1,2],[3]]"), "r.json"), gearnn::Error);
}
