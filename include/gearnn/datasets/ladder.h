#pragma once
// Distortion ladders (configs/ladders/*.json): the levels a gear set covers,
// each rendered through the same code as `gearnn distort` and cached on disk.
#include <string>
#include <vector>

#include "gearnn/common/json_io.h"
#include "gearnn/datasets/dataset.h"

namespace gearnn {

struct LadderLevel {
  std::string name;
  json settings;  // DistortSettings keys, e.g. {"qp": 38} or {"brightness": 0.4, "qp": 23}
};

struct Ladder {
  std::string name;
  std::string feature;  // frame feature the gears are switched by ("qp", "luma", ...)
  std::vector<LadderLevel> levels;
};

// {"name": "qp", "feature": "qp", "levels": [{"name": "qp20", "qp": 20}, ...]}
Ladder load_ladder(const std::string& path);

// Path of `clip` rendered at `level`, encoding it on first use under cache_dir.
std::string render_level(const ClipRef& clip, const LadderLevel& level, const std::string& cache_dir);

}  // namespace gearnn
