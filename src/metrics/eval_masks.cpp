#include "gearnn/metrics/eval_masks.h"

#include <algorithm>
#include <filesystem>

#include "gearnn/common/errors.h"
#include "gearnn/io/label_io.h"
#include "gearnn/metrics/confusion_matrix.h"

namespace fs = std::filesystem;

namespace gearnn {

namespace {

// A predicted id that is no class, where the label counts, is the prediction's
// fault: named with the prediction's file (the confusion matrix would name the label's).
void check_predicted_ids(const cv::Mat& pred, const cv::Mat& truth, const EvalOptions& o, const std::string& path) {
  for (int r = 0; r < pred.rows; ++r) {
    const uint8_t* p = pred.ptr<uint8_t>(r);
    const uint8_t* t = truth.ptr<uint8_t>(r);
    for (int c = 0; c < pred.cols; ++c)
      if (p[c] >= o.num_classes && t[c] != o.ignore_index)
        fail(path, "class id " + std::to_string(p[c]) + " is not one of the " + std::to_string(o.num_classes) +
                       " classes");
  }
}

}  // namespace

json evaluate_dirs(const EvalOptions& o) {
  if (o.num_classes < 1 || o.num_classes > 255) fail("--classes", "must be 1..255");
  if (o.ignore_index < o.num_classes || o.ignore_index > 255)
    fail("--ignore", "must be above the class ids (0.." + std::to_string(o.num_classes - 1) + ") and at most 255");
  if (o.class_names.size() > static_cast<size_t>(o.num_classes))
    fail("--names", std::to_string(o.class_names.size()) + " names for " + std::to_string(o.num_classes) + " classes");
  for (const auto* dir : {&o.pred_dir, &o.gt_dir})
    if (!fs::is_directory(*dir)) fail(*dir, "directory not found");
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(o.gt_dir))
    if (e.is_regular_file() && e.path().extension() == ".png") names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  if (names.empty()) fail(o.gt_dir, "no .png labels found");
  std::vector<std::string> class_names = o.class_names;
  for (int c = static_cast<int>(class_names.size()); c < o.num_classes; ++c) class_names.push_back(std::to_string(c));
  ConfusionMatrix total(o.num_classes);
  double frame_sum = 0;
  int64_t frame_count = 0;
  for (const auto& name : names) {
    const std::string gt_path = o.gt_dir + "/" + name, pred_path = o.pred_dir + "/" + name;
    const cv::Mat truth = read_label_png(gt_path);
    const cv::Mat pred = read_label_png(pred_path);
    if (pred.size() != truth.size()) fail(pred_path, "size differs from " + gt_path);
    check_predicted_ids(pred, truth, o, pred_path);
    ConfusionMatrix cm(o.num_classes);
    cm.add(pred, truth, o.ignore_index, gt_path);
    total.add(cm);
    if (auto m = cm.miou()) frame_sum += *m, ++frame_count;
  }
  json out = metrics_json(total, class_names);
  out["mean_frame_miou"] = frame_count ? json(frame_sum / frame_count) : json(nullptr);
  out["frames"] = names.size();
  return out;
}

}  // namespace gearnn
