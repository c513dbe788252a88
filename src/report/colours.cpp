#include "colours.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iterator>

namespace gearnn::html {

std::string hex_colour(int r, int g, int b) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "#%02x%02x%02x", std::clamp(r, 0, 255), std::clamp(g, 0, 255), std::clamp(b, 0, 255));
  return buf;
}

std::string hex_colour(const std::array<uint8_t, 3>& c) { return hex_colour(c[0], c[1], c[2]); }

Palette fallback_palette(size_t n) {
  Palette p;
  for (size_t i = 0; i < n; ++i) {
    cv::Mat hsv(1, 1, CV_8UC3, cv::Scalar(static_cast<int>(i * 137.508) % 180, 200, 220)), rgb;
    cv::cvtColor(hsv, rgb, cv::COLOR_HSV2RGB);
    const auto v = rgb.at<cv::Vec3b>(0, 0);
    p.push_back({v[0], v[1], v[2]});
  }
  return p;
}

GearColours::GearColours(const std::set<std::string>& names) {
  static const char* colours[] = {"#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#b07aa1",
                                  "#76b7b2", "#edc948", "#9c755f", "#ff9da7", "#17becf"};
  size_t k = 0;
  for (const auto& n : names) {
    if (n == "base") continue;
    if (k < std::size(colours)) {
      map_[n] = colours[k];
    } else {
      const auto c = fallback_palette(k + 1)[k];
      map_[n] = hex_colour(c);
    }
    ++k;
  }
}

std::string GearColours::operator()(const std::string& name) const {
  if (name == "base") return "#c8c8c8";
  auto it = map_.find(name);
  return it == map_.end() ? "#888888" : it->second;
}

std::string heat_colour(double v) {
  static const double stops[][3] = {{247, 251, 255}, {198, 219, 239}, {107, 174, 214}, {33, 113, 181}, {8, 48, 107}};
  v = std::clamp(v, 0.0, 1.0) * 4;
  const int k = std::min(3, static_cast<int>(v));
  const double t = v - k;
  int c[3];
  for (int i = 0; i < 3; ++i) c[i] = static_cast<int>(std::lround(stops[k][i] + (stops[k + 1][i] - stops[k][i]) * t));
  return hex_colour(c[0], c[1], c[2]);
}

}  // namespace gearnn::html
