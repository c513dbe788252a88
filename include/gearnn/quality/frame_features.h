#pragma once
// Per-frame quality features measured by the decoder side of the pipeline.
// Gear rules (gears.json "when") refer to them by these exact names.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gearnn/common/json_io.h"

namespace gearnn {

struct FrameFeatures {
  std::optional<double> qp;      // P-frame-equivalent QP on the 8-bit H.264 0..51 scale (comparable across
                                 // I, P and B frames: see qp_normalizer.h); none if the codec exports none
  std::optional<double> qp_raw;  // the frame's own mean block QP, same scale, before that correction
  int64_t bytes = 0;         // size of the frame's packet
  double bpp = 0;            // bits per pixel = 8 * bytes / (width * height)
  char type = '?';           // picture type: I, P, B, ...
  double luma = 0;           // mean of Y on the full 0..255 scale (studio-range video is expanded)
  double contrast = 0;       // standard deviation of Y
  double noise = 0;          // estimated noise sigma (Immerkaer)
  double blur = 0;           // variance of the Laplacian of Y (low = blurry)
  double highlight = 0;      // 99.5th percentile of Y: the brightest objects, which vary less between scenes than the mean
  double clipped = 0;        // fraction of Y at or above 250 (over-exposed)
  int width = 0, height = 0; // coded size of this frame (renditions of a stream differ)
  double scale = 1;          // coded height / output height, both in display orientation (1 = full size)

  // Numeric value of a feature by name; nullopt when unknown or missing (qp, qp_raw).
  std::optional<double> get(const std::string& name) const;
};

// Names accepted in gear rules.
const std::vector<std::string>& numeric_feature_names();

// Fills luma, contrast, noise, blur, highlight and clipped from a Y plane.
// Samples every second row and column (3x3 operators still use full-resolution
// neighbours) so the cost stays a small fraction of one inference.
// `studio_range`: Y is 16..235 and is reported on the full 0..255 scale.
void measure_pixel_features(const uint8_t* y, int width, int height, int stride, FrameFeatures& out,
                            bool studio_range = false);

json to_json(const FrameFeatures& f);

}  // namespace gearnn
