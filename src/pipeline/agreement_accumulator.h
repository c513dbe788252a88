#pragma once
// Scores against the reference masks (--reference): the run's totals for the
// "agreement" block of report.json. Kept apart from MetricsAccumulator so
// agreement is never reported under the names of accuracy against labels.
#include <string>

#include "frame_sink.h"
#include "gearnn/common/json_io.h"
#include "gearnn/io/model_card.h"

namespace gearnn {

class AgreementAccumulator : public FrameSink {
 public:
  // `reference` as given on the command line, `mask_dir` the masks read (both recorded).
  AgreementAccumulator(const ModelCard& card, std::string reference, std::string mask_dir);
  void write(const FrameResult& result) override;  // needs result.agreement
  void finish(bool) override {}

  // The "agreement" block of report.json over every frame written: the scores
  // of the summed confusion matrix, the mean of per-frame agreements and the
  // reference; null before the first frame.
  json report_block() const;

 private:
  const ModelCard& card_;
  std::string reference_, mask_dir_;
  ConfusionMatrix total_;
  double frame_sum_ = 0;
  int64_t frame_count_ = 0, frames_ = 0;
};

}  // namespace gearnn
