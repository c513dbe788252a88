#include "gearnn/gears/undistorted_level.h"

#include <cmath>
#include <map>
#include <optional>

namespace gearnn {

namespace {

// Distortion settings (gearnn distort) at the value where they change nothing.
std::optional<double> undistorted(const std::string& key) {
  static const std::map<std::string, double> values = {
      {"brightness", 1}, {"noise", 0}, {"blur", 0}, {"scale", 1}, {"resolution", 1}};
  const auto it = values.find(key);
  return it == values.end() ? std::nullopt : std::optional<double>(it->second);
}

}  // namespace

std::set<std::string> undistorted_levels(const std::vector<std::pair<std::string, json>>& levels) {
  std::map<std::string, std::set<double>> seen;
  for (const auto& [name, settings] : levels) {
    if (!settings.is_object()) return {};
    for (const auto& [key, v] : settings.items())
      if (v.is_number()) seen[key].insert(v.get<double>());
  }
  std::set<std::string> out;
  for (const auto& [name, settings] : levels) {
    bool varies = false, plain = true;
    for (const auto& [key, values] : seen) {
      if (values.size() < 2) continue;
      varies = true;
      const auto want = undistorted(key);
      plain = plain && want && settings.contains(key) && settings[key].is_number() &&
              std::abs(settings[key].get<double>() - *want) < 1e-9;
    }
    if (varies && plain) out.insert(name);
  }
  return out;
}

}  // namespace gearnn
