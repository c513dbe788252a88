#include "frame_record_writer.h"

#include "gearnn/common/json_io.h"
#include "gearnn/metrics/agreement.h"

namespace gearnn {
namespace {

json opt_json(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

}  // namespace

FrameRecordWriter::FrameRecordWriter(const std::string& out_dir, const std::vector<std::string>& classes)
    : path_(out_dir + "/frames.jsonl"), classes_(classes) {
  lines_.open(temp_name(path_), std::ios::trunc);
  if (!lines_) fail(path_, "cannot write file");
}

void FrameRecordWriter::write(const FrameResult& result) {
  const DecodedFrame& f = result.frame;
  json rec;
  rec["frame"] = f.index;
  rec["pts_time"] = f.pts_time;
  const json features = to_json(f.features);
  for (const auto& [k, v] : features.items()) rec[k] = v;
  rec["gear"] = result.gear ? json(*result.gear) : json(nullptr);
  if (result.blend_t > 0)
    rec["blend"] = {{"lo", result.blend_lo ? json(*result.blend_lo) : json(nullptr)},
                    {"hi", result.blend_hi ? json(*result.blend_hi) : json(nullptr)},
                    {"t", result.blend_t}};
  if (result.checking) rec["feature_gear"] = result.feature_gear ? json(*result.feature_gear) : json(nullptr);
  if (result.entropy >= 0) rec["entropy"] = result.entropy;
  rec["infer_ms"] = result.infer_ms;
  rec["estimate_ms"] = f.estimate_ms;
  if (const ConfusionMatrix* cm = result.confusion) {
    rec["miou"] = opt_json(cm->miou());
    rec["pixel_acc"] = opt_json(cm->pixel_accuracy());
    json iou = json::object();
    const auto ious = cm->iou();
    for (size_t c = 0; c < classes_.size(); ++c) iou[classes_[c]] = opt_json(ious[c]);
    rec["iou"] = iou;
  }
  if (const ConfusionMatrix* cm = result.agreement) {
    const json scores = agreement_scores(*cm, classes_);  // kept alive for items()
    for (const auto& [k, v] : scores.items()) rec[k] = v;
  }
  // One write per line, flushed: a crash keeps every finished frame's line whole.
  lines_ << json_text(rec) + '\n';
  if (!lines_.flush()) fail(path_, "write failed");
}

void FrameRecordWriter::finish(bool) {
  lines_.close();
  commit_temp(path_);
}

}  // namespace gearnn
