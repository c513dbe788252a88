#pragma once
// What a frame is trained towards. "labels": the clip's own label maps.
// "teacher": the teacher model's prediction on the pristine frame (the clip as
// given), so gears and baselines can be built for any model on unlabelled
// footage: a distorted rendering of frame t learns to give what the teacher
// gives on frame t undistorted. A larger teacher than the student is allowed.
#include <string>

#include "gearnn/common/json_io.h"

namespace gearnn {

struct TargetOptions {
  std::string kind = "labels";  // labels | teacher
  std::string teacher_dir;      // teacher model directory; empty = the model being fitted
  json to_json() const;
  // What a validation score against these targets is: mIoU against labels,
  // agreement with the teacher (never called mIoU).
  std::string score_name() const { return kind == "teacher" ? "agreement" : "mIoU"; }
};

}  // namespace gearnn
