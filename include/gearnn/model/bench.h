#pragma once
// Measurements behind scripts/bench_pipeline.sh: the parts of `gearnn run`
// timed alone, on the same frames.
#include <string>

#include "gearnn/common/json_io.h"

namespace gearnn {

// Bare model: forward passes on preprocessed frames taken from `input`
// (decoded beforehand, so no decoding is timed), `batch` frames a forward.
// With `gears_dir`, its gears are loaded as `gearnn run` loads them (their
// tensors kept switchable) and the first is in place. Reports forward-only
// fps and forward + logits resize + argmax fps.
struct BenchForwardOptions {
  int frames = 100;
  int threads = 1;
  int batch = 1;
  std::string gears_dir;  // empty: no gears
};
json bench_forward(const std::string& model_dir, const std::string& input, const BenchForwardOptions& o);

// Decoding alone (no colour conversion), and decoding with conversion and
// quality features, over the whole input.
json bench_decode(const std::string& input, int decode_threads, int max_frames);

// Gear switching against reloading a whole model: mean time of GearBank::apply
// cycling through every gear, and of loading the model directory afresh.
json bench_switch(const std::string& model_dir, const std::string& gears_dir, int rounds);

}  // namespace gearnn
