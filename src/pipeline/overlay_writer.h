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
  OverlayWriter(const std::string& path, const VideoInfo& input, const Palette& palette);
  void write(const FrameResult& result) override;
  // An incomplete run leaves no overlay video (the encoder removes its temporary file).
  void finish(bool complete) override;

 private:
  const Palette& palette_;
  std::unique_ptr<VideoWriter> video_;
};

}  // namespace gearnn
