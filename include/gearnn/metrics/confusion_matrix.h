#pragma once
// Segmentation metrics from a confusion matrix, as in the Cityscapes and
// MMSegmentation evaluators: IoU = TP / (TP + FP + FN) per class, ignore-label
// pixels count nowhere, mIoU is the mean over classes with TP + FP + FN > 0.
#include <opencv2/core.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gearnn/common/json_io.h"

namespace gearnn {

class ConfusionMatrix {
 public:
  explicit ConfusionMatrix(int num_classes = 0);

  int num_classes() const { return n_; }
  // Adds one frame. `truth` values must be < num_classes or == ignore_index;
  // another value throws Error naming `source` (the label file).
  void add(const cv::Mat& pred, const cv::Mat& truth, int ignore_index, const std::string& source = "labels");
  void add(const ConfusionMatrix& other);

  uint64_t at(int truth, int pred) const { return m_[static_cast<size_t>(truth) * n_ + pred]; }
  uint64_t& at(int truth, int pred) { return m_[static_cast<size_t>(truth) * n_ + pred]; }
  uint64_t total() const;

  std::vector<std::optional<double>> iou() const;  // nullopt for classes absent from both
  std::optional<double> miou() const;
  std::optional<double> pixel_accuracy() const;

  json to_json() const;  // rows = truth
  static ConfusionMatrix from_json(const json& rows, const std::string& source);

 private:
  int n_;
  std::vector<uint64_t> m_;
};

// The metric block written to reports: miou, per_class_iou, pixel_acc, confusion_matrix.
json metrics_json(const ConfusionMatrix& cm, const std::vector<std::string>& class_names);

}  // namespace gearnn
