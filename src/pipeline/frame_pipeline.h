#pragma once
// The three threads of `gearnn run`: decode -> inference (with gear switching)
// -> outputs, joined by bounded queues.
#include <exception>
#include <map>
#include <memory>
#include <vector>

#include "frame_sink.h"
#include "gearnn/gears/gear_set.h"
#include "gearnn/model/gear_bank.h"
#include "gearnn/model/segmenter.h"
#include "gearnn/pipeline/run_video.h"

namespace gearnn {

// What the threads counted.
struct RunTally {
  int64_t frames = 0;                    // written to every output
  double infer_ms = 0, estimate_ms = 0;  // totals over the frames inferred
  std::map<int, int64_t> gear_usage;     // frames inferred per gear index, -1 = base weights
  int64_t gear_switches = 0;
  int64_t checked_frames = 0;            // --check-neighbours ran the adjacent gears too
  int64_t check_changed_frames = 0;      // --check-neighbours kept another gear than the features'
  std::map<std::pair<int, int>, int64_t> renditions;  // frames written per coded (width, height)
};

struct PipelineOutcome {
  RunTally tally;
  std::exception_ptr error;  // the first error of any thread; null when every frame went through
};

// Runs every frame of `reader` (up to options.max_frames) through `model` and
// hands it to each sink in order. `gears`/`bank` are null without --gears. Returns
// once all threads have stopped; the first error stops them all, and frames
// already handed to the sinks stay there. The sinks are not finished here.
// Masks are made at `output_size` whatever each frame's own size.
PipelineOutcome run_frame_pipeline(const RunOptions& options, cv::Size output_size, VideoReader& reader,
                                   Segmenter& model, const GearSet* gears, GearBank* bank,
                                   const std::vector<std::unique_ptr<FrameSink>>& sinks);

}  // namespace gearnn
