#pragma once
// `gearnn run`: decode -> estimate quality -> pick and overlay a gear ->
// segment -> write masks, per-frame records and a report. Three threads joined
// by bounded queues: decode, inference, writing.
#include <atomic>
#include <map>
#include <string>

#include "gearnn/common/json_io.h"

namespace gearnn {

struct RunOptions {
  std::string input;
  std::string model_dir;
  std::string gears_dir;    // optional
  std::string gt_dir;       // optional
  // Optional: masks to score against instead of (or beside) labels, usually
  // this model's run on the pristine input: a directory of %06d.png masks or a
  // run's output directory (its masks/). Scores are named agreement.
  std::string reference_dir;
  std::string out_dir;
  std::string masks = "ids";  // none | ids | color
  int png_level = 1;          // zlib level of mask PNGs: 0 (none) .. 9 (smallest, slowest)
  std::string overlay_path;   // optional .mp4/.mkv colour overlay video
  // Output size of masks, overlay and label comparison, "WxH". Empty: the
  // labels' size with --gt, else the reference masks' size with --reference,
  // else the largest size the input declares, else (a stream whose header has
  // no size) its first frame's. Frames
  // of other sizes (ABR renditions) are segmented at their own size and their
  // logits resized to this size before the argmax.
  std::string size;
  int threads = 0;            // LibTorch intra-op threads; 0 = usable cores but one (run_forward_threads)
  int decode_threads = 1;
  int hold = 1;               // hysteresis: frames a new gear must match before switching
  // Consecutive frames with the same gear segmented in one forward: a gear
  // switch or the end of the input closes a batch early. The first frame of a
  // batch waits for the next batch-1 frames (latency on live input).
  int batch = 1;
  // > 0: blend the two gears either side of each frame's measured value
  // (GearBlender), the weight in steps of 1/blend; --hold does not apply. 0: nearest gear.
  int blend = 0;
  // > 0: also segment checked frames with the gears adjacent to the features'
  // choice and keep the prediction of lowest mean pixel entropy, averaged over
  // the last check_neighbours checks (check_neighbours x check_every frames;
  // ConfidenceChooser); a forward per candidate. Needs a gear set; not with
  // blend. 0: the features' gear alone.
  int check_neighbours = 0;
  // With check_neighbours: the check runs when the features pick another gear
  // than at the last check, and every check_every frames; the frames between
  // keep the gear that check kept (one forward each).
  int check_every = 10;
  int64_t max_frames = -1;    // stop after this many frames
  double max_seconds = -1;    // > 0: stop reading this long after opening the input (live streams)
  // FFmpeg options for opening the input, e.g. {"rtsp_flags", "listen"} (see ReaderOptions).
  std::map<std::string, std::string> input_options;
  // Set (e.g. by a SIGINT/SIGTERM handler) to end the run as at the end of the
  // input: the frames read so far are finished and the report is complete.
  const std::atomic<bool>* stop = nullptr;
  int queue_size = 4;
  bool progress = true;       // drawn only if stderr is a terminal
  json tag;                   // copied into the report as "tag" (batch keys); null = none
};

// Runs the pipeline and returns the report (also written to OUT/report.json).
// On bad input throws Error; frames finished before the error stay in
// OUT/frames.jsonl and OUT/report.json records "complete": false.
json run_video(const RunOptions& options);

// Peak resident memory of this process so far, in MiB.
double peak_rss_mib();

}  // namespace gearnn
