#pragma once
// Agreement: the scores of a run's masks against a reference run's masks
// (usually the same model on the pristine input) instead of ground truth.
// Computed from a confusion matrix exactly as mIoU is, but it measures how
// much a distortion changes the model's answer, not how right the answer is,
// so it is always named "agreement" and never mIoU.
#include <string>
#include <vector>

#include "gearnn/common/json_io.h"
#include "gearnn/metrics/confusion_matrix.h"

namespace gearnn {

// The per-frame fields of frames.jsonl, also the scores of the report block:
// `agreement` (mean over classes of IoU against the reference, classes in
// either mask), `agreement_pixel` (share of equal pixels) and
// `agreement_iou` (class name -> IoU or null). Rows of `cm` are the reference.
json agreement_scores(const ConfusionMatrix& cm, const std::vector<std::string>& class_names);

// agreement_scores plus the `confusion_matrix` (rows = reference, columns = this run).
json agreement_json(const ConfusionMatrix& cm, const std::vector<std::string>& class_names);

}  // namespace gearnn
