#pragma once
// Scores against ground-truth labels: each frame against its own label file,
// and the run's totals for report.json.
#include <string>

#include "frame_sink.h"
#include "gearnn/common/json_io.h"
#include "gearnn/io/model_card.h"

namespace gearnn {

// Confusion of one frame's class ids against GT_DIR/%06d.png. Throws Error naming
// the label file when it is missing, unreadable or of another size.
ConfusionMatrix score_against_label(const std::string& gt_dir, int64_t index, const cv::Mat& ids,
                                    const ModelCard& card);

class MetricsAccumulator : public FrameSink {
 public:
  explicit MetricsAccumulator(const ModelCard& card);
  void write(const FrameResult& result) override;  // needs result.confusion
  void finish(bool) override {}

  // The "metrics" block of report.json over every frame written, plus the mean of
  // per-frame mIoU; null before the first frame.
  json report_block() const;

 private:
  const ModelCard& card_;
  ConfusionMatrix total_;
  double frame_miou_sum_ = 0;
  int64_t frame_miou_count_ = 0, frames_ = 0;
};

}  // namespace gearnn
