#include "gearnn/model/bench.h"

#include <chrono>
#include <memory>
#include <vector>

#include "gearnn/common/errors.h"
#include "gearnn/io/shipped_data.h"
#include "gearnn/io/video_reader.h"
#include "gearnn/model/gear_bank.h"
#include "gearnn/model/segmenter.h"
#include "gearnn/model/postprocess.h"

namespace gearnn {

using Clock = std::chrono::steady_clock;
static double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

json bench_forward(const std::string& model_dir, const std::string& input, const BenchForwardOptions& o) {
  set_torch_threads(o.threads);
  Segmenter model(model_dir);
  std::unique_ptr<GearSet> gears;
  std::unique_ptr<GearBank> bank;
  if (!o.gears_dir.empty()) {
    gears = std::make_unique<GearSet>(load_gear_set(find_gear_set_dir(o.gears_dir, model.card().dir)));
    bank = std::make_unique<GearBank>(*gears, model);
  }
  const std::vector<std::string> live = bank ? bank->live_tensor_names() : std::vector<std::string>{};
  const bool frozen = model.prepare_inference(live);
  if (bank && !gears->gears.empty()) bank->apply(0);
  std::vector<cv::Mat> inputs;
  cv::Size frame_size;
  {
    ReaderOptions ropt;
    ropt.measure = false;
    VideoReader reader(input, ropt);
    DecodedFrame f;
    while (static_cast<int>(inputs.size()) < o.frames && reader.read(f)) {
      inputs.push_back(model.preprocess(f.rgb));
      frame_size = f.rgb.size();
    }
  }
  if (inputs.empty()) fail(input, "no frames");
  // The frames in batches of o.batch (the last one may be shorter).
  std::vector<std::vector<cv::Mat>> batches;
  for (size_t i = 0; i < inputs.size(); i += o.batch)
    batches.emplace_back(inputs.begin() + i, inputs.begin() + std::min(inputs.size(), i + o.batch));
  for (int i = 0; i < 3; ++i) model.forward_batch(batches[i % batches.size()]);  // warm-up
  // Forward only, as a deployed model would be timed on its own.
  auto t0 = Clock::now();
  for (const auto& b : batches) model.forward_batch(b);
  const double forward_s = seconds_since(t0);
  t0 = Clock::now();
  for (const auto& b : batches)
    for (const cv::Mat& logits : model.forward_batch(b)) logits_to_ids(logits, frame_size);
  const double infer_s = seconds_since(t0);
  const double n = static_cast<double>(inputs.size());
  const ModelCard& c = model.card();
  return {{"frames", inputs.size()},
          {"threads", o.threads},
          {"batch", o.batch},
          {"gears", o.gears_dir.empty() ? json(nullptr) : json(o.gears_dir)},
          {"live_tensors", live.size()},
          {"frozen", frozen},
          {"input_size", {c.input_width, c.input_height}},
          {"frame_size", {frame_size.width, frame_size.height}},
          {"forward_fps", n / forward_s},
          {"forward_ms", 1000 * forward_s / n},
          {"forward_postprocess_fps", n / infer_s},
          {"forward_postprocess_ms", 1000 * infer_s / n}};
}

json bench_decode(const std::string& input, int decode_threads, int max_frames) {
  json out;
  for (bool full : {false, true}) {
    ReaderOptions ropt;
    ropt.decode_threads = decode_threads;
    ropt.convert_rgb = full;
    ropt.measure = full;
    VideoReader reader(input, ropt);
    DecodedFrame f;
    int64_t n = 0;
    double estimate_ms = 0;
    const auto t0 = Clock::now();
    while ((max_frames < 0 || n < max_frames) && reader.read(f)) {
      ++n;
      estimate_ms += f.estimate_ms;
    }
    const double s = seconds_since(t0);
    if (full) {
      out["decode_convert_measure_fps"] = n / s;
      out["estimate_ms_per_frame"] = n ? estimate_ms / n : 0.0;
    } else {
      out["decode_fps"] = n / s;
      out["frames"] = n;
    }
  }
  out["decoder_threads"] = decode_threads;
  return out;
}

json bench_switch(const std::string& model_dir, const std::string& gears_dir, int rounds) {
  Segmenter model(model_dir);
  const GearSet cfg = load_gear_set(gears_dir);
  GearBank bank(cfg, model);
  const int n = static_cast<int>(cfg.gears.size());
  if (n == 0) fail(gears_dir, "gear set has no gears");
  auto t0 = Clock::now();
  int64_t switches = 0;
  for (int r = 0; r < rounds; ++r)
    for (int g = -1; g < n; ++g, ++switches) bank.apply(g);
  const double switch_ms = 1000 * seconds_since(t0) / switches;
  t0 = Clock::now();
  for (int r = 0; r < std::max(1, rounds / 10); ++r) Segmenter reloaded(model_dir);
  const double reload_ms = 1000 * seconds_since(t0) / std::max(1, rounds / 10);
  return {{"gears", n},
          {"switches", switches},
          {"switch_ms", switch_ms},
          {"reload_model_ms", reload_ms},
          {"reload_over_switch", reload_ms / switch_ms},
          {"model_bytes", model.weight_bytes()},
          {"gear_bytes", bank.gear_bytes()},
          {"base_backup_bytes", bank.backup_bytes()}};
}

}  // namespace gearnn
