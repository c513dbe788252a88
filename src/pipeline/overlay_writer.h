#pragma once
// The optional overlay video: each frame blended half and half with its class colours.
#include <memory>
#include <string>

#include "frame_sink.h"
#include "gearnn/io/label_io.h"
#include "gearnn/io/video_writer.h"

namespace gearnn {

class OverlayWriter : public FrameSink {
 public:
  // Written at `size`; frames of other sizes (ABR renditions) are scaled to it.
  OverlayWriter(const std::string& path, const VideoInfo& input, cv::Size size, const Palette& palette);
  void write(const FrameResult& result) override;
  // An incomplete run leaves no overlay video (the encoder removes its temporary file).
  void finish(bool complete) override;

 private:
  const Palette& palette_;
  cv::Mat scaled_;  // a rendition's frame at the output size
  std::unique_ptr<VideoWriter> video_;
};

}  // namespace gearnn
