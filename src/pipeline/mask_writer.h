#pragma once
// OUT/masks/%06d.png: each frame's class ids, grey or with the model's palette.
// A run writes into OUT/masks.partial/ and, when it ends (completely or not),
// replaces the masks of any earlier run in OUT/masks/ with its own, so the
// masks always match this run's frames.jsonl. Files in OUT/masks/ that a run
// did not write (other names) are left alone.
#include <string>

#include "frame_sink.h"
#include "gearnn/io/label_io.h"

namespace gearnn {

class MaskWriter : public FrameSink {
 public:
  // `palette` null writes grey ids; else palette PNGs (still ids to any reader of indices).
  // `png_level`: zlib level 0..9 (masks compress well at 1; 9 saves little for much time).
  MaskWriter(const std::string& out_dir, const Palette* palette, int png_level);
  // Without finish() (another output failed to open), masks.partial is removed.
  ~MaskWriter() override;
  void write(const FrameResult& result) override;
  void finish(bool complete) override;

 private:
  std::string dir_, partial_;
  const Palette* palette_;
  int png_level_;
  bool finished_ = false;
};

}  // namespace gearnn
