#include "gearnn/training/distillation.h"

#include "gearnn/common/errors.h"
#include "gearnn/training/trainer.h"

namespace gearnn {

torch::Tensor distillation_loss(const torch::Tensor& student_logits, const torch::Tensor& teacher_logits,
                                double temperature) {
  if (student_logits.sizes() != teacher_logits.sizes())
    throw std::logic_error("distillation_loss: student and teacher logits differ in shape");
  const auto log_q = torch::log_softmax(student_logits / temperature, 1);
  const auto log_p = torch::log_softmax(teacher_logits.detach() / temperature, 1);
  // T^2 keeps the gradients' scale as T changes (Hinton et al.).
  return (log_p.exp() * (log_p - log_q)).sum(1).mean() * (temperature * temperature);
}

torch::Tensor teacher_logits(TorchModel& teacher, const std::vector<cv::Mat>& rgb, cv::Size size) {
  // Not InferenceMode: its tensors could not be saved for the student's backward pass.
  torch::NoGradGuard no_grad;
  teacher.train(false);
  auto logits = teacher.forward(to_input_batch(rgb, teacher.card()));
  if (logits.size(2) == size.height && logits.size(3) == size.width) return logits;
  namespace F = torch::nn::functional;
  return F::interpolate(logits, F::InterpolateFuncOptions()
                                    .size(std::vector<int64_t>{size.height, size.width})
                                    .mode(torch::kBilinear)
                                    .align_corners(false));
}

std::unique_ptr<TorchModel> load_teacher(const TargetOptions& targets, const std::string& default_teacher,
                                         const ModelCard& student) {
  if (!targets.live()) return nullptr;
  const std::string dir = targets.teacher_dir.empty() ? default_teacher : targets.teacher_dir;
  if (dir.empty()) fail("--teacher", "--targets teacher needs a teacher model directory");
  auto teacher = std::make_unique<TorchModel>(load_model_card(dir));
  if (teacher->card().num_classes() != student.num_classes())
    fail(dir, "the teacher has " + std::to_string(teacher->card().num_classes()) + " classes and model " +
                  student.dir + " has " + std::to_string(student.num_classes()) +
                  ": teacher targets need the same classes");
  teacher->train(false);
  for (auto& [name, p] : teacher->named_parameters()) p.requires_grad_(false);
  return teacher;
}

}  // namespace gearnn
