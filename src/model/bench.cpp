#include "gearnn/model/bench.h"

#include <chrono>
#include <vector>

#include "gearnn/common/errors.h"
#include "gearnn/io/video_reader.h"
#include "gearnn/model/gear_bank.h"
#include "gearnn/model/segmenter.h"
#include "gearnn/model/torch_model.h"

namespace gearnn {

using Clock = std::chrono::steady_clock;
static double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

json bench_forward(const std::string& model_dir, const std::string& input, int frames, int threads) {
  set_torch_threads(threads);
  Segmenter model(model_dir);
  model.prepare_inference({});
  std::vector<cv::Mat> inputs;
  cv::Size frame_size;
  {
    ReaderOptions ropt;
    ropt.measure = false;
    VideoReader reader(input, ropt);
    DecodedFrame f;
    while (static_cast<int>(inputs.size()) < frames && reader.read(f)) {
      inputs.push_back(model.preprocess(f.rgb));
      frame_size = f.rgb.size();
    }
  }
  if (inputs.empty()) fail(input, "no frames");
  const ModelCard& c = model.card();
  for (int i = 0; i < 5; ++i) model.infer(inputs[i % inputs.size()], frame_size);  // warm-up
  // Forward only, as a deployed model would be timed on its own.
  auto t0 = Clock::now();
  {
    c10::InferenceMode guard;
    for (auto& in : inputs) {
      auto x = torch::from_blob(in.ptr<float>(), {1, 3, c.input_height, c.input_width}, torch::kFloat32);
      auto y = model.torch_model().forward(x);
      (void)y;
    }
  }
  const double forward_s = seconds_since(t0);
  t0 = Clock::now();
  for (auto& in : inputs) model.infer(in, frame_size);
  const double infer_s = seconds_since(t0);
  const double n = static_cast<double>(inputs.size());
  return {{"frames", inputs.size()},
          {"threads", threads},
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
