#pragma once
// Decodes any input libavformat opens (files, image sequences, HLS playlists,
// standard input as "-", network streams) in software and hands out RGB
// frames in display orientation with their quality features. Frames keep the
// size they were coded at: an adaptive-bitrate stream changes size mid-way.
#include <opencv2/core.hpp>
#include <atomic>
#include <map>
#include <memory>
#include <string>

#include "gearnn/quality/frame_features.h"

namespace gearnn {

struct DecodedFrame {
  int64_t index = 0;      // 0 for the first decoded frame
  double pts_time = 0;    // seconds
  cv::Mat rgb;            // CV_8UC3, RGB channel order, coded size turned to display orientation
                          // (empty when not converted)
  FrameFeatures features;
  double estimate_ms = 0; // time spent measuring the features
};

struct VideoInfo {
  // Of the chosen stream's header, in display orientation. A header without a
  // size (a stream joined long before its next key frame) is sized by the
  // first frame, which the reader then decodes on opening.
  int width = 0, height = 0;
  int max_width = 0, max_height = 0;  // largest size the input declares (any video stream or
                                      // playlist variant; else width, height), display orientation
  int rotation = 0;           // clockwise degrees (0, 90, 180, 270) frames are turned by to be displayed
  bool live = false;          // a pipe or network stream: no declared length to check against
  double fps = 0;             // nominal frame rate (0 if unknown)
  int64_t frame_count = -1;   // declared by the container, -1 if unknown
  double duration = -1;       // seconds, -1 if unknown
  std::string codec;          // decoder name
};

struct ReaderOptions {
  int decode_threads = 1;
  bool convert_rgb = true;     // false: decode only (for benchmarks)
  bool measure = true;         // compute FrameFeatures
  bool apply_rotation = true;  // turn frames to display orientation (display matrix / rotate tag)
  int output_height = 0;       // height the run writes at, for the `scale` feature; 0 = info().max_height
  // When set and true, a blocked read returns and read() reports the end of the
  // input (not an error): how a signal ends a live run cleanly.
  const std::atomic<bool>* stop = nullptr;
  double max_seconds = -1;  // > 0: reading ends, as at the end of the input, this long after opening
  // FFmpeg options for opening the input (protocol and demuxer AVOptions, as
  // `ffmpeg -KEY VALUE -i INPUT` takes them), e.g. {"rtsp_flags", "listen"}.
  // A key the input does not take is an error naming it.
  std::map<std::string, std::string> input_options;
  // A network input (URL) that sends nothing for this long fails to open, or,
  // once frames have arrived, has ended. Given as FFmpeg's rw_timeout (and
  // rtsp's timeout) unless input_options set those.
  double network_timeout = 10;
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
  // Why a live input ended when a read error ended it (a read timeout, a
  // broken connection: how UDP and SRT streams end); empty otherwise.
  const std::string& end_error() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};


}  // namespace gearnn
