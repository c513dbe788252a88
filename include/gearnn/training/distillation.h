#pragma once
// Teacher targets during training. Soft (Hinton et al. 2015, "Distilling the
// knowledge in a neural network"): the student learns the teacher's class
// probabilities on the pristine frame, softened by a temperature. Hard: their argmax.
//
// The teacher's logits are computed on the fly, one forward without gradients
// per batch, on the same augmented crop of the pristine frame the student sees
// distorted. Caching them instead would hold 8 classes x 384x224 x 2 bytes
// (fp16) = 1.4 MB per frame, 1.4 GB for 1000 frames, more at the 1.25x size
// crops are cut from; and a cached map cropped and resized like a label is not
// the teacher's output on the crop. The pristine frames are already in memory
// beside the distorted ones (the `pristine` of TrainSample and LevelData).
#include <memory>
#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "gearnn/model/torch_model.h"
#include "gearnn/training/targets.h"

namespace gearnn {

// T^2 * KL(softmax(teacher / T) || softmax(student / T)) summed over classes,
// averaged over pixels. Logits [N, C, H, W] of one shape; the teacher's carry
// no gradient.
torch::Tensor distillation_loss(const torch::Tensor& student_logits, const torch::Tensor& teacher_logits,
                                double temperature);

// The teacher a training loop learns from; no teacher: the labels. A
// temperature > 0 gives soft targets, 0 the teacher's argmax.
struct TeacherTargets {
  TorchModel* teacher = nullptr;
  double temperature = 0;
};

// The teacher's logits on RGB frames at its input size, in eval mode and
// without gradients, resized bilinearly to `size` (the student's loss size).
torch::Tensor teacher_logits(TorchModel& teacher, const std::vector<cv::Mat>& rgb, cv::Size size);

// The teacher of --targets teacher (targets.live()): targets.teacher_dir, else
// `default_teacher`, loaded as a model of its own so it stays fixed while the
// student's weights change. Null for labels. Its classes must be the student's.
std::unique_ptr<TorchModel> load_teacher(const TargetOptions& targets, const std::string& default_teacher,
                                         const ModelCard& student);

}  // namespace gearnn
