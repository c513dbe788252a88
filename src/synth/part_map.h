#pragma once
// Exact object silhouettes: objects are rasterised into a part-id map, then
// colour and label are written from the same pixels.
#include <opencv2/imgproc.hpp>

#include <initializer_list>
#include <vector>

#include "scene_math.h"

namespace gearnn::scene {

// Object part-id map over the object's bounding box (clipped to the frame):
// parts are rasterised here with LINE_8 and then shaded, so colour and label
// come from the same pixels. Part id 0 is empty.
class PartMap {
 public:
  PartMap(int width, int height, double x0, double y0, double x1, double y1) {
    auto clamp_coord = [](double v) { return std::max(-1e6, std::min(1e6, v)); };
    const int ix0 = int(std::floor(clamp_coord(x0))) - 2, iy0 = int(std::floor(clamp_coord(y0))) - 2;
    const int ix1 = int(std::ceil(clamp_coord(x1))) + 2, iy1 = int(std::ceil(clamp_coord(y1))) + 2;
    roi = cv::Rect(ix0, iy0, ix1 - ix0, iy1 - iy0) & cv::Rect(0, 0, width, height);
    if (!empty()) ids = cv::Mat::zeros(roi.size(), CV_8U);
  }
  bool empty() const { return roi.width <= 0 || roi.height <= 0; }
  void polygon(std::initializer_list<cv::Point2d> pts, uint8_t id) { polygon(std::vector<cv::Point2d>(pts), id); }
  void polygon(const std::vector<cv::Point2d>& pts, uint8_t id) {
    std::vector<cv::Point> q;
    q.reserve(pts.size());
    for (const auto& p : pts) q.push_back(to_fixed(p));
    const cv::Point* ptr = q.data();
    const int n = int(q.size());
    cv::fillPoly(ids, &ptr, &n, 1, cv::Scalar(id), cv::LINE_8, kFractionBits);
  }
  void disc(const cv::Point2d& centre, double radius, uint8_t id) {
    if (radius <= 0) return;
    cv::circle(ids, to_fixed(centre), std::max(1, int(std::lround(radius * kFixedOne))), cv::Scalar(id), cv::FILLED,
               cv::LINE_8, kFractionBits);
  }
  // Thick segment with round ends (limbs, arms of lamps).
  void capsule(const cv::Point2d& a, const cv::Point2d& b, double width, uint8_t id) {
    const cv::Point2d d = b - a;
    const double len = std::hypot(d.x, d.y);
    const cv::Point2d n = len > 1e-9 ? cv::Point2d(-d.y / len, d.x / len) * (0.5 * width) : cv::Point2d(0.5 * width, 0);
    polygon({a + n, b + n, b - n, a - n}, id);
    disc(a, 0.5 * width, id);
    disc(b, 0.5 * width, id);
  }
  void line(const cv::Point2d& a, const cv::Point2d& b, uint8_t id) {
    cv::line(ids, to_fixed(a), to_fixed(b), cv::Scalar(id), 1, cv::LINE_8, kFractionBits);
  }
  cv::Rect roi;  // in frame pixels
  cv::Mat ids;   // CV_8U part ids over roi

 private:
  static constexpr int kFractionBits = 4;  // 1/16 px vertex precision keeps motion smooth
  static constexpr double kFixedOne = 16.0;
  cv::Point to_fixed(const cv::Point2d& p) const {
    return {int(std::lround((p.x - roi.x) * kFixedOne)), int(std::lround((p.y - roi.y) * kFixedOne))};
  }
};

// Shade every non-zero part pixel; the shader may return false to leave a hole.
// `gain` darkens objects standing in a sun shadow.
template <class Shader>
void composite(const PartMap& parts, cv::Mat& rgb, cv::Mat& labels, uint8_t class_id, Shader&& shade,
               float gain = 1.f) {
  for (int r = 0; r < parts.roi.height; ++r) {
    const int y = parts.roi.y + r;
    const uint8_t* part_row = parts.ids.ptr<uint8_t>(r);
    cv::Vec3b* rgb_row = rgb.ptr<cv::Vec3b>(y) + parts.roi.x;
    uint8_t* label_row = labels.ptr<uint8_t>(y) + parts.roi.x;
    for (int c = 0; c < parts.roi.width; ++c) {
      if (!part_row[c]) continue;
      Colour colour;
      if (!shade(part_row[c], parts.roi.x + c, y, colour)) continue;
      rgb_row[c] = saturate_colour(colour * gain);
      label_row[c] = class_id;
    }
  }
}

}  // namespace gearnn::scene
