#pragma once
// OUT/report.json of `gearnn run`: what ran (input, model, gears, options),
// how fast, which gears, the metrics, the agreement with a reference, and
// whether the run completed.
#include <exception>
#include <optional>
#include <string>

#include "frame_pipeline.h"
#include "gearnn/io/video_reader.h"
#include "gearnn/model/gear_bank.h"
#include "gearnn/model/segmenter.h"
#include "gearnn/pipeline/run_video.h"

namespace gearnn {

// Everything report.json is built from.
struct RunFacts {
  const RunOptions& options;
  const VideoInfo& input;
  const std::string& input_end_error;  // the read error that ended a live input; empty if none
  cv::Size output_size;  // of masks, overlay and label comparison
  std::optional<std::string> input_sha256;  // only for a regular input file
  const Segmenter& model;
  const GearBank* gears;     // null without --gears
  int torch_threads;
  RunTally tally;
  double seconds;            // wall time until the last frame was written
  json metrics;              // null without labels or frames
  json agreement;            // null without --reference or frames
  std::string reference_masks;  // the directory --reference resolved to; empty without it
  std::exception_ptr error;  // the first error; null when the run completed
};

json build_run_report(const RunFacts& facts);

}  // namespace gearnn
