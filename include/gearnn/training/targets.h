#pragma once
// What a frame is trained towards. "labels": the clip's own label maps.
// "teacher": the teacher model's prediction on the pristine frame (the clip as
// given), so gears and baselines can be built for any model on unlabelled
// footage: a distorted rendering of frame t learns to give what the teacher
// gives on frame t undistorted. A larger teacher than the student is allowed.
// The teacher's prediction is its argmax (hard targets), or with a temperature
// its class probabilities softened by it (distillation, training/distillation.h).
#include <string>

#include "gearnn/common/json_io.h"

namespace gearnn {

struct TargetOptions {
  std::string kind = "labels";  // labels | teacher
  std::string teacher_dir;      // teacher model directory; empty = the model being fitted
  double temperature = 0;       // teacher only: > 0 soft targets at this temperature; 0 hard (argmax)
  bool soft() const { return temperature > 0; }
  // Throws an Error naming the option (--targets, --teacher, --temperature) that does not fit.
  void check() const;
  // As recorded in outputs and fingerprints: the temperature only when set.
  json to_json() const;
  // What a validation score against these targets is: mIoU against labels,
  // agreement with the teacher (never called mIoU).
  std::string score_name() const { return kind == "teacher" ? "agreement" : "mIoU"; }
};

}  // namespace gearnn
