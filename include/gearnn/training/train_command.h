#pragma once
// `gearnn train`: the whole job behind the command (data loading, distorted
// renderings for the augmentation and stability baselines, training, saving).
#include <string>
#include <vector>

#include "gearnn/common/json_io.h"
#include "gearnn/training/targets.h"

namespace gearnn {

struct TrainJob {
  std::string dataset, val_dataset;
  std::string init_model;                 // start from this model directory...
  int width = 320, height = 192;          // ...or a new StreetNet with this input size
  std::vector<int64_t> widths{16, 32, 64, 128};
  int64_t head = 64;
  std::string out_dir;
  std::string mode = "clean";             // clean | augment | stability | gears (joint)
  // gears: what each level's gear holds, from `gearnn select` or a gear set
  // directory (several, comma separated, together covering every ladder level).
  std::string selection;
  TargetOptions targets;                  // teacher: unlabelled clips, the --init model by default
  std::string ladder;                     // levels for augment / stability (several, comma separated)
  std::string cache_dir = ".gearnn-cache";
  double stability_weight = 1.0;
  int epochs = 20, batch = 8, stride = 2, max_frames_per_clip = -1, threads = 0;
  int val_stride = 0;  // every Nth frame of the validation clips; 0: stride
  double lr = 2e-3;
  uint64_t seed = 1;
  std::string checkpoint_dir;
  bool resume = false, progress = true;
};

// Returns the training record also stored in OUT/model.json under "training".
// Mode gears also writes one gear set per ladder, OUT/gears/LADDER (the ladder
// file's name without .json), each gear checked on validation as fit-gears does.
json run_train_job(const TrainJob& job);

// Size frames are kept at in memory: 1.25x the input, so crops can zoom in.
int storage_dim(int input_dim);

}  // namespace gearnn
