#pragma once
// From the network's logits to the class-id mask written for each frame.
#include <opencv2/core.hpp>

namespace gearnn {

// Class ids from logits {classes, h, w}: each class's logits resized
// bilinearly to `frame_size` (half-pixel centres, like torch's
// align_corners=false), then argmax. Done with OpenCV, several times faster
// here than torch's upsample kernel at video frame sizes.
cv::Mat logits_to_ids(const cv::Mat& logits, cv::Size frame_size);

}  // namespace gearnn
