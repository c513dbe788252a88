#pragma once
// From the network's logits to the class-id mask written for each frame.
#include <opencv2/core.hpp>

namespace gearnn {

// Class ids from logits {classes, h, w}: each class's logits resized
// bilinearly to `frame_size` (half-pixel centres, like torch's
// align_corners=false and OpenCV's INTER_LINEAR), then argmax (the lowest id
// wins a tie). Fused: each output row interpolates all classes of two
// horizontally resized source rows and keeps the best, without a full-size
// plane per class.
cv::Mat logits_to_ids(const cv::Mat& logits, cv::Size frame_size);

// The plain reference: cv::resize of every class plane to full size, then a
// running argmax. Same ids up to float rounding (ties within ~1e-6).
cv::Mat logits_to_ids_reference(const cv::Mat& logits, cv::Size frame_size);

// Mean over the logits' pixels of the softmax entropy (natural log): 0 for a
// certain prediction, log(classes) for a uniform one. At the logits'
// resolution, so it costs a fraction of the argmax at frame size.
double mean_entropy(const cv::Mat& logits);

}  // namespace gearnn
