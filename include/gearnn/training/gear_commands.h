#pragma once
// The gear-building commands as jobs: `gearnn sensitivity`, `gearnn select`,
// `gearnn fit-gears`. Files are JSON (formats in docs/gears.md).
#include <string>

#include "gearnn/common/json_io.h"

namespace gearnn {

struct SensitivityJob {
  std::string model_dir, dataset, ladder, out, cache_dir = ".gearnn-cache";
  std::string method = "change";  // change | fisher
  int epochs = 2, stride = 2, max_frames_per_clip = -1, threads = 0;
  uint64_t seed = 1;
  bool progress = true;
};
// Writes `out` (JSON) and `out` with .txt (a readable table); returns the JSON.
json run_sensitivity(const SensitivityJob& job);

// "0.2%" of the model's tensor bytes, or a byte count ("2048").
int64_t parse_budget(const std::string& text, int64_t model_bytes);

struct SelectJob {
  std::string scores, out, budget = "0.2%";
  std::string mode = "per-level";  // per-level: one knapsack per level; shared: one selection for all levels
};
json run_select(const SelectJob& job);
// The selection as a readable table.
std::string selection_table(const json& selection);

struct FitGearsJob {
  std::string model_dir, dataset, val_dataset, ladder, out_dir, cache_dir = ".gearnn-cache";
  std::string selection;       // from `gearnn select` (kind "gears")
  std::string kind = "gears";  // gears | bn (re-estimated BatchNorm statistics only) | full (every tensor: one model per level)
  int epochs = 8, batch = 8, stride = 2, max_frames_per_clip = -1, threads = 0;
  double lr = 1e-3;
  uint64_t seed = 1;
  bool progress = true;
};
json run_fit_gears(const FitGearsJob& job);

}  // namespace gearnn
