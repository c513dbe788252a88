#include "gearnn/gears/gear_set.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <set>

#include "gearnn/common/errors.h"

namespace gearnn {

bool GearSpec::matches(const FrameFeatures& f) const {
  for (const auto& r : when) {
    const auto v = f.get(r.feature);
    if (!v || !(*v >= r.lo && *v < r.hi)) return false;
  }
  return true;
}

int GearSet::match(const FrameFeatures& f) const {
  for (size_t i = 0; i < gears.size(); ++i)
    if (gears[i].matches(f)) return static_cast<int>(i);
  return -1;
}

GearSet parse_gear_set(const json& j, const std::string& dir, const std::string& source) {
  GearSet cfg;
  cfg.dir = dir;
  cfg.raw = j;
  if (!j.is_object() || !j.contains("gears") || !j["gears"].is_array())
    fail(source, "expected an object with a \"gears\" array");
  const auto& names = numeric_feature_names();
  std::set<std::string> seen;
  for (const json& g : j["gears"]) {
    if (!g.is_object()) fail(source, "each gear must be an object");
    GearSpec spec;
    spec.name = json_get<std::string>(g, "name", source);
    if (spec.name.empty() || !seen.insert(spec.name).second) fail(source, "gear names must be unique and non-empty");
    // null: a gear that changes no tensor (fit-gears' level whose selection is empty);
    // a file must hold at least one tensor (gear_bank.cpp).
    if (!g.contains("file") || !g["file"].is_null()) {
      spec.file = json_get<std::string>(g, "file", source);
      if (spec.file.empty()) fail(source, "gear " + spec.name + ": \"file\" must name a file, or be null");
    }
    const json when = g.contains("when") ? g["when"] : json::object();
    if (!when.is_object()) fail(source, "gear " + spec.name + ": \"when\" must be an object");
    for (const auto& [feature, range] : when.items()) {
      if (std::find(names.begin(), names.end(), feature) == names.end())
        fail(source, "gear " + spec.name + ": unknown feature \"" + feature + "\" in \"when\"");
      if (!range.is_array() || range.size() != 2 || !(range[0].is_number() || range[0].is_null()) ||
          !(range[1].is_number() || range[1].is_null()))
        fail(source, "gear " + spec.name + ": range for " + feature + " must be [lo, hi] (numbers or null)");
      const double inf = std::numeric_limits<double>::infinity();
      GearRange r{feature, range[0].is_null() ? -inf : range[0].get<double>(),
                  range[1].is_null() ? inf : range[1].get<double>()};
      if (!(r.lo < r.hi)) fail(source, "gear " + spec.name + ": empty range for " + feature);
      spec.when.push_back(r);
    }
    cfg.gears.push_back(spec);
  }
  return cfg;
}

GearSet load_gear_set(const std::string& dir) {
  if (!std::filesystem::is_directory(dir)) fail(dir, "gear directory not found");
  const std::string path = dir + "/gears.json";
  const json j = read_json_file(path);
  GearSet cfg = naming_json_errors(path, [&] { return parse_gear_set(j, dir, path); });
  for (size_t i = 0; i < cfg.gears.size(); ++i)
    if (!cfg.gears[i].file.empty() && !std::filesystem::is_regular_file(cfg.file_path(i)))
      fail(cfg.file_path(i), "gear file named by " + path + " not found");
  return cfg;
}

int GearSet::index_of(const std::string& name) const {
  for (size_t i = 0; i < gears.size(); ++i)
    if (gears[i].name == name) return static_cast<int>(i);
  return -1;
}

void check_same_model(const GearSet& reference, const GearSet& other) {
  const json a = reference.raw.value("base_model_hash", json()), b = other.raw.value("base_model_hash", json());
  if (a.is_string() && b.is_string() && a != b)
    fail(other.dir + "/gears.json",
         "made for another model than " + reference.dir + "/gears.json (base_model_hash differs)");
}

json range_end_json(double v) { return std::isinf(v) ? json(nullptr) : json(v); }

json gear_file_from(const GearSet& set, size_t i, const std::string& dir) {
  if (set.gears[i].file.empty()) return json(nullptr);
  namespace fs = std::filesystem;
  return json(fs::relative(fs::absolute(set.file_path(i)), fs::absolute(dir)).generic_string());
}

GearSelector::GearSelector(const GearSet& config, int hold) : config_(config), hold_(std::max(1, hold)) {}

GearBlender::GearBlender(const GearSet& set, int steps) : steps_(std::max(1, steps)) {
  const std::string source = set.dir + "/gears.json";
  const json& raw = set.raw.contains("gears") ? set.raw["gears"] : json::array();
  for (size_t i = 0; i < set.gears.size(); ++i) {
    const GearSpec& g = set.gears[i];
    if (g.when.size() != 1 || (!feature_.empty() && g.when[0].feature != feature_))
      fail(source, "cannot blend: gear " + g.name + " is not chosen by one feature shared by every gear (--blend "
                   "takes a set fitted on one ladder, e.g. qp or brightness)");
    feature_ = g.when[0].feature;
    if (i >= raw.size() || !raw[i].contains("measured_median") || !raw[i]["measured_median"].is_number())
      fail(source, "cannot blend: gear " + g.name + " records no measured_median (where its level measured)");
    points_.emplace_back(raw[i]["measured_median"].get<double>(), static_cast<int>(i));
  }
  if (points_.empty()) fail(source, "cannot blend: the set has no gears");
  std::sort(points_.begin(), points_.end());
}

GearBlend GearBlender::blend(const FrameFeatures& f) const {
  const auto v = f.get(feature_);
  if (!v || !std::isfinite(*v)) return {};
  if (*v <= points_.front().first) return {points_.front().second, points_.front().second, 0};
  if (*v >= points_.back().first) return {points_.back().second, points_.back().second, 0};
  size_t i = 0;
  while (!(*v < points_[i + 1].first)) ++i;
  const auto& [p0, g0] = points_[i];
  const auto& [p1, g1] = points_[i + 1];
  const double t = p1 > p0 ? std::round((*v - p0) / (p1 - p0) * steps_) / steps_ : 0.0;
  if (t <= 0) return {g0, g0, 0};
  if (t >= 1) return {g1, g1, 0};
  return {g0, g1, t};
}

int GearSelector::update(const FrameFeatures& f) {
  const int want = config_.match(f);
  if (!started_) {
    started_ = true;
    current_ = want;
    return current_;
  }
  if (want == current_) {
    pending_count_ = 0;
    return current_;
  }
  if (want == pending_) {
    ++pending_count_;
  } else {
    pending_ = want;
    pending_count_ = 1;
  }
  if (pending_count_ >= hold_) {
    current_ = want;
    pending_count_ = 0;
    ++switches_;
  }
  return current_;
}

}  // namespace gearnn
