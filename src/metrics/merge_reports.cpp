#include "gearnn/metrics/merge_reports.h"

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>

#include "gearnn/metrics/confusion_matrix.h"

namespace fs = std::filesystem;

namespace gearnn {

namespace {

struct Found {
  std::string id, dir, source;
};

// Item run directories under `path`, and the failure records it holds.
void scan(const std::string& path, std::map<std::string, Found>& items, std::map<std::string, json>& failures) {
  if (!fs::is_directory(path)) fail(path, "not a directory");
  auto add = [&](const std::string& id, const std::string& dir) {
    auto [it, fresh] = items.emplace(id, Found{id, dir, path});
    if (!fresh) fail(dir, "item '" + id + "' is also in " + it->second.dir + " (overlapping shards?)");
  };
  if (fs::exists(path + "/report.json")) {
    fs::path normal = fs::absolute(path).lexically_normal();
    if (normal.filename().empty()) normal = normal.parent_path();  // "dir/" -> "dir"
    add(normal.filename().string(), path);
    return;
  }
  std::vector<std::string> dirs;
  bool batch_marker = false;  // shard-I-of-N.json: a batch ran here, maybe over no items
  for (const auto& e : fs::directory_iterator(path)) {
    const std::string name = e.path().filename().string();
    if (e.is_directory() && name[0] != '.' && fs::exists(e.path() / "report.json")) dirs.push_back(name);
    if (name.rfind("shard-", 0) == 0 && e.path().extension() == ".json") batch_marker = true;
  }
  std::sort(dirs.begin(), dirs.end());
  const std::string failures_path = path + "/failures.jsonl";
  if (dirs.empty() && !batch_marker && !fs::exists(failures_path))
    fail(path, "no run reports found (expected report.json, <id>/report.json or a batch's shard-*.json)");
  for (const auto& name : dirs) add(name, path + "/" + name);
  if (fs::exists(failures_path)) {
    std::ifstream in(failures_path);
    std::string line;
    while (std::getline(in, line)) {
      try {
        json f = parse_json(line, failures_path);
        if (f.is_object() && f.contains("id") && f["id"].is_string()) failures[f["id"].get<std::string>()] = f;
      } catch (const Error&) {
        // a torn last line from a killed writer
      }
    }
  }
}

// The fields merge reads from a run's report.json, checked first: a report
// edited or damaged by hand is named with the bad value, never merged as bogus gears.
void check_report(const json& r, const std::string& path) {
  if (!r.is_object()) fail(path, "not a gearnn run report (expected a JSON object)");
  auto check = [&](const char* key, bool ok, const char* expected) {
    if (r.contains(key) && !ok) fail(path, std::string("/") + key + ": must be " + expected);
  };
  check("complete", r.value("complete", json()).is_boolean(), "true or false");
  check("error", r.value("error", json()).is_string(), "a string");
  check("input", r.value("input", json()).is_object(), "an object");
  if (r.contains("input") && r["input"].contains("path") && !r["input"]["path"].is_string())
    fail(path, "/input/path: must be a string");
  if (!r.value("complete", false)) return;  // a failed run: only its input and error are read
  if (!r.contains("model") || !r["model"].is_object()) fail(path, "/model: missing (not a complete run report)");
  if (r["model"].contains("hash") && !r["model"]["hash"].is_string()) fail(path, "/model/hash: must be a string");
  check("gears", r.value("gears", json()).is_null() || r["gears"].is_object(), "null or an object");
  if (r.contains("gears") && r["gears"].is_object() && r["gears"].contains("hash") && !r["gears"]["hash"].is_string())
    fail(path, "/gears/hash: must be a string");
  json_int_or(r, "/frames", 0, 0, INT64_MAX, path);
  json_int_or(r, "/gear_switches", 0, 0, INT64_MAX, path);
  json_number_or(r, "/seconds", 0, 0, std::numeric_limits<double>::max(), path);
  json_number_or(r, "/fps", 0, 0, std::numeric_limits<double>::max(), path);
  check("gear_usage", r.value("gear_usage", json()).is_object(), "an object of gear names and frame counts");
  if (r.contains("gear_usage"))
    for (const auto& [gear, count] : r["gear_usage"].items())
      json_int(r, (json::json_pointer("/gear_usage") / gear).to_string(), 0, INT64_MAX, path);
  check("metrics", r.value("metrics", json()).is_null() || r["metrics"].is_object(), "null or an object");
  if (!r.contains("metrics") || !r["metrics"].is_object()) return;
  if (!r["metrics"].contains("confusion_matrix")) fail(path, "/metrics/confusion_matrix: missing");
  for (const char* key : {"miou", "mean_frame_miou", "pixel_acc"}) {
    const json v = r["metrics"].value(key, json());
    if (!v.is_null() && !v.is_number()) fail(path, std::string("/metrics/") + key + ": must be a number or null");
  }
}

}  // namespace

json merge_reports(const std::vector<std::string>& paths) {
  if (paths.empty()) fail("merge", "no directories given");
  std::map<std::string, Found> found;
  std::map<std::string, json> failure_records;
  for (const auto& p : paths) scan(p, found, failure_records);

  std::vector<std::string> classes;
  std::string classes_from;
  ConfusionMatrix total;
  bool any_metrics = false;
  json items = json::array(), failures = json::array(), usage = json::object();
  int64_t frames = 0, switches = 0, metric_frames = 0;
  double seconds = 0, item_miou_sum = 0, frame_miou_weighted = 0;
  int item_miou_count = 0;

  for (const auto& [id, f] : found) {  // std::map: sorted by id
    const std::string report_path = f.dir + "/report.json";
    const json r = read_json_file(report_path);
    naming_json_errors(report_path, [&] { check_report(r, report_path); });
    const bool complete = r.value("complete", false);
    if (!complete) {
      failures.push_back({{"id", id}, {"input", r.contains("input") ? r["input"].value("path", "") : ""},
                          {"error", r.value("error", "incomplete run")}, {"dir", fs::absolute(f.dir).lexically_normal().string()}});
      failure_records.erase(id);
      continue;
    }
    failure_records.erase(id);  // a later success supersedes an old failure record
    json item = {{"id", id},
                 {"dir", fs::absolute(f.dir).lexically_normal().string()},  // readable from any cwd
                 {"input", r.contains("input") ? r["input"].value("path", "") : ""},
                 {"complete", true},
                 {"frames", r.value("frames", int64_t{0})},
                 {"seconds", r.value("seconds", 0.0)},
                 {"fps", r.value("fps", 0.0)},
                 {"gear_usage", r.value("gear_usage", json::object())},
                 {"gear_switches", r.value("gear_switches", int64_t{0})},
                 {"model_hash", r.contains("model") ? r["model"].value("hash", "") : ""},
                 {"gears_hash", r.contains("gears") && r["gears"].is_object() ? r["gears"].value("hash", "") : ""},
                 {"miou", nullptr},
                 {"mean_frame_miou", nullptr},
                 {"pixel_acc", nullptr}};
    frames += item["frames"].get<int64_t>();
    seconds += item["seconds"].get<double>();
    switches += item["gear_switches"].get<int64_t>();
    for (const auto& [gear, count] : item["gear_usage"].items())
      usage[gear] = usage.value(gear, int64_t{0}) + count.get<int64_t>();
    if (r.contains("metrics") && r["metrics"].is_object()) {
      const json& m = r["metrics"];
      const auto names = json_get<std::vector<std::string>>(r.at("model"), "classes", report_path);
      if (!any_metrics) {
        classes = names;
        classes_from = report_path;
        total = ConfusionMatrix(static_cast<int>(classes.size()));
        any_metrics = true;
      } else if (names != classes) {
        fail(report_path, "its classes differ from those of " + classes_from + "; cannot merge");
      }
      const ConfusionMatrix cm = ConfusionMatrix::from_json(m.at("confusion_matrix"), report_path);
      if (cm.num_classes() != total.num_classes()) fail(report_path, "confusion matrix size differs from its classes");
      total.add(cm);
      item["miou"] = m.value("miou", json(nullptr));
      item["mean_frame_miou"] = m.value("mean_frame_miou", json(nullptr));
      item["pixel_acc"] = m.value("pixel_acc", json(nullptr));
      if (item["miou"].is_number()) {
        item_miou_sum += item["miou"].get<double>();
        ++item_miou_count;
      }
      if (item["mean_frame_miou"].is_number()) {
        frame_miou_weighted += item["mean_frame_miou"].get<double>() * item["frames"].get<int64_t>();
        metric_frames += item["frames"].get<int64_t>();
      }
    }
    items.push_back(item);
  }
  for (const auto& [id, f] : failure_records) failures.push_back(f);

  json out;
  out["tool"] = "gearnn";
  out["kind"] = "merge";
  out["version"] = GEARNN_VERSION;
  out["sources"] = paths;
  out["classes"] = classes;
  out["items"] = items;
  out["failures"] = failures;
  out["frames"] = frames;
  out["seconds"] = seconds;
  out["gear_usage"] = usage;
  out["gear_switches"] = switches;
  if (any_metrics) {
    json m = metrics_json(total, classes);
    m["mean_item_miou"] = item_miou_count ? json(item_miou_sum / item_miou_count) : json(nullptr);
    m["mean_frame_miou"] = metric_frames ? json(frame_miou_weighted / metric_frames) : json(nullptr);
    out["metrics"] = m;
  } else {
    out["metrics"] = nullptr;
  }
  return out;
}

}  // namespace gearnn
