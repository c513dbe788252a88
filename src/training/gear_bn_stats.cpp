#include "gearnn/training/gear_bn_stats.h"

#include "sensitivity.h"

namespace gearnn {

namespace {

bool ends_with(const std::string& s, const std::string& end) {
  return s.size() >= end.size() && s.compare(s.size() - end.size(), end.size(), end) == 0;
}

const std::string kMean = ".running_mean", kVar = ".running_var";

torch::Tensor tensor_named(TorchModel& model, const std::string& wanted) {
  for (auto& [name, t] : model.named_tensors())
    if (name == wanted) return t;
  throw std::logic_error("no tensor " + wanted);
}

}  // namespace

std::vector<std::string> bn_layers_of(TorchModel& model, const std::set<std::string>& tensors) {
  std::set<std::string> touched;
  for (const auto& t : tensors)
    if (ends_with(t, kMean) || ends_with(t, kVar)) touched.insert(module_of(t));
  // named_tensors() lists modules in the order they were registered, which is
  // the order of the forward pass for sequential networks.
  std::vector<std::string> ordered;
  for (auto& [name, t] : model.named_tensors())
    if (ends_with(name, kMean) && touched.count(module_of(name))) ordered.push_back(module_of(name));
  return ordered;
}

TensorState bn_statistics(TorchModel& model, const FrameSet& frames, const std::vector<std::string>& layers) {
  TensorState out;
  for (const auto& layer : layers) {
    const TensorState before = {{layer + kMean, tensor_named(model, layer + kMean).clone()},
                                {layer + kVar, tensor_named(model, layer + kVar).clone()}};
    reestimate_bn(model, frames, {layer});
    for (const auto& [name, t] : before) out[name] = tensor_named(model, name).clone();
    load_state(model, before);
  }
  return out;
}

void shift_statistics(const torch::Tensor& base_mean, const torch::Tensor& base_var, const torch::Tensor& pristine_mean,
                      const torch::Tensor& pristine_var, torch::Tensor& mean, torch::Tensor& var) {
  torch::NoGradGuard no_grad;
  const auto ratio = var / pristine_var.clamp_min(1e-5);
  mean.copy_(mean - (pristine_mean - base_mean) * ratio.sqrt());
  var.copy_(base_var * ratio);
}

void fit_gear_bn(TorchModel& model, const FrameSet& train, const std::set<std::string>& in_gear,
                 const TensorState& base, const TensorState& pristine, const std::string& mode) {
  if (mode == "keep") return;
  for (const auto& layer : bn_layers_of(model, in_gear)) {
    reestimate_bn(model, train, {layer});
    torch::Tensor mean = tensor_named(model, layer + kMean), var = tensor_named(model, layer + kVar);
    if (mode == "shift")
      shift_statistics(base.at(layer + kMean), base.at(layer + kVar), pristine.at(layer + kMean),
                       pristine.at(layer + kVar), mean, var);
    // Mean and variance are estimated together; keep only what the gear holds.
    TensorState outside;
    for (const auto& name : {layer + kMean, layer + kVar})
      if (!in_gear.count(name)) outside[name] = base.at(name);
    load_state(model, outside);
  }
}

}  // namespace gearnn
