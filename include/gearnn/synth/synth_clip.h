#pragma once
// `gearnn synth`: a labelled synthetic street clip on disk.
#include <cstdint>
#include <string>

namespace gearnn {

struct SynthOptions {
  std::string out_dir;
  int frames = 100;
  int width = 640;
  int height = 360;
  uint64_t seed = 1;
  double fps = 10;
  bool progress = true;
};

// Writes OUT/video.mkv (lossless FFV1, 8-bit RGB), OUT/labels/%06d.png
// (palette PNGs: ids that also look right in a viewer) and OUT/meta.json.
void synthesize_clip(const SynthOptions& options);

}  // namespace gearnn
