#pragma once
// `gearnn fit-gears`: fine-tunes one gear per ladder level and writes a gear
// set with the feature ranges that switch between them (format in docs/gears.md).
#include <cstdint>
#include <string>

#include "gearnn/common/json_io.h"
#include "gearnn/training/targets.h"

namespace gearnn {

struct FitGearsJob {
  std::string model_dir, dataset, val_dataset, ladder, out_dir, cache_dir = ".gearnn-cache";
  std::string selection;       // from `gearnn select` (kind "gears")
  // gears | bn (re-estimated BatchNorm statistics only) | full (every tensor: one model per level)
  std::string kind = "gears";
  TargetOptions targets;       // teacher: unlabelled clips, the model itself by default
  // BatchNorm statistics a gear holds: "reestimate" on the level's frames, or
  // "shift": the base statistics moved by the shift the distortion causes on the
  // same frames (distorted minus pristine), which cancels the scenes' own
  // statistics; "keep": the base values.
  // Empty: "keep" with --start, "reestimate" without.
  std::string bn_stats;
  // Each level's gear starts from START/LEVEL.pt (from `train --mode gears`):
  // its tensors are the file's, its statistics kept unless bn_stats says otherwise.
  std::string start_dir;
  // "neighbours": a gear whose validation gain on its own level is smaller than
  // the harm it does on a neighbouring level's validation frames (levels next
  // to it by the switching feature, the ones a misread frame comes from) is
  // dropped: its level keeps the base weights; so is the gear of the level
  // where the ladder's own distortion is absent (undistorted_level.h).
  // "none": no such check.
  std::string guard = "neighbours";
  // Also fit each level's gear on the selections of the levels next to it (by
  // the measured feature) and keep whichever scores best on validation: one
  // level's own selection can miss tensors that its neighbours' hold (kind
  // gears with a selection). Costs up to three fits per level.
  bool neighbour_selections = false;
  int epochs = 8, batch = 8, stride = 2, max_frames_per_clip = -1, threads = 0;
  int val_stride = 0;  // every Nth frame of the validation clips; 0: stride
  double lr = 1e-3;
  uint64_t seed = 1;
  bool progress = true;
};
// Writes OUT/NAME.pt per level and OUT/gears.json (returned). A level already
// fitted with the same settings (OUT/.NAME.done.json) is reused, not fitted again.
json run_fit_gears(const FitGearsJob& job);

}  // namespace gearnn
