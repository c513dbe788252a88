#include "gearnn/metrics/eval_masks.h"

#include <algorithm>
#include <filesystem>

#include "gearnn/common/errors.h"
#include "gearnn/io/label_io.h"
#include "gearnn/metrics/confusion_matrix.h"

namespace fs = std::filesystem;

namespace gearnn {

json evaluate_dirs(const EvalOptions& o) {
  if (o.num_classes < 1 || o.num_classes > 255) fail("--classes", "must be 1..255");
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
