#pragma once
// OUT/frames.jsonl: one line per frame with its times, quality features, gear
// and its scores: against labels (--gt) and against reference masks (--reference).
// Each line reaches the disk (the kernel) as its frame finishes, so a killed run
// keeps frames.jsonl.tmp up to its last frame.
#include <fstream>
#include <string>
#include <vector>

#include "frame_sink.h"

namespace gearnn {

class FrameRecordWriter : public FrameSink {
 public:
  // `classes` name the per-class IoU fields.
  FrameRecordWriter(const std::string& out_dir, const std::vector<std::string>& classes);
  // Written last for each frame, so a listed frame has all its other outputs.
  void write(const FrameResult& result) override;
  // Renamed into place even after an error: the file is complete for every frame it lists.
  void finish(bool complete) override;

 private:
  std::string path_;
  const std::vector<std::string>& classes_;
  std::ofstream lines_;
};

}  // namespace gearnn
