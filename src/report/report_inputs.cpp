#include "report_inputs.h"

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "colours.h"
#include "gearnn/common/errors.h"
#include "gearnn/io/model_card.h"
#include "gearnn/metrics/merge_reports.h"

namespace fs = std::filesystem;

namespace gearnn::html {

Opt number(const json& obj, const char* key) {
  if (!obj.is_object()) return std::nullopt;
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_number()) return std::nullopt;
  return it->get<double>();
}

std::string text(const json& obj, const char* key, const std::string& fallback) {
  if (!obj.is_object()) return fallback;
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : fallback;
}

Frames read_frames(const std::string& dir) {
  Frames f;
  std::ifstream in(dir + "/frames.jsonl");
  if (!in) return f;
  f.found = true;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    json j;
    try {
      j = parse_json(line, dir + "/frames.jsonl");
    } catch (const Error&) {
      ++f.bad_lines;  // e.g. a torn last line
      continue;
    }
    // A frame is an index: an integer from 0 (1e300 would not even convert).
    if (!j.is_object() || !j.contains("frame") || !j["frame"].is_number_integer() || j["frame"].get<int64_t>() < 0) {
      ++f.bad_lines;
      continue;
    }
    FrameRow r;
    r.frame = j["frame"].get<int64_t>();
    r.miou = number(j, "miou");
    r.agreement = number(j, "agreement");
    r.qp = number(j, "qp");
    r.luma = number(j, "luma");
    if (j.contains("gear") && j["gear"].is_string()) r.gear = j["gear"].get<std::string>();
    f.rows.push_back(r);
  }
  return f;
}

Opt mean_of(const std::vector<FrameRow>& rows, Opt FrameRow::*field) {
  double s = 0;
  int64_t n = 0;
  for (const auto& r : rows)
    if (r.*field) s += *(r.*field), ++n;
  return n ? Opt(s / n) : std::nullopt;
}

std::map<std::string, int64_t> usage_of(const json& gear_usage) {
  std::map<std::string, int64_t> u;
  if (gear_usage.is_object())
    for (const auto& [k, v] : gear_usage.items())
      if (v.is_number()) u[k] = v.get<int64_t>();
  return u;
}

std::string locate(const std::string& recorded, const std::string& base) {
  if (recorded.empty()) return "";
  if (fs::exists(recorded)) return recorded;
  if (fs::path(recorded).is_relative() && !base.empty()) {
    const std::string alt = (fs::path(base) / recorded).string();
    if (fs::exists(alt)) return alt;
  }
  return "";
}

std::string locate_input(const std::string& recorded, const std::string& base) {
  if (recorded.find('%') == std::string::npos) return locate(recorded, base);
  const std::string parent = fs::path(recorded).parent_path().string();
  if (parent.empty() || fs::is_directory(parent)) return recorded;
  if (fs::path(recorded).is_relative() && fs::is_directory(fs::path(base) / parent))
    return (fs::path(base) / recorded).string();
  return "";
}

namespace {

// Class names as strings, whatever the JSON holds.
std::vector<std::string> class_names(const json& classes) {
  std::vector<std::string> names;
  if (classes.is_array())
    for (const auto& c : classes) names.push_back(c.is_string() ? c.get<std::string>() : c.dump());
  return names;
}

Palette class_palette(const json& report, const std::string& run_dir, size_t n_classes) {
  const std::string dir = locate(text(report.value("model", json::object()), "dir"), run_dir);
  if (!dir.empty()) {
    try {
      const ModelCard card = load_model_card(dir);
      if (card.palette.size() >= n_classes) return card.palette;
    } catch (const std::exception&) {
      // the model moved or changed: fall back to fixed colours
    }
  }
  return fallback_palette(n_classes);
}

}  // namespace

RunInputs read_run_dir(const std::string& dir) {
  RunInputs in;
  in.dir = dir;
  const std::string report_path = dir + "/report.json";
  in.report = read_json_file(report_path);
  if (!in.report.is_object()) fail(report_path, "not a gearnn run report");
  in.frames = read_frames(dir);
  const json model = in.report.value("model", json::object());
  if (model.contains("classes")) in.classes = class_names(model["classes"]);
  in.palette = class_palette(in.report, dir, in.classes.size());
  in.gear_usage = usage_of(in.report.value("gear_usage", json::object()));
  return in;
}

CollectionInputs read_collection(const json& merged, const std::string& base_dir, int max_item_charts) {
  CollectionInputs in;
  in.base_dir = base_dir;
  if (merged.contains("classes")) in.classes = class_names(merged["classes"]);
  in.items = merged.value("items", json::array());
  in.failures = merged.value("failures", json::array());
  in.metrics = merged.value("metrics", json());
  in.agreement = merged.value("agreement", json());
  in.frames = number(merged, "frames");
  in.seconds = number(merged, "seconds");
  in.gear_switches = number(merged, "gear_switches");
  in.gear_usage = usage_of(merged.value("gear_usage", json::object()));

  for (const auto& it : in.items) in.item_dirs.push_back(locate(text(it, "dir"), base_dir));
  // Items share a model; the first readable report names it.
  in.palette = fallback_palette(in.classes.size());
  for (const auto& d : in.item_dirs) {
    if (d.empty() || !fs::exists(d + "/report.json")) continue;
    try {
      in.palette = class_palette(read_json_file(d + "/report.json"), d, in.classes.size());
    } catch (const std::exception&) {
    }
    break;
  }
  // Frames only for the items that get charts: a large batch stays cheap.
  const size_t charted = std::min(in.items.size(), static_cast<size_t>(std::max(0, max_item_charts)));
  in.item_frames.resize(charted);
  for (size_t i = 0; i < charted; ++i)
    if (!in.item_dirs[i].empty()) in.item_frames[i] = read_frames(in.item_dirs[i]);
  return in;
}

CollectionInputs read_batch_dir(const std::string& dir, int max_item_charts) {
  return read_collection(merge_reports({dir}), dir, max_item_charts);
}

CollectionInputs read_merged_file(const std::string& path, int max_item_charts) {
  const json merged = read_json_file(path);
  const std::string base = fs::path(path).parent_path().string();
  return read_collection(merged, base.empty() ? "." : base, max_item_charts);
}

}  // namespace gearnn::html
