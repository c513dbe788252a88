#pragma once
// Decodes any input libavformat opens (files, image sequences) in software and
// hands out RGB frames with their quality features.
#include <opencv2/core.hpp>
#include <memory>
#include <string>

#include "gearnn/quality/frame_features.h"

namespace gearnn {

struct DecodedFrame {
  int64_t index = 0;      // 0 for the first decoded frame
  double pts_time = 0;    // seconds
  cv::Mat rgb;            // CV_8UC3, RGB channel order, frame size (empty when not converted)
  FrameFeatures features;
  double estimate_ms = 0; // time spent measuring the features
};

struct VideoInfo {
  int width = 0, height = 0;
  double fps = 0;             // nominal frame rate (0 if unknown)
  int64_t frame_count = -1;   // declared by the container, -1 if unknown
  double duration = -1;       // seconds, -1 if unknown
  std::string codec;          // decoder name
};

struct ReaderOptions {
  int decode_threads = 1;
  bool convert_rgb = true;     // false: decode only (for benchmarks)
  bool measure = true;         // compute FrameFeatures
};

class VideoReader {
 public:
  explicit VideoReader(const std::string& path, ReaderOptions options = {});
  ~VideoReader();
  VideoReader(const VideoReader&) = delete;
  VideoReader& operator=(const VideoReader&) = delete;

  const VideoInfo& info() const;
  // Next frame in presentation order; false at the end. Throws Error (naming
  // the file) on unreadable, corrupt or truncated input.
  bool read(DecodedFrame& frame);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};


}  // namespace gearnn
