#pragma once
// The interface every output of `gearnn run` implements: one writer per output
// (masks, frames.jsonl, metrics, agreement, overlay video), each fed the same frames.
#include <opencv2/core.hpp>
#include <string>

#include "gearnn/io/video_reader.h"
#include "gearnn/metrics/confusion_matrix.h"

namespace gearnn {

// One segmented frame as the writer thread hands it to the outputs.
struct FrameResult {
  const DecodedFrame& frame;
  const cv::Mat& ids;                // class ids (CV_8UC1) at frame size
  const std::string* gear;           // name of the gear used (with --blend the nearer one); null for the base weights
  double infer_ms;
  const ConfusionMatrix* confusion;  // against the frame's label; null without --gt
  const ConfusionMatrix* agreement;  // against the frame's reference mask; null without --reference
  // With --blend, between two gears: their names (null = base) and the weight of hi; t = 0 otherwise.
  const std::string* blend_lo = nullptr;
  const std::string* blend_hi = nullptr;
  double blend_t = 0;
  // With --check-neighbours (checking): the gear the features chose (null =
  // base) and, on a checked frame, the mean pixel entropy of the prediction
  // kept (< 0 on the frames between checks).
  bool checking = false;
  const std::string* feature_gear = nullptr;
  double entropy = -1;
};

class FrameSink {
 public:
  virtual ~FrameSink() = default;
  // Frames arrive in order, all from the writer thread. Throws Error naming the file on failure.
  virtual void write(const FrameResult& result) = 0;
  // Once, after the last frame; `complete` is false when the run stopped on an error,
  // and each output then keeps what it must (frames.jsonl) or drops what it cannot finish.
  virtual void finish(bool complete) = 0;
};

}  // namespace gearnn
