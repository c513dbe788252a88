#pragma once
// Training and evaluation of a TorchModel on frames in memory: cross-entropy
// with the ignore label (or distillation from a teacher's soft targets), crop/zoom/flip augmentation, cosine learning rate,
// validation mIoU each epoch, best-epoch weights kept, checkpoint and resume.
// The same loop fine-tunes a subset of tensors (gears) and adds a stability
// term (Zheng et al. 2016) for the stability-training baseline.
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "gearnn/datasets/dataset.h"
#include "gearnn/metrics/confusion_matrix.h"
#include "gearnn/model/torch_model.h"
#include "gearnn/training/distillation.h"

namespace gearnn {

struct TrainSample {
  const cv::Mat* rgb;
  const cv::Mat* labels;
  // Other renderings of the same frame (distorted versions), for the stability term.
  std::vector<const cv::Mat*> partners;
  // The same frame undistorted, same size: what the teacher sees for soft targets.
  const cv::Mat* pristine = nullptr;
  // Joint gear training: the level whose gear is in place for this sample (-1: the base).
  int level = -1;
};

class GearSlots;

struct TrainOptions {
  int epochs = 20;
  int batch = 8;
  double lr = 2e-3;
  double weight_decay = 1e-4;
  uint64_t seed = 1;
  double min_crop = 0.6;    // crops cover 60..100% of the frame side, then resize to the input size
  bool flip = true;
  double stability = 0;     // > 0: add stability * KL(p(clean) || p(distorted partner))
  // With a teacher: distillation from its logits on each sample's pristine
  // frame replaces cross-entropy with the labels. Validation stays on the labels.
  TeacherTargets soft;
  // Tensors to train (empty = every parameter). Others keep requires_grad off.
  std::vector<std::string> trainable;
  // BatchNorm layers whose running statistics follow the data (module names);
  // every other BatchNorm layer runs in eval mode so its statistics stay fixed.
  // Empty with freeze_bn=false: all layers in train mode.
  std::vector<std::string> bn_update;
  bool freeze_bn = false;
  // Also score the weights as they are before the first epoch, so a fine-tune
  // that only makes validation worse keeps its starting point.
  bool consider_initial = false;
  std::string checkpoint_dir;  // checkpoint after every epoch when set
  bool resume = false;
  bool progress = true;
  std::string label = "train";
  // How progress lines name the validation score: "mIoU" against labels,
  // "agreement" against a teacher's masks (see targets.h).
  std::string val_metric = "mIoU";
  // Joint gear training: every batch holds samples of one level and runs with
  // that level's gear in place; the gears' values are trained with the rest.
  GearSlots* gears = nullptr;
};

struct EpochLog {
  int epoch;
  double loss, val_miou, lr, seconds;
  double samples_per_second = 0;  // training samples (forward + backward) a second, validation excluded
  json to_json() const;
};

struct TrainResult {
  std::vector<EpochLog> history;
  int best_epoch = -1;
  double best_val_miou = -1;
};

// Trains in place; on return the model holds the weights of the best
// validation epoch (or the last epoch when `val` is empty).
TrainResult train_model(TorchModel& model, const std::vector<TrainSample>& train, const FrameSet& val,
                        const TrainOptions& options);

// The training loss of logits [N,C,H,W] at the input size: cross-entropy with
// `labels` (at the input size), or with soft.teacher against its prediction on
// `pristine` (at the teacher's input size): distillation loss at a temperature,
// cross-entropy with its argmax without one.
torch::Tensor target_loss(const torch::Tensor& logits, const std::vector<cv::Mat>& labels,
                          const std::vector<cv::Mat>& pristine, const ModelCard& card, const TeacherTargets& soft);

// Confusion matrix of the model on frames (resized to the input size, logits back to the label size).
ConfusionMatrix evaluate_frames(TorchModel& model, const FrameSet& frames, int batch = 8);

// Runs the model in train mode over frames without gradients so that the
// running statistics of the BatchNorm layers in `bn_layers` (all if empty)
// are estimated afresh on these frames (cumulative average).
void reestimate_bn(TorchModel& model, const FrameSet& frames, const std::vector<std::string>& bn_layers,
                   int batch = 8);

// Frames [start, end) resized to the model's input size.
std::vector<cv::Mat> frames_at_input_size(const FrameSet& frames, size_t start, size_t end, const ModelCard& card);

// Normalised input batch [N,3,H,W] from RGB frames already at the input size.
torch::Tensor to_input_batch(const std::vector<cv::Mat>& rgb, const ModelCard& card);

std::map<std::string, torch::Tensor> clone_state(TorchModel& model);
void load_state(TorchModel& model, const std::map<std::string, torch::Tensor>& state);

}  // namespace gearnn
