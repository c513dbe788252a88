#pragma once
// Label and mask PNGs. Labels are single-channel class ids or palette PNGs
// (read as palette indices, never as colours); masks are written the same way.
#include <opencv2/core.hpp>
#include <array>
#include <string>
#include <vector>

namespace gearnn {

using Palette = std::vector<std::array<uint8_t, 3>>;

// Reads class ids (CV_8UC1). Throws Error naming the file if it is missing,
// unreadable, or not a single-channel / palette PNG.
cv::Mat read_label_png(const std::string& path);

// Writes class ids as an 8-bit grey PNG, or as a palette PNG when a palette is
// given (coloured to look at, and still ids to any reader of indices).
// Written to a temporary name and renamed.
void write_label_png(const std::string& path, const cv::Mat& ids, const Palette* palette = nullptr,
                     int compression = 1);

// "%06d.png" style name of frame `index` in `dir`.
std::string frame_png_path(const std::string& dir, int64_t index);

}  // namespace gearnn
