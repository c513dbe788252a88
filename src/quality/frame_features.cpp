#include "gearnn/quality/frame_features.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace gearnn {

const std::vector<std::string>& numeric_feature_names() {
  static const std::vector<std::string> names = {"qp",    "qp_raw",    "bytes",   "bpp",   "luma",  "contrast",
                                                    "noise", "blur",      "highlight", "clipped", "width", "height",
                                                    "scale"};
  return names;
}

std::optional<double> FrameFeatures::get(const std::string& name) const {
  if (name == "qp") return qp;
  if (name == "qp_raw") return qp_raw;
  if (name == "width") return static_cast<double>(width);
  if (name == "height") return static_cast<double>(height);
  if (name == "scale") return scale;
  if (name == "bytes") return static_cast<double>(bytes);
  if (name == "bpp") return bpp;
  if (name == "luma") return luma;
  if (name == "contrast") return contrast;
  if (name == "noise") return noise;
  if (name == "blur") return blur;
  if (name == "highlight") return highlight;
  if (name == "clipped") return clipped;
  return std::nullopt;
}

void measure_pixel_features(const uint8_t* y, int width, int height, int stride, FrameFeatures& out,
                            bool studio_range) {
  std::array<int64_t, 256> hist{};  // for highlight and clipped
  double sum = 0, sum_sq = 0;     // luma statistics
  double lap_sum = 0, lap_sq = 0; // Laplacian statistics (blur)
  double noise_abs = 0;           // Immerkaer's |I * M| sum (noise)
  int64_t n_all = 0, n_inner = 0;
  for (int r = 0; r < height; r += 2) {
    const uint8_t* row = y + static_cast<ptrdiff_t>(r) * stride;
    const bool inner_row = r > 0 && r + 1 < height;
    const uint8_t* up = inner_row ? row - stride : nullptr;
    const uint8_t* dn = inner_row ? row + stride : nullptr;
    for (int c = 0; c < width; c += 2) {
      const double v = row[c];
      sum += v;
      sum_sq += v * v;
      ++hist[row[c]];
      ++n_all;
      if (!inner_row || c == 0 || c + 1 >= width) continue;
      // 4-neighbour Laplacian.
      const int lap = up[c] + dn[c] + row[c - 1] + row[c + 1] - 4 * row[c];
      lap_sum += lap;
      lap_sq += static_cast<double>(lap) * lap;
      // Immerkaer's mask [1 -2 1; -2 4 -2; 1 -2 1] cancels smooth structure, leaving noise.
      const int m = up[c - 1] - 2 * up[c] + up[c + 1] - 2 * row[c - 1] + 4 * row[c] - 2 * row[c + 1] +
                    dn[c - 1] - 2 * dn[c] + dn[c + 1];
      noise_abs += std::abs(m);
      ++n_inner;
    }
  }
  out.luma = n_all ? sum / n_all : 0;
  out.contrast = n_all ? std::sqrt(std::max(0.0, sum_sq / n_all - out.luma * out.luma)) : 0;
  if (n_inner) {
    const double mean_lap = lap_sum / n_inner;
    out.blur = lap_sq / n_inner - mean_lap * mean_lap;
    out.noise = std::sqrt(M_PI / 2.0) * noise_abs / (6.0 * n_inner);
  } else {
    out.blur = out.noise = 0;
  }
  // Studio-range Y maps onto 0..255 so every source reads on one scale.
  const double k = studio_range ? 255.0 / 219.0 : 1.0;
  const auto full = [&](double v) { return studio_range ? std::clamp((v - 16.0) * k, 0.0, 255.0) : v; };
  int64_t below = 0, clipped = 0;
  out.highlight = 0;
  bool found = false;
  for (int v = 0; v < 256; ++v) {
    below += hist[v];
    if (!found && n_all && below >= 0.995 * static_cast<double>(n_all)) {
      out.highlight = full(v);
      found = true;
    }
    if (full(v) >= 250.0) clipped += hist[v];
  }
  out.clipped = n_all ? static_cast<double>(clipped) / n_all : 0;
  out.luma = full(out.luma);
  out.contrast *= k;
  out.noise *= k;
  out.blur *= k * k;
}

json to_json(const FrameFeatures& f) {
  json j;
  j["qp"] = f.qp ? json(*f.qp) : json(nullptr);
  j["bytes"] = f.bytes;
  j["bpp"] = f.bpp;
  j["type"] = std::string(1, f.type);
  j["luma"] = f.luma;
  j["contrast"] = f.contrast;
  j["noise"] = f.noise;
  j["blur"] = f.blur;
  j["highlight"] = f.highlight;
  j["clipped"] = f.clipped;
  j["width"] = f.width;
  j["height"] = f.height;
  j["scale"] = f.scale;
  j["qp_raw"] = f.qp_raw ? json(*f.qp_raw) : json(nullptr);
  return j;
}

}  // namespace gearnn
