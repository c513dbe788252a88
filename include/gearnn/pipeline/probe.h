#pragma once
// `gearnn probe`: measure a video's per-frame quality features, and which gear
// a gear set would pick, without loading a model. For checking gear rules on
// a camera's own footage before a long run.
#include <cstdint>
#include <string>

#include "gearnn/common/json_io.h"

namespace gearnn {

struct ProbeOptions {
  std::string input;
  std::string gears_dir;   // optional: report the gear each frame would get
  int hold = 1;            // as `gearnn run --hold`
  int64_t max_frames = -1;
  std::string out_jsonl;   // optional: one line per frame
};

// Returns a summary: frame count, min/median/max of every numeric feature,
// and gear usage when a gear set is given.
json run_probe(const ProbeOptions& o);

// The summary as a readable table.
std::string probe_table(const json& summary);

}  // namespace gearnn
