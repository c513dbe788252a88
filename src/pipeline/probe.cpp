#include "gearnn/pipeline/probe.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <vector>

#include "gearnn/gears/gear_set.h"
#include "gearnn/io/shipped_data.h"
#include "gearnn/io/video_reader.h"

namespace gearnn {

json run_probe(const ProbeOptions& o) {
  std::unique_ptr<GearSet> gears;
  if (!o.gears_dir.empty()) gears = std::make_unique<GearSet>(load_gear_set(find_gear_set_dir(o.gears_dir, "")));
  const GearSet no_gears;
  GearSelector selector(gears ? *gears : no_gears, o.hold);

  ReaderOptions ro;
  ro.convert_rgb = false;  // features only; RGB sources are converted on demand
  VideoReader reader(o.input, ro);
  std::ofstream lines;
  // An error part-way leaves no per-frame file behind, not even the temporary one.
  struct RemoveUnlessCommitted {
    std::string path;
    bool committed = false;
    ~RemoveUnlessCommitted() {
      std::error_code ec;
      if (!path.empty() && !committed) std::filesystem::remove(path, ec);
    }
  } temp;
  if (!o.out_jsonl.empty()) {
    temp.path = temp_name(o.out_jsonl);
    lines.open(temp.path);
    if (!lines) throw Error(o.out_jsonl, "cannot write");
  }
  std::map<std::string, std::vector<double>> values;
  std::map<std::string, int64_t> usage;
  DecodedFrame frame;
  int64_t n = 0;
  while ((o.max_frames < 0 || n < o.max_frames) && reader.read(frame)) {
    json line = {{"frame", frame.index}, {"time", frame.pts_time}, {"features", to_json(frame.features)}};
    for (const auto& name : numeric_feature_names())
      if (auto v = frame.features.get(name)) values[name].push_back(*v);
    if (gears) {
      const int g = selector.update(frame.features);
      const std::string gear = g < 0 ? "base" : gears->gears[g].name;
      line["gear"] = gear;
      ++usage[gear];
    }
    if (lines.is_open()) lines << line.dump() << "\n";
    ++n;
  }
  if (lines.is_open()) {
    lines.close();
    if (!lines) throw Error(o.out_jsonl, "write failed");
    commit_temp(o.out_jsonl);
    temp.committed = true;
  }
  json features = json::object();
  for (auto& [name, v] : values) {
    std::sort(v.begin(), v.end());
    const double median = v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
    features[name] = {{"min", v.front()}, {"median", median}, {"max", v.back()}};
  }
  json summary = {{"input", o.input}, {"frames", n}, {"features", features}};
  if (gears) {
    summary["gears"] = gears->dir;
    summary["gear_usage"] = usage;
    summary["switches"] = selector.switches();
  }
  return summary;
}

std::string probe_table(const json& s) {
  std::ostringstream t;
  t << s["input"].get<std::string>() << ": " << s["frames"].get<int64_t>() << " frames\n";
  char buf[160];
  std::snprintf(buf, sizeof buf, "%-10s %12s %12s %12s\n", "feature", "min", "median", "max");
  t << buf;
  for (const auto& [name, v] : s["features"].items()) {
    std::snprintf(buf, sizeof buf, "%-10s %12.4g %12.4g %12.4g\n", name.c_str(), v["min"].get<double>(),
                  v["median"].get<double>(), v["max"].get<double>());
    t << buf;
  }
  if (s.contains("gear_usage")) {
    t << "gears (" << s["switches"].get<int64_t>() << " switches):";
    for (const auto& [name, count] : s["gear_usage"].items()) t << " " << name << " " << count.get<int64_t>();
    t << "\n";
  }
  return t.str();
}

}  // namespace gearnn
