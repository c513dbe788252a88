#pragma once
// `gearnn distort`: re-encode a video through libx264 at a chosen QP, with
// optional brightness, noise, blur, down/up-scaling and a rendition size,
// constant or varying over frame ranges. Records each frame's true settings.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "gearnn/common/json_io.h"

namespace gearnn {

struct DistortSettings {
  int qp = 18;             // libx264 quantiser, 0..51
  double brightness = 1;   // multiplies RGB, clipped
  double noise = 0;        // Gaussian sigma in 0..255 units
  double blur = 0;         // Gaussian blur sigma in pixels
  double scale = 1;        // down-scale factor (then back up), 0 < scale <= 1
  // Coded size as a fraction of the source's width and height (an ABR
  // rendition): the frame is encoded at that size, 0 < resolution <= 1.
  double resolution = 1;
  json to_json() const;
};

struct DistortSegment {
  int64_t from = 0, to = 0;  // frames [from, to)
  json overrides;            // keys of DistortSettings set for this range
};

struct DistortOptions {
  std::string input;
  std::string output;
  DistortSettings base;
  std::vector<DistortSegment> schedule;
  uint64_t seed = 1;       // noise generator
  std::string preset = "veryfast";  // one of x264_presets()
  int threads = 1;                  // encoder threads, 0..64 (0: libx264 decides)
  int64_t max_frames = -1;
  bool progress = true;
};

// Reads a schedule: {"segments": [{"frames": [from, to], "qp": 40, "brightness": 0.5}, ...]}.
std::vector<DistortSegment> load_schedule(const std::string& path);
// Settings of frame `index` under `schedule` (later segments win).
DistortSettings settings_at(const DistortSettings& base, const std::vector<DistortSegment>& schedule,
                            int64_t index, const std::string& source = "schedule");
// Errors name `source`, or for the command line (source empty) the option of
// the bad setting (--qp...).
void validate_settings(const DistortSettings& s, const std::string& source);
// Schedule segments end by this frame (x264 zones are ints; about 1.1 years at 30 fps).
constexpr int64_t kMaxScheduleFrame = 1000000000;
// libx264's presets, checked before the encoder opens (x264 would print its own
// error line for an unknown one).
const std::vector<std::string>& x264_presets();

// Coded size of a `resolution` rendition of a width x height source: each side
// scaled and rounded to an even number (4:2:0), at least 2.
std::pair<int, int> rendition_size(int width, int height, double resolution);

// Writes options.output and options.output + ".schedule.json". A schedule whose
// resolution changes writes one encode per run of equal size, concatenated as
// MPEG-TS (the output must be .ts), as an ABR player would receive them.
void distort_video(const DistortOptions& options);

}  // namespace gearnn
