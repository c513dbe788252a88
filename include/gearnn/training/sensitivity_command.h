#pragma once
// `gearnn sensitivity`: scores how much each tensor of a model needs to change
// for each ladder level (format in docs/gears.md).
#include <cstdint>
#include <string>

#include "gearnn/common/json_io.h"
#include "gearnn/training/targets.h"

namespace gearnn {

struct SensitivityJob {
  std::string model_dir, dataset, ladder, out, cache_dir = ".gearnn-cache";
  std::string method = "change";  // change | fisher
  TargetOptions targets;          // teacher: unlabelled clips, the model itself by default
  int epochs = 2, stride = 2, max_frames_per_clip = -1, threads = 0;
  uint64_t seed = 1;
  bool progress = true;
};
// Writes `out` (JSON) and `out` with .txt (a readable table); returns the JSON.
json run_sensitivity(const SensitivityJob& job);

}  // namespace gearnn
