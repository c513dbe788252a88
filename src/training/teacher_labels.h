#pragma once
// Teacher targets as label maps: `gearnn run` of the teacher on each clip's
// pristine frames writes class-id masks named by frame index, which then serve
// as the clip's labels everywhere labels are read (fitting, validation,
// sensitivity, training). Made once per clip and teacher under the cache directory.
// These masks serve validation (agreement with the teacher's argmax on the whole
// pristine frame) and sensitivity; training asks the teacher itself on each
// augmented view (targets.h says why).
#include <string>
#include <vector>

#include "gearnn/datasets/dataset.h"
#include "gearnn/training/targets.h"

namespace gearnn {

// `clips` with labels per `targets`: unchanged for "labels" (each clip must
// have labels; `dataset` names the file for the error), the teacher's masks
// for "teacher". `default_teacher` is used when targets names none.
std::vector<ClipRef> with_targets(std::vector<ClipRef> clips, const TargetOptions& targets,
                                  const std::string& default_teacher, const std::string& dataset,
                                  const std::string& cache_dir, int threads, bool progress);

}  // namespace gearnn
