#pragma once
// OUT/masks/%06d.png: each frame's class ids, grey or with the model's palette.
#include <string>

#include "frame_sink.h"
#include "gearnn/io/label_io.h"

namespace gearnn {

class MaskWriter : public FrameSink {
 public:
  // `palette` null writes grey ids; else palette PNGs (still ids to any reader of indices).
  MaskWriter(const std::string& out_dir, const Palette* palette);
  void write(const FrameResult& result) override;
  void finish(bool) override {}  // every mask is complete (renamed into place) once written

 private:
  std::string dir_;
  const Palette* palette_;
};

}  // namespace gearnn
