#pragma once
// Building gears (the method's core): per distortion level, score how much each
// tensor needs to change, pick tensors under a memory budget (exact knapsack),
// fine-tune only those on the level, and write a gear set `gearnn run` uses.
#include <map>
#include <string>
#include <vector>

#include "gearnn/datasets/dataset.h"
#include "gearnn/datasets/ladder.h"
#include "gearnn/model/torch_model.h"
#include "gearnn/training/targets.h"
#include "gearnn/training/trainer.h"

namespace gearnn {

// One ladder level's frames (train and validation clips rendered at the
// level) and the quality features measured on them.
struct LevelData {
  LadderLevel level;
  FrameSet train, val;
  std::vector<FrameFeatures> features;
  // With LevelDataOptions::pristine: the training frames undistorted, frame i
  // beside train's frame i. Every level shares these pixels (cv::Mat copies).
  FrameSet pristine;
};

struct LevelDataOptions {
  std::string dataset, val_dataset, ladder, cache_dir = ".gearnn-cache";
  int stride = 2, max_frames_per_clip = -1;
  int val_stride = 0;     // validation clips: every Nth frame; 0: stride
  bool progress = false;  // a line per level loaded (rendering the ladder can take minutes)
  TargetOptions targets;
  std::string model_dir;  // the default teacher
  int threads = 0;        // for the teacher's runs
  bool pristine = false;  // also the training clips' frames as given (LevelData::pristine)
};
std::vector<LevelData> load_level_data(const LevelDataOptions& o, const ModelCard& card);

// The level-data options of a job (SensitivityJob, FitGearsJob): the fields they share.
template <typename Job>
LevelDataOptions level_data_options(const Job& job, const std::string& val_dataset = "") {
  LevelDataOptions lo;
  lo.dataset = job.dataset;
  lo.val_dataset = val_dataset;
  lo.ladder = job.ladder;
  lo.cache_dir = job.cache_dir;
  lo.stride = job.stride;
  lo.max_frames_per_clip = job.max_frames_per_clip;
  lo.progress = job.progress;
  lo.targets = job.targets;
  lo.model_dir = job.model_dir;
  lo.threads = job.threads;
  lo.pristine = job.targets.live();  // what the teacher sees
  return lo;
}

// A level's training frames as samples, each with its pristine frame when loaded.
std::vector<TrainSample> level_samples(const LevelData& level);

struct TensorInfo {
  std::string name;
  int64_t numel, bytes;
  bool is_buffer;
};
// Every float tensor a gear may hold (parameters and BatchNorm running statistics).
std::vector<TensorInfo> gear_candidates(TorchModel& model);

// Per-tensor sensitivity of one level. "change": fine-tune the whole network
// briefly on the level and measure ||w' - w|| / ||w|| per tensor (the paper's
// idea). "fisher": sum over elements of E[g^2] * w^2 for parameters (first-order
// estimate of the loss change), and the normalised change of re-estimated
// running statistics for buffers. Both with the loss fitting uses: `soft`
// targets when it has a teacher (the level's pristine frames loaded), else the labels.
std::map<std::string, double> level_sensitivity(TorchModel& model, const LevelData& level, const std::string& method,
                                                int epochs, uint64_t seed, bool progress,
                                                const TeacherTargets& soft);

// Module name of a tensor ("stage1.0.dw_bn.running_mean" -> "stage1.0.dw_bn").
std::string module_of(const std::string& tensor_name);

}  // namespace gearnn
