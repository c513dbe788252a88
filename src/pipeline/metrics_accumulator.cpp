#include "metrics_accumulator.h"

#include "gearnn/io/label_io.h"

namespace gearnn {

ConfusionMatrix score_against_label(const std::string& gt_dir, int64_t index, const cv::Mat& ids,
                                    const ModelCard& card) {
  const std::string label_path = frame_png_path(gt_dir, index);
  const cv::Mat truth = read_label_png(label_path);
  ConfusionMatrix cm(card.num_classes());
  cm.add(ids, truth, card.ignore_index, label_path);
  return cm;
}

MetricsAccumulator::MetricsAccumulator(const ModelCard& card) : card_(card), total_(card.num_classes()) {}

void MetricsAccumulator::write(const FrameResult& result) {
  total_.add(*result.confusion);
  if (const auto miou = result.confusion->miou()) frame_miou_sum_ += *miou, ++frame_miou_count_;
  ++frames_;
}

json MetricsAccumulator::report_block() const {
  if (frames_ == 0) return nullptr;
  json m = metrics_json(total_, card_.classes);
  m["mean_frame_miou"] = frame_miou_count_ ? json(frame_miou_sum_ / frame_miou_count_) : json(nullptr);
  return m;
}

}  // namespace gearnn
