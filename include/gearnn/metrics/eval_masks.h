#pragma once
// `gearnn eval`: metrics between two directories of label PNGs.
#include <string>
#include <vector>

#include "gearnn/common/json_io.h"

namespace gearnn {

struct EvalOptions {
  std::string pred_dir, gt_dir;
  int num_classes = 0;
  int ignore_index = 255;
  std::vector<std::string> class_names;  // optional, for readable output
};

// Every *.png in gt_dir must have a prediction of the same name and size.
json evaluate_dirs(const EvalOptions& options);

}  // namespace gearnn
