#pragma once
// Exact object silhouettes: objects are rasterised into a part-id map, then
// colour and label are written from the same pixels.
#include <opencv2/imgproc.hpp>

#include <initializer_list>
#include <vector>

#include "scene_math.h"

namespace gearnn::scene {

// Object part-id map: objects are rasterised here with LINE_8 and then shaded,
// so colour and label come from the same pixels.
class PartMap {
 public:
  PartMap(int W, int H, double x0, double y0, double x1, double y1) {
    auto cl = [](double v) { return std::max(-1e6, std::min(1e6, v)); };
    const int ix0 = int(std::floor(cl(x0))) - 2, iy0 = int(std::floor(cl(y0))) - 2;
    const int ix1 = int(std::ceil(cl(x1))) + 2, iy1 = int(std::ceil(cl(y1))) + 2;
    roi = cv::Rect(ix0, iy0, ix1 - ix0, iy1 - iy0) & cv::Rect(0, 0, W, H);
    if (!empty()) ids = cv::Mat::zeros(roi.size(), CV_8U);
  }
  bool empty() const { return roi.width <= 0 || roi.height <= 0; }
  void poly(std::initializer_list<cv::Point2d> pts, uint8_t id) { poly(std::vector<cv::Point2d>(pts), id); }
  void poly(const std::vector<cv::Point2d>& pts, uint8_t id) {
    std::vector<cv::Point> q;
    q.reserve(pts.size());
    for (const auto& p : pts) q.push_back(fp(p));
    const cv::Point* ptr = q.data();
    const int n = int(q.size());
    cv::fillPoly(ids, &ptr, &n, 1, cv::Scalar(id), cv::LINE_8, kShift);
  }
  void disc(const cv::Point2d& c, double r, uint8_t id) {
    if (r <= 0) return;
    cv::circle(ids, fp(c), std::max(1, int(std::lround(r * kOne))), cv::Scalar(id), cv::FILLED, cv::LINE_8, kShift);
  }
  // Thick segment with round ends (limbs, arms of lamps).
  void capsule(const cv::Point2d& a, const cv::Point2d& b, double w, uint8_t id) {
    const cv::Point2d d = b - a;
    const double len = std::hypot(d.x, d.y);
    const cv::Point2d n = len > 1e-9 ? cv::Point2d(-d.y / len, d.x / len) * (0.5 * w) : cv::Point2d(0.5 * w, 0);
    poly({a + n, b + n, b - n, a - n}, id);
    disc(a, 0.5 * w, id);
    disc(b, 0.5 * w, id);
  }
  void line(const cv::Point2d& a, const cv::Point2d& b, uint8_t id) {
    cv::line(ids, fp(a), fp(b), cv::Scalar(id), 1, cv::LINE_8, kShift);
  }
  cv::Rect roi;
  cv::Mat ids;

 private:
  static constexpr int kShift = 4;  // 1/16 px vertex precision keeps motion smooth
  static constexpr double kOne = 16.0;
  cv::Point fp(const cv::Point2d& p) const {
    return {int(std::lround((p.x - roi.x) * kOne)), int(std::lround((p.y - roi.y) * kOne))};
  }
};

// Shade every non-zero part pixel; the shader may return false to leave a hole.
// `gain` darkens objects standing in a sun shadow.
template <class Shader>
void composite(const PartMap& pm, cv::Mat& rgb, cv::Mat& lab, uint8_t cls, Shader&& shade, float gain = 1.f) {
  for (int r = 0; r < pm.roi.height; ++r) {
    const int y = pm.roi.y + r;
    const uint8_t* id = pm.ids.ptr<uint8_t>(r);
    cv::Vec3b* out = rgb.ptr<cv::Vec3b>(y) + pm.roi.x;
    uint8_t* lo = lab.ptr<uint8_t>(y) + pm.roi.x;
    for (int c = 0; c < pm.roi.width; ++c) {
      if (!id[c]) continue;
      V3 col;
      if (!shade(id[c], pm.roi.x + c, y, col)) continue;
      out[c] = sat3(col * gain);
      lo[c] = cls;
    }
  }
}

}  // namespace gearnn::scene
