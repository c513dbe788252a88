#pragma once
// Colours of the report: class colours when the model's palette is missing,
// one colour per gear, and the scale of the confusion matrix.
#include <array>
#include <cstdint>
#include <map>
#include <set>
#include <string>

#include "gearnn/io/label_io.h"

namespace gearnn::html {

std::string hex_colour(int r, int g, int b);  // "#rrggbb", channels clamped to 0..255
std::string hex_colour(const std::array<uint8_t, 3>& rgb);

// `n` distinct colours, for classes when the model's palette is not available.
Palette fallback_palette(size_t n);

// Gears: one colour each, base in grey, in the order of their names so every
// chart of a page agrees.
class GearColours {
 public:
  explicit GearColours(const std::set<std::string>& names);
  std::string operator()(const std::string& name) const;

 private:
  std::map<std::string, std::string> map_;
};

// Sequential blues for 0..1 (values outside are clamped).
std::string heat_colour(double v);

}  // namespace gearnn::html
