#pragma once
// Encodes RGB frames to a video file through libavcodec/libavformat. The file is
// written under a temporary name and renamed by finish(), so an interrupted
// encode never leaves a file that looks complete.
#include <opencv2/core.hpp>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

namespace gearnn {

struct EncoderSettings {
  std::string codec = "libx264";
  std::string pix_fmt = "yuv420p";
  double fps = 10;
  int threads = 1;
  // Codec options passed to avcodec_open2, e.g. {"qp","30"}, {"preset","medium"}, {"x264-params","..."}.
  std::map<std::string, std::string> options;
  // MP4/MOV written in fragments (one per key frame), so the muxer keeps no
  // per-frame index in memory (about 65 bytes a frame otherwise): for videos
  // of live runs of any length. Other containers ignore it.
  bool fragmented = false;
};

class VideoWriter {
 public:
  VideoWriter(const std::string& path, int width, int height, const EncoderSettings& settings);
  ~VideoWriter();  // removes the temporary file if finish() was not reached
  VideoWriter(const VideoWriter&) = delete;
  VideoWriter& operator=(const VideoWriter&) = delete;

  void write(const cv::Mat& rgb);  // CV_8UC3, RGB order, the current rendition's size
  // Ends the current encode and starts another at a new size and codec options
  // in the same stream, as adaptive-bitrate renditions follow each other.
  // Needs a container with in-band codec headers (MPEG-TS); throws otherwise.
  void next_rendition(int width, int height, const std::map<std::string, std::string>& options);
  void finish();
  int64_t frames_written() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace gearnn
