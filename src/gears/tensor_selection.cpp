#include "gearnn/gears/tensor_selection.h"

#include <algorithm>
#include <cstdio>
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

Candidates read_candidates(const json& tensors, const std::string& src) {
  Candidates c;
  for (const auto& t : tensors) {
    c.names.push_back(json_get<std::string>(t, "name", src));
    c.costs.push_back(json_get<int64_t>(t, "bytes", src));
  }
  return c;
}

// A level's name and its scores, in the order of the candidates.
struct LevelScores {
  std::string name;
  std::vector<double> values;
};

std::vector<LevelScores> read_level_scores(const json& levels, const Candidates& c, const std::string& src) {
  std::vector<LevelScores> out;
  for (const auto& level : levels) {
    LevelScores l;
    const json& s = json_get<json>(level, "scores", src);
    for (const auto& n : c.names) {
      if (!s.contains(n) || !s[n].is_number()) fail(src, "level lacks a score for " + n);
      l.values.push_back(s[n].get<double>());
    }
    l.name = json_get<std::string>(level, "name", src);
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

KnapsackResult best_tensors(const Candidates& c, const std::vector<double>& values, int64_t budget) {
  std::vector<KnapsackItem> items;
  for (size_t i = 0; i < c.names.size(); ++i) items.push_back({c.costs[i], values[i]});
  // Byte counts of float tensors are multiples of 4: solving in 4-byte units is exact.
  const bool by4 = std::all_of(c.costs.begin(), c.costs.end(), [](int64_t cost) { return cost % 4 == 0; });
  return solve_knapsack(items, budget, by4 ? 4 : 1);
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

json run_select(const SelectJob& job) {
  const std::string& src = job.scores;
  const json scores = read_json_file(src);
  const json tensors = json_get<json>(scores, "tensors", src);
  const json levels = json_get<json>(scores, "levels", src);
  if (!tensors.is_array() || !levels.is_array() || levels.empty()) fail(src, "expected tensors and levels arrays");
  const int64_t model_bytes = json_get<int64_t>(scores, "model_bytes", src);
  const int64_t budget = parse_budget(job.budget, model_bytes);
  if (job.mode != "per-level" && job.mode != "shared") fail("--mode", "must be per-level or shared");
  const Candidates candidates = read_candidates(tensors, src);
  const auto level_scores = read_level_scores(levels, candidates, src);
  const auto shared = summed_values(level_scores, candidates.names.size());

  json out = {{"scores", job.scores},   {"model", scores.value("model", json::object())},
              {"budget", job.budget},   {"budget_bytes", budget},
              {"model_bytes", model_bytes}, {"mode", job.mode},
              {"levels", json::array()}};
  for (const auto& level : level_scores) {
    const auto chosen = best_tensors(candidates, job.mode == "shared" ? shared : level.values, budget);
    out["levels"].push_back(level_selection(level.name, chosen, candidates, model_bytes));
  }
  if (!job.out.empty()) write_json_file(job.out, out);
  return out;
}

std::string selection_table(const json& sel) {
  std::ostringstream t;
  char buf[512];
  std::snprintf(buf, sizeof buf, "budget %s = %lld bytes of %lld (%s selection)\n",
                sel["budget"].get<std::string>().c_str(), static_cast<long long>(sel["budget_bytes"].get<int64_t>()),
                static_cast<long long>(sel["model_bytes"].get<int64_t>()), sel["mode"].get<std::string>().c_str());
  t << buf;
  for (const auto& l : sel["levels"]) {
    std::snprintf(buf, sizeof buf, "%-12s %6lld bytes  %.3f%% of the model  value %.4g  %zu tensors:",
                  l["name"].get<std::string>().c_str(), static_cast<long long>(l["bytes"].get<int64_t>()),
                  100 * l["share"].get<double>(), l["value"].get<double>(), l["tensors"].size());
    t << buf;
    for (const auto& n : l["tensors"]) t << " " << n.get<std::string>();
    t << "\n";
  }
  return t.str();
}

}  // namespace gearnn
