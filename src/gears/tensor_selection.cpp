#include "gearnn/gears/tensor_selection.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <set>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "gearnn/common/errors.h"
#include "gearnn/gears/knapsack.h"

namespace gearnn {

int64_t parse_budget(const std::string& text, int64_t model_bytes) {
  try {
    size_t used = 0;
    if (!text.empty() && text.back() == '%') {
      const double pct = std::stod(text.substr(0, text.size() - 1), &used);
      if (used != text.size() - 1 || pct < 0 || pct > 100) throw std::invalid_argument("");
      return static_cast<int64_t>(model_bytes * pct / 100.0);
    }
    const long long bytes = std::stoll(text, &used);
    if (used != text.size() || bytes < 0) throw std::invalid_argument("");
    return bytes;
  } catch (const std::exception&) {
    fail("--budget", "expected a percentage like 0.2% or a byte count, not \"" + text + "\"");
  }
}

namespace {

// The knapsack's items: every scored tensor and its size.
struct Candidates {
  std::vector<std::string> names;
  std::vector<int64_t> costs;
};

Candidates read_candidates(const json& scores, const std::string& src) {
  Candidates c;
  std::set<std::string> seen;
  for (size_t i = 0; i < scores["tensors"].size(); ++i) {
    const std::string at = "/tensors/" + std::to_string(i);
    const json& t = scores["tensors"][i];
    if (!t.is_object() || !t.contains("name") || !t["name"].is_string() || t["name"].get<std::string>().empty())
      fail(src, at + ": must be {\"name\": ..., \"bytes\": ...} with a non-empty name");
    c.names.push_back(t["name"].get<std::string>());
    if (!seen.insert(c.names.back()).second) fail(src, at + ": tensor " + c.names.back() + " is listed twice");
    c.costs.push_back(json_int(scores, at + "/bytes", 1, INT64_MAX / 2, src));
  }
  return c;
}

// A level's name and its scores, in the order of the candidates.
struct LevelScores {
  std::string name;
  std::vector<double> values;
};

std::vector<LevelScores> read_level_scores(const json& scores, const Candidates& c, const std::string& src) {
  std::vector<LevelScores> out;
  std::set<std::string> seen;
  for (size_t i = 0; i < scores["levels"].size(); ++i) {
    const std::string at = "/levels/" + std::to_string(i);
    const json& level = scores["levels"][i];
    LevelScores l;
    if (!level.is_object() || !level.contains("name") || !level["name"].is_string() ||
        level["name"].get<std::string>().empty())
      fail(src, at + "/name: each level needs a non-empty name");
    l.name = level["name"].get<std::string>();
    if (!seen.insert(l.name).second) fail(src, at + "/name: level " + l.name + " is listed twice");
    if (!level.contains("scores") || !level["scores"].is_object()) fail(src, at + "/scores: must be an object");
    for (const auto& n : c.names) {
      const std::string pointer = (json::json_pointer(at + "/scores") / n).to_string();
      if (!level["scores"].contains(n))
        fail(src, pointer + ": missing (level " + l.name + " lacks a score for " + n + ")");
      l.values.push_back(
          json_number(scores, pointer, -std::numeric_limits<double>::max(), std::numeric_limits<double>::max(), src));
    }
    out.push_back(std::move(l));
  }
  return out;
}

// One selection for every level: the scores summed over levels.
std::vector<double> summed_values(const std::vector<LevelScores>& levels, size_t count) {
  std::vector<double> sum(count, 0.0);
  for (const auto& l : levels)
    for (size_t i = 0; i < l.values.size(); ++i) sum[i] += l.values[i];
  return sum;
}

// Byte counts of float tensors are multiples of 4: solving in 4-byte units is exact.
int64_t granularity(const Candidates& c) {
  return std::all_of(c.costs.begin(), c.costs.end(), [](int64_t cost) { return cost % 4 == 0; }) ? 4 : 1;
}

// The budget the knapsack needs: a budget above every tensor together picks the
// same, and one the exact search cannot hold is refused before anything runs.
int64_t usable_budget(const Candidates& c, int64_t budget) {
  int64_t all = 0;
  for (int64_t cost : c.costs) all = std::min(all + cost, INT64_MAX / 2);  // costs are at most INT64_MAX / 2
  budget = std::min(budget, all);
  const int64_t most = max_knapsack_units * granularity(c);
  if (budget > most)
    fail("--budget", std::to_string(budget) + " bytes is more than the exact search handles over these tensors (" +
                         std::to_string(most) + " bytes at most)");
  return budget;
}

// The best units under the budget, as chosen tensors (indices ascending).
KnapsackResult best_tensors(const Candidates& c, const std::vector<std::vector<size_t>>& units,
                            const std::vector<double>& values, int64_t budget) {
  std::vector<KnapsackItem> items;
  for (const auto& u : units) {
    KnapsackItem item{0, 0.0};
    for (size_t i : u) item.cost += c.costs[i], item.value += values[i];
    items.push_back(item);
  }
  const KnapsackResult by_unit = solve_knapsack(items, budget, granularity(c));
  KnapsackResult r;
  r.cost = by_unit.cost;
  r.value = by_unit.value;
  for (size_t k : by_unit.chosen) r.chosen.insert(r.chosen.end(), units[k].begin(), units[k].end());
  std::sort(r.chosen.begin(), r.chosen.end());
  return r;
}

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

json level_selection(const std::string& name, const KnapsackResult& r, const Candidates& c, int64_t model_bytes) {
  json chosen = json::array();
  for (size_t i : r.chosen) chosen.push_back(c.names[i]);
  return {{"name", name},
          {"tensors", chosen},
          {"bytes", r.cost},
          {"share", model_bytes ? static_cast<double>(r.cost) / model_bytes : 0.0},
          {"value", r.value}};
}

}  // namespace

std::vector<std::vector<size_t>> selection_units(const std::vector<std::string>& names, const std::string& units) {
  if (units != "tensors" && units != "stats" && units != "layers") fail("--units", "must be tensors, stats or layers");
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < names.size(); ++i) index[names[i]] = i;
  // A BatchNorm layer: the prefix P of P.running_mean and P.running_var, both present.
  auto layer_of = [&](const std::string& n) -> std::string {
    for (const std::string tail : {".running_mean", ".running_var", ".weight", ".bias"}) {
      if (!ends_with(n, tail)) continue;
      const std::string p = n.substr(0, n.size() - tail.size());
      if (index.count(p + ".running_mean") && index.count(p + ".running_var")) {
        const bool stat = tail == ".running_mean" || tail == ".running_var";
        if (stat ? units != "tensors" : units == "layers") return p;
      }
    }
    return "";
  };
  std::vector<std::vector<size_t>> out;
  std::map<std::string, size_t> unit_of_layer;
  for (size_t i = 0; i < names.size(); ++i) {
    const std::string layer = layer_of(names[i]);
    if (layer.empty()) {
      out.push_back({i});
    } else if (auto it = unit_of_layer.find(layer); it != unit_of_layer.end()) {
      out[it->second].push_back(i);
    } else {
      unit_of_layer[layer] = out.size();
      out.push_back({i});
    }
  }
  return out;
}

json run_select(const SelectJob& job) {
  const std::string& src = job.scores;
  const json scores = read_json_file(src);
  if (!scores.is_object() || !scores.contains("tensors") || !scores["tensors"].is_array() ||
      !scores.contains("levels") || !scores["levels"].is_array() || scores["levels"].empty())
    fail(src, "expected tensors and levels arrays (scores from `gearnn sensitivity`)");
  if (job.mode != "per-level" && job.mode != "shared") fail("--mode", "must be per-level or shared");
  // Everything is read and checked before the knapsack runs and anything is written.
  const int64_t model_bytes = json_int(scores, "/model_bytes", 1, INT64_MAX / 2, src);
  const Candidates candidates = read_candidates(scores, src);
  const auto level_scores = read_level_scores(scores, candidates, src);
  const int64_t budget = parse_budget(job.budget, model_bytes);
  const int64_t search_budget = usable_budget(candidates, budget);
  const auto shared = summed_values(level_scores, candidates.names.size());
  const auto units = selection_units(candidates.names, job.units);

  json out = {{"scores", job.scores},   {"model", scores.value("model", json::object())},
              {"budget", job.budget},   {"budget_bytes", budget},
              {"model_bytes", model_bytes}, {"mode", job.mode}, {"units", job.units},
              {"levels", json::array()}};
  for (const auto& level : level_scores) {
    const auto chosen =
        best_tensors(candidates, units, job.mode == "shared" ? shared : level.values, search_budget);
    out["levels"].push_back(level_selection(level.name, chosen, candidates, model_bytes));
  }
  if (!job.out.empty()) write_json_file(job.out, out);
  return out;
}

std::string selection_table(const json& sel) {
  std::ostringstream t;
  char buf[512];
  std::snprintf(
      buf, sizeof buf, "budget %s = %lld bytes of %lld (%s selection)\n", sel.at("budget").get<std::string>().c_str(),
      static_cast<long long>(sel.at("budget_bytes").get<int64_t>()),
      static_cast<long long>(sel.at("model_bytes").get<int64_t>()), sel.at("mode").get<std::string>().c_str());
  t << buf;
  for (const auto& l : sel.at("levels")) {
    std::snprintf(buf, sizeof buf, "%-12s %6lld bytes  %.3f%% of the model  value %.4g  %zu tensors:",
                  l.at("name").get<std::string>().c_str(), static_cast<long long>(l.at("bytes").get<int64_t>()),
                  100 * l.at("share").get<double>(), l.at("value").get<double>(), l.at("tensors").size());
    t << buf;
    for (const auto& n : l.at("tensors")) t << " " << n.get<std::string>();
    t << "\n";
  }
  return t.str();
}

GearSelection read_gear_selection(const std::string& given) {
  const std::string path = std::filesystem::is_directory(given) ? given + "/gears.json" : given;
  const json sel = read_json_file(path);
  return naming_json_errors(path, [&] {
    // A selection lists levels; a gear set's gears.json lists gears with the same fields.
    const json levels = sel.is_object() && sel.contains("gears") && !sel.contains("levels")
                            ? json_get<json>(sel, "gears", path)
                            : json_get<json>(sel, "levels", path);
    if (!levels.is_array()) fail(path, "expected a levels array (a selection from `gearnn select`)");
    GearSelection selected;
    for (const auto& l : levels)
      selected[json_get<std::string>(l, "name", path)] = json_get<std::vector<std::string>>(l, "tensors", path);
    return selected;
  });
}

std::vector<std::string> level_selection(const GearSelection& selection, const std::string& level,
                                         const std::set<std::string>& model_tensors, const std::string& source,
                                         const std::string& model) {
  const auto it = selection.find(level);
  if (it == selection.end()) fail(source, "no selection for level " + level);
  for (const auto& t : it->second)
    if (!model_tensors.count(t))
      fail(source, "level " + level + " selects tensor " + t + ", which model " + model + " does not have");
  return it->second;
}

}  // namespace gearnn
