#pragma once
// `gearnn select`: picks each gear's tensors from sensitivity scores under a
// memory budget (exact knapsack). Reads and writes JSON (formats in docs/gears.md).
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "gearnn/common/json_io.h"

namespace gearnn {

// "0.2%" of the model's tensor bytes, or a byte count ("2048").
int64_t parse_budget(const std::string& text, int64_t model_bytes);

struct SelectJob {
  std::string scores, out, budget = "0.2%";
  std::string mode = "per-level";  // per-level: one knapsack per level; shared: one selection for all levels
  // What the knapsack chooses among: "tensors" (each tensor alone), "stats" (a
  // BatchNorm layer's running_mean and running_var together, other tensors
  // alone), "layers" (all of a BatchNorm layer's tensors together).
  std::string units = "stats";
};
// The knapsack's units over `names`: each a list of indices into names, in
// order of first member. Statistics (or whole BatchNorm layers) are grouped by
// their layer prefix; a statistic without its partner stays alone.
std::vector<std::vector<size_t>> selection_units(const std::vector<std::string>& names, const std::string& units);
json run_select(const SelectJob& job);
// The selection as a readable table.
std::string selection_table(const json& selection);

// The tensors each level's gear holds, by level name, from a selection file
// written by run_select (`fit-gears --selection`), or from a gear set (its
// directory or gears.json). Errors name the file.
using GearSelection = std::map<std::string, std::vector<std::string>>;
GearSelection read_gear_selection(const std::string& path);
// The tensors `level` selects, each checked to be one of `model_tensors`;
// errors name `source` (the selection) and `model` (the model directory).
std::vector<std::string> level_selection(const GearSelection& selection, const std::string& level,
                                         const std::set<std::string>& model_tensors, const std::string& source,
                                         const std::string& model);

}  // namespace gearnn
