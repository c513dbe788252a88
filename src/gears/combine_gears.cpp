#include "gearnn/gears/combine_gears.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <set>

#include "gearnn/gears/gear_set.h"
#include "gearnn/gears/undistorted_level.h"

namespace gearnn {

namespace {

// The first set's gears fitted where its own distortion is absent
// (undistorted_level.h): the second set knows those frames better whatever
// they gain on validation.
std::set<std::string> undistorted_gears(const GearSet& first) {
  std::vector<std::pair<std::string, json>> levels;
  for (size_t i = 0; i < first.gears.size(); ++i)
    levels.emplace_back(first.gears[i].name, first.raw["gears"][i].value("settings", json::object()));
  return undistorted_levels(levels);
}

}  // namespace

json combine_gear_sets(const CombineGearsOptions& o) {
  const GearSet first = load_gear_set(o.first_dir), then = load_gear_set(o.then_dir);
  const std::string first_json = o.first_dir + "/gears.json", then_json = o.then_dir + "/gears.json";
  check_same_model(first, then);
  if (first.gears.empty()) fail(first_json, "has no gears");

  // The first set must switch on one feature, one range per gear.
  const std::string feature = first.gears[0].when.size() == 1 ? first.gears[0].when[0].feature : "";
  for (const auto& g : first.gears)
    if (g.when.size() != 1 || g.when[0].feature != feature)
      fail(first_json, "gear " + g.name + ": the first set must switch on one feature, one range per gear");
  for (const auto& g : then.gears)
    for (const auto& r : g.when)
      if (r.feature == feature) fail(then_json, "gear " + g.name + " also switches on " + feature);

  // Neutral gears: named, or the undistorted level and those whose recorded validation gain is below min_gain.
  std::set<std::string> neutral(o.neutral.begin(), o.neutral.end());
  for (const auto& n : neutral)
    if (first.index_of(n) < 0)
      fail(first_json, "no gear named " + n + " (given as neutral)");
  if (o.neutral.empty()) {
    neutral = undistorted_gears(first);
    for (size_t i = 0; i < first.gears.size(); ++i) {
      const json& raw = first.raw["gears"][i];
      if (!raw.contains("val_miou") || !raw.contains("base_val_miou"))
        fail(first_json, "gear " + first.gears[i].name + " records no validation mIoU; name the neutral gears");
      const std::string at = "/gears/" + std::to_string(i);
      const double gain = json_number(first.raw, at + "/val_miou", -1, 1, first_json) -
                          json_number(first.raw, at + "/base_val_miou", -1, 1, first_json);
      if (gain < o.min_gain) neutral.insert(first.gears[i].name);
    }
  }
  if (neutral.empty()) fail(first_json, "no neutral gear (none gains less than the minimum); name them");

  // Their ranges must join into one band, where the second set applies.
  std::vector<GearRange> ranges;
  for (const auto& g : first.gears)
    if (neutral.count(g.name)) ranges.push_back(g.when[0]);
  std::sort(ranges.begin(), ranges.end(), [](const GearRange& a, const GearRange& b) { return a.lo < b.lo; });
  for (size_t i = 1; i < ranges.size(); ++i)
    if (std::abs(ranges[i].lo - ranges[i - 1].hi) > 1e-9)
      fail(first_json, "the neutral gears' " + feature + " ranges are not adjacent");
  const double lo = ranges.front().lo, hi = ranges.back().hi;

  create_dirs(o.out_dir);
  json gears = json::array();
  std::set<std::string> names;
  for (size_t i = 0; i < first.gears.size(); ++i) {
    if (neutral.count(first.gears[i].name)) continue;
    json g = first.raw["gears"][i];
    g["file"] = gear_file_from(first, i, o.out_dir);
    names.insert(first.gears[i].name);
    gears.push_back(g);
  }
  for (size_t i = 0; i < then.gears.size(); ++i) {
    if (!names.insert(then.gears[i].name).second)
      fail(then_json, "gear name " + then.gears[i].name + " is also in " + first_json);
    json g = then.raw["gears"][i];
    g["file"] = gear_file_from(then, i, o.out_dir);
    g["when"][feature] = {range_end_json(lo), range_end_json(hi)};
    gears.push_back(g);
  }
  json out = {{"combined", {{"first", o.first_dir}, {"then", o.then_dir},
                            {"neutral", std::vector<std::string>(neutral.begin(), neutral.end())},
                            {"band", {{feature, {range_end_json(lo), range_end_json(hi)}}}}}},
              {"gears", gears}};
  const json hash = first.raw.value("base_model_hash", json());
  if (hash.is_string()) out["base_model_hash"] = hash;
  write_json_file(o.out_dir + "/gears.json", out);
  return out;
}

}  // namespace gearnn
