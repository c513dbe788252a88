#include "gearnn/metrics/merge_reports.h"

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <set>

#include "gearnn/metrics/agreement.h"
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

// `total` + `count`, both counts a report holds (>= 0, at most INT64_MAX each):
// hand-edited reports could still pass INT64_MAX together.
int64_t add_count(int64_t total, int64_t count, const std::string& report_path, const std::string& pointer) {
  int64_t sum = 0;
  if (__builtin_add_overflow(total, count, &sum))
    fail(report_path, pointer + ": the total over the merged reports is too large");
  return sum;
}

// One kind of score block (`metrics` against labels, `agreement` against a
// reference) summed over items: the matrices add up, and the items' own
// figures are averaged beside them.
struct ScoreSum {
  const char* score;        // the block's summed figure: "miou" or "agreement"
  const char* frame_score;  // its mean over frames: "mean_frame_miou" or "mean_frame_agreement"
  ConfusionMatrix total = ConfusionMatrix(0);
  bool any = false;
  double item_sum = 0, frame_weighted = 0;
  int item_count = 0;
  int64_t frames = 0;

  void add(const json& block, size_t n_classes, int64_t item_frames, const std::string& report_path) {
    // The report's matrix (at most 256 classes) is checked before the total is made
    // from the class list, whose length nothing else bounds.
    const ConfusionMatrix cm = ConfusionMatrix::from_json(json_get<json>(block, "confusion_matrix", report_path), report_path);
    if (static_cast<size_t>(cm.num_classes()) != n_classes)
      fail(report_path, "confusion matrix size differs from its classes");
    if (!any) total = ConfusionMatrix(static_cast<int>(n_classes)), any = true;
    total.add(cm);
    if (block.contains(score) && block[score].is_number()) item_sum += block[score].get<double>(), ++item_count;
    if (block.contains(frame_score) && block[frame_score].is_number()) {
      frame_weighted += block[frame_score].get<double>() * item_frames;
      frames = add_count(frames, item_frames, report_path, "/frames");
    }
  }
  // The two means, labelled, to put beside the summed matrix's figures.
  void add_means(json& out, const char* item_key) const {
    out[item_key] = item_count ? json(item_sum / item_count) : json(nullptr);
    out[frame_score] = frames ? json(frame_weighted / frames) : json(nullptr);
  }
};

bool has_block(const json& report, const char* key) { return report.contains(key) && report[key].is_object(); }

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
  // Score blocks: `metrics` against labels, `agreement` against a reference.
  for (const char* block : {"metrics", "agreement"}) {
    const std::string at = std::string("/") + block;
    check(block, r.value(block, json()).is_null() || r[block].is_object(), "null or an object");
    if (!r.contains(block) || !r[block].is_object()) continue;
    if (!r[block].contains("confusion_matrix")) fail(path, at + "/confusion_matrix: missing");
    for (const char* key : {"miou", "mean_frame_miou", "pixel_acc", "agreement", "mean_frame_agreement"}) {
      const json v = r[block].value(key, json());
      if (!v.is_null() && !v.is_number()) fail(path, at + "/" + key + ": must be a number or null");
    }
  }
}

}  // namespace

json merge_reports(const std::vector<std::string>& paths) {
  if (paths.empty()) fail("merge", "no directories given");
  std::map<std::string, Found> found;
  std::map<std::string, json> failure_records;
  for (const auto& p : paths) scan(p, found, failure_records);

  // Classes of the first report with scores; every other scored report must match.
  std::vector<std::string> classes;
  std::string classes_from;
  auto check_classes = [&](const json& r, const std::string& report_path) {
    const auto names = json_get<std::vector<std::string>>(json_get<json>(r, "model", report_path), "classes", report_path);
    if (classes_from.empty()) {
      classes = names;
      classes_from = report_path;
    } else if (names != classes) {
      fail(report_path, "its classes differ from those of " + classes_from + "; cannot merge");
    }
  };
  ScoreSum metrics{"miou", "mean_frame_miou"}, agreement{"agreement", "mean_frame_agreement"};
  std::set<std::string> references;
  json items = json::array(), failures = json::array(), usage = json::object();
  int64_t frames = 0, switches = 0;
  double seconds = 0;

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
                 {"pixel_acc", nullptr},
                 {"agreement", nullptr},
                 {"mean_frame_agreement", nullptr},
                 {"agreement_pixel", nullptr},
                 {"reference", nullptr}};
    frames = add_count(frames, item["frames"].get<int64_t>(), report_path, "/frames");
    seconds += item["seconds"].get<double>();
    switches = add_count(switches, item["gear_switches"].get<int64_t>(), report_path, "/gear_switches");
    for (const auto& [gear, count] : item["gear_usage"].items())
      usage[gear] = add_count(usage.value(gear, int64_t{0}), count.get<int64_t>(), report_path,
                              (json::json_pointer("/gear_usage") / gear).to_string());
    const int64_t item_frames = item["frames"].get<int64_t>();
    if (has_block(r, "metrics")) {
      const json& m = r["metrics"];
      check_classes(r, report_path);
      metrics.add(m, classes.size(), item_frames, report_path);
      for (const char* key : {"miou", "mean_frame_miou", "pixel_acc"}) item[key] = m.value(key, json(nullptr));
    }
    if (has_block(r, "agreement")) {
      const json& a = r["agreement"];
      check_classes(r, report_path);
      agreement.add(a, classes.size(), item_frames, report_path);
      for (const char* key : {"agreement", "mean_frame_agreement", "agreement_pixel", "reference"})
        item[key] = a.value(key, json(nullptr));
      if (item["reference"].is_string()) references.insert(item["reference"].get<std::string>());
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
  out["metrics"] = nullptr;
  if (metrics.any) {
    out["metrics"] = metrics_json(metrics.total, classes);
    metrics.add_means(out["metrics"], "mean_item_miou");
  }
  // Agreement is scored against each item's own reference; only the names say so.
  out["agreement"] = nullptr;
  if (agreement.any) {
    out["agreement"] = agreement_json(agreement.total, classes);
    agreement.add_means(out["agreement"], "mean_item_agreement");
    out["agreement"]["references"] = references;
  }
  return out;
}

}  // namespace gearnn
