#pragma once
// --reference: another run's masks used as pseudo ground truth. Real footage
// has no labels; the model's own masks on the pristine input stand in for
// them, and the scores are named agreement (gearnn/metrics/agreement.h).
#include <opencv2/core.hpp>
#include <string>

#include "gearnn/io/model_card.h"
#include "gearnn/metrics/confusion_matrix.h"

namespace gearnn {

// The directory of masks that --reference DIR names: DIR/masks when DIR is a
// run's output directory, else DIR itself. Throws Error naming DIR when it
// does not exist, or is a run directory that saved no masks.
std::string reference_mask_dir(const std::string& reference);

// Frame `index`'s reference mask, checked before any use: it exists, is at the
// run's output `size` (never resized) and holds only class ids of `card` or its
// ignore_index. Throws Error naming the mask file otherwise.
cv::Mat read_reference_mask(const std::string& mask_dir, int64_t index, cv::Size size, const ModelCard& card);

// Confusion of one frame's class ids (columns) against its reference mask
// (rows). Reference pixels equal to ignore_index count nowhere, as in labels:
// gearnn run never writes that id, so it only appears where someone masked
// out a region (a burnt-in timestamp, the car's bonnet) on purpose.
ConfusionMatrix score_against_reference(const std::string& mask_dir, int64_t index, const cv::Mat& ids,
                                        const ModelCard& card);

}  // namespace gearnn
