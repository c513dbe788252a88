#include "gearnn/gears/cell_gears.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <limits>
#include <optional>
#include <set>

#include "gearnn/gears/gear_set.h"
#include "gearnn/quality/frame_features.h"

namespace gearnn {

namespace {

bool switches_on(const GearSpec& g, const std::string& feature) {
  return std::any_of(g.when.begin(), g.when.end(), [&](const GearRange& r) { return r.feature == feature; });
}

// A ladder level that leaves a setting out is rendered without that distortion
// (the defaults of datasets/distort.h); QP has no such value.
std::optional<double> undistorted_value(const std::string& key) {
  if (key == "brightness" || key == "scale" || key == "resolution") return 1.0;
  if (key == "noise" || key == "blur") return 0.0;
  return std::nullopt;
}

// The one value of `key` in the settings of the gears named in `names`.
double set_value(const GearSet& set, const std::set<std::string>& names, const std::string& key) {
  const std::string path = set.dir + "/gears.json";
  std::optional<double> value;
  for (size_t i = 0; i < set.gears.size(); ++i) {
    if (!names.count(set.gears[i].name)) continue;
    const json& s = set.raw["gears"][i].value("settings", json::object());
    std::optional<double> recorded;
    if (s.is_object() && s.contains(key)) {
      if (s[key].is_number() && std::isfinite(s[key].get<double>())) recorded = s[key].get<double>();
    } else if (s.is_object() && !s.empty()) {
      recorded = undistorted_value(key);  // fitted on a level that leaves the setting out
    }
    if (!recorded)
      fail(path, "gear " + set.gears[i].name + " records no settings." + key + " (the value it was fitted at)");
    const double v = *recorded;
    if (value && std::abs(*value - v) > 1e-9)
      fail(path, "its gears were fitted at different " + key + " values; a set at one value is expected");
    value = v;
  }
  if (!value) fail(path, "no gear to make cells of");
  return *value;
}

}  // namespace

json cell_gear_sets(const CellGearsOptions& o) {
  if (o.add_dirs.empty()) fail("--add", "give at least one set fitted at another value");
  const auto& features = numeric_feature_names();
  if (std::find(features.begin(), features.end(), o.feature) == features.end())
    fail("--on", "unknown frame feature \"" + o.feature + "\"");
  if (!o.values.empty() && !o.setting.empty()) fail("--values", "give either --values or --setting, not both");
  const std::string key = o.setting.empty() ? o.feature : o.setting;
  const GearSet base = load_gear_set(o.base_dir);
  const std::string base_json = o.base_dir + "/gears.json";
  const json hash = base.raw.value("base_model_hash", json());
  std::vector<GearSet> added;
  for (const auto& d : o.add_dirs) {
    added.push_back(load_gear_set(d));
    check_same_model(base, added.back());
  }

  // The base's gears that get cells: not switched on the feature, and named in every added set.
  std::set<std::string> split;
  for (const auto& g : base.gears) {
    if (switches_on(g, o.feature)) continue;
    const bool everywhere =
        std::all_of(added.begin(), added.end(), [&](const GearSet& s) { return s.index_of(g.name) >= 0; });
    if (everywhere) split.insert(g.name);
  }
  if (split.empty()) fail(base_json, "no gear without a " + o.feature + " range is named in every added set");

  // Each source's value on the feature, sorted, with cuts half-way between neighbours.
  std::vector<std::pair<double, const GearSet*>> sources;
  if (o.values.empty()) {
    sources.emplace_back(set_value(base, split, key), &base);
    for (const auto& s : added) sources.emplace_back(set_value(s, split, key), &s);
  } else {
    if (o.values.size() != added.size() + 1)
      fail("--values", "give " + std::to_string(added.size() + 1) + " values, one for the base and one per --add");
    // Given values are on the feature itself (e.g. the median luma of each set's training scenes).
    sources.emplace_back(o.values[0], &base);
    for (size_t i = 0; i < added.size(); ++i) sources.emplace_back(o.values[i + 1], &added[i]);
  }
  std::sort(sources.begin(), sources.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (size_t i = 1; i < sources.size(); ++i)
    if (std::abs(sources[i].first - sources[i - 1].first) < 1e-9) {
      if (!o.values.empty()) fail("--values", "two sets are given the same value");
      fail(sources[i].second->dir + "/gears.json", "fitted at the same " + key + " as " + sources[i - 1].second->dir);
    }
  std::vector<double> cuts = {-std::numeric_limits<double>::infinity()};
  if (o.cuts.empty()) {
    if (key != o.feature)
      fail("--cuts", "give the " + o.feature + " values between the sets: their " + key + " is in other units");
    for (size_t i = 1; i < sources.size(); ++i) cuts.push_back((sources[i - 1].first + sources[i].first) / 2);
  } else {
    if (o.cuts.size() != sources.size() - 1)
      fail("--cuts", "give " + std::to_string(sources.size() - 1) + " values, one between each two of the " +
                         std::to_string(sources.size()) + " sets by " + key);
    if (std::adjacent_find(o.cuts.begin(), o.cuts.end(), std::greater_equal<double>()) != o.cuts.end())
      fail("--cuts", "the values must rise, as the sets' " + key + " does");
    cuts.insert(cuts.end(), o.cuts.begin(), o.cuts.end());
  }
  cuts.push_back(std::numeric_limits<double>::infinity());

  create_dirs(o.out_dir);
  auto format_value = [](double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    return std::string(buf);
  };
  json gears = json::array();
  for (size_t i = 0; i < base.gears.size(); ++i) {
    const std::string& name = base.gears[i].name;
    if (!split.count(name)) {
      json g = base.raw["gears"][i];
      g["file"] = gear_file_from(base, i, o.out_dir);
      gears.push_back(g);
      continue;
    }
    // The cells take the base gear's place, so the first match still decides as before.
    for (size_t k = 0; k < sources.size(); ++k) {
      const GearSet& s = *sources[k].second;
      const size_t j = static_cast<size_t>(s.index_of(name));
      json g = s.raw["gears"][j];
      g["name"] = name + "@" + key + format_value(sources[k].first);
      g["cell_of"] = name;
      g["file"] = gear_file_from(s, j, o.out_dir);
      g["when"] = base.raw["gears"][i]["when"];
      g["when"][o.feature] = {range_end_json(cuts[k]), range_end_json(cuts[k + 1])};
      gears.push_back(g);
    }
  }
  json sets = json::array();
  for (const auto& [v, s] : sources) sets.push_back({{"dir", s->dir}, {key, v}});
  json cut_values = json::array();
  for (size_t k = 1; k + 1 < cuts.size(); ++k) cut_values.push_back(cuts[k]);
  json out = {{"cells", {{"base", o.base_dir}, {"feature", o.feature}, {"sets", sets}, {"cuts", cut_values},
                         {"gears", std::vector<std::string>(split.begin(), split.end())}}},
              {"gears", gears}};
  if (hash.is_string()) out["base_model_hash"] = hash;
  write_json_file(o.out_dir + "/gears.json", out);
  return out;
}

}  // namespace gearnn
