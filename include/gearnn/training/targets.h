#pragma once
// What a frame is trained towards. "labels": the clip's own label maps.
// "teacher": the teacher model's prediction on the pristine frame (the clip as
// given), so gears and baselines can be built for any model on unlabelled
// footage: a distorted rendering of frame t learns to give what the teacher
// gives on frame t undistorted. A larger teacher than the student is allowed.
// The teacher's prediction is its argmax (hard targets), or with a temperature
// its class probabilities softened by it (distillation, training/distillation.h).
// Either way the teacher runs during training on the same augmented (cropped,
// zoomed, mirrored) pristine view the student sees distorted: its prediction is
// not equivariant to a zoom, so its cached full-frame mask cropped like a label
// would teach the student to undo the zoom, not the distortion. Measured on
// vtest.avi (docs/benchmarks.md): with cropped masks every QP gear lowered
// validation agreement, even at the identity level.
#include <string>

#include "gearnn/common/json_io.h"

namespace gearnn {

struct TargetOptions {
  std::string kind = "labels";  // labels | teacher
  std::string teacher_dir;      // teacher model directory; empty = the model being fitted
  double temperature = 0;       // teacher only: > 0 soft targets at this temperature; 0 hard (argmax)
  bool soft() const { return temperature > 0; }
  // The teacher predicts during training (on the pristine view of each sample).
  bool live() const { return kind == "teacher"; }
  // Throws an Error naming the option (--targets, --teacher, --temperature) that does not fit.
  void check() const;
  // As recorded in outputs and fingerprints: the temperature only when set.
  json to_json() const;
  // What a validation score against these targets is: mIoU against labels,
  // agreement with the teacher (never called mIoU).
  std::string score_name() const { return kind == "teacher" ? "agreement" : "mIoU"; }
};

}  // namespace gearnn
