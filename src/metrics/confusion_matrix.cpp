#include "gearnn/metrics/confusion_matrix.h"

#include "gearnn/common/errors.h"

namespace gearnn {

ConfusionMatrix::ConfusionMatrix(int num_classes)
    : n_(num_classes), m_(static_cast<size_t>(num_classes) * num_classes, 0) {}

void ConfusionMatrix::add(const cv::Mat& pred, const cv::Mat& truth, int ignore_index, const std::string& source) {
  if (pred.type() != CV_8UC1 || truth.type() != CV_8UC1) fail(source, "labels must be 8-bit single-channel");
  if (pred.size() != truth.size())
    fail(source, "label size " + std::to_string(truth.cols) + "x" + std::to_string(truth.rows) +
                     " does not match the frame size " + std::to_string(pred.cols) + "x" + std::to_string(pred.rows));
  for (int r = 0; r < truth.rows; ++r) {
    const uint8_t* t = truth.ptr<uint8_t>(r);
    const uint8_t* p = pred.ptr<uint8_t>(r);
    for (int c = 0; c < truth.cols; ++c) {
      const int tv = t[c];
      if (tv == ignore_index) continue;
      if (tv >= n_) fail(source, "unknown class id " + std::to_string(tv) + " (model has " + std::to_string(n_) + " classes)");
      const int pv = p[c];
      if (pv >= n_) fail(source, "predicted class id " + std::to_string(pv) + " out of range");
      ++m_[static_cast<size_t>(tv) * n_ + pv];
    }
  }
}

void ConfusionMatrix::add(const ConfusionMatrix& other) {
  if (other.n_ != n_) throw Error("", "cannot add confusion matrices of different sizes");
  for (size_t i = 0; i < m_.size(); ++i) m_[i] += other.m_[i];
}

uint64_t ConfusionMatrix::total() const {
  uint64_t s = 0;
  for (auto v : m_) s += v;
  return s;
}

std::vector<std::optional<double>> ConfusionMatrix::iou() const {
  std::vector<std::optional<double>> out(n_);
  for (int c = 0; c < n_; ++c) {
    uint64_t tp = at(c, c), fp = 0, fn = 0;
    for (int k = 0; k < n_; ++k) {
      if (k == c) continue;
      fn += at(c, k);
      fp += at(k, c);
    }
    const uint64_t denom = tp + fp + fn;
    if (denom > 0) out[c] = static_cast<double>(tp) / static_cast<double>(denom);
  }
  return out;
}

std::optional<double> ConfusionMatrix::miou() const {
  double sum = 0;
  int count = 0;
  for (const auto& v : iou())
    if (v) sum += *v, ++count;
  if (!count) return std::nullopt;
  return sum / count;
}

std::optional<double> ConfusionMatrix::pixel_accuracy() const {
  uint64_t correct = 0, all = total();
  for (int c = 0; c < n_; ++c) correct += at(c, c);
  if (!all) return std::nullopt;
  return static_cast<double>(correct) / static_cast<double>(all);
}

json ConfusionMatrix::to_json() const {
  json rows = json::array();
  for (int t = 0; t < n_; ++t) {
    json row = json::array();
    for (int p = 0; p < n_; ++p) row.push_back(at(t, p));
    rows.push_back(row);
  }
  return rows;
}

ConfusionMatrix ConfusionMatrix::from_json(const json& rows, const std::string& source) {
  if (!rows.is_array()) fail(source, "confusion_matrix is not an array");
  if (rows.size() > 256) fail(source, "confusion_matrix has more rows than a model has classes (256 at most)");
  ConfusionMatrix cm(static_cast<int>(rows.size()));
  for (int t = 0; t < cm.n_; ++t) {
    const json& row = rows[t];
    if (!row.is_array() || static_cast<int>(row.size()) != cm.n_) fail(source, "confusion_matrix is not square");
    for (int p = 0; p < cm.n_; ++p) {
      if (!row[p].is_number_unsigned()) fail(source, "confusion_matrix holds a non-count value");
      cm.at(t, p) = row[p].get<uint64_t>();
    }
  }
  return cm;
}

static json opt(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

json metrics_json(const ConfusionMatrix& cm, const std::vector<std::string>& class_names) {
  json j;
  j["miou"] = opt(cm.miou());
  j["pixel_acc"] = opt(cm.pixel_accuracy());
  json per_class = json::object();
  const auto ious = cm.iou();
  for (int c = 0; c < cm.num_classes(); ++c) {
    const std::string name = c < static_cast<int>(class_names.size()) ? class_names[c] : std::to_string(c);
    per_class[name] = opt(ious[c]);
  }
  j["per_class_iou"] = per_class;
  j["confusion_matrix"] = cm.to_json();
  return j;
}

}  // namespace gearnn
