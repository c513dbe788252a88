#include "gearnn/metrics/agreement.h"

namespace gearnn {

namespace {

json opt(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

}  // namespace

json agreement_scores(const ConfusionMatrix& cm, const std::vector<std::string>& class_names) {
  json j;
  j["agreement"] = opt(cm.miou());
  j["agreement_pixel"] = opt(cm.pixel_accuracy());
  json per_class = json::object();
  const auto ious = cm.iou();
  for (int c = 0; c < cm.num_classes(); ++c) {
    const std::string name = c < static_cast<int>(class_names.size()) ? class_names[c] : std::to_string(c);
    per_class[name] = opt(ious[c]);
  }
  j["agreement_iou"] = per_class;
  return j;
}

json agreement_json(const ConfusionMatrix& cm, const std::vector<std::string>& class_names) {
  json j = agreement_scores(cm, class_names);
  j["confusion_matrix"] = cm.to_json();
  return j;
}

}  // namespace gearnn
