#include "gearnn/training/gear_slots.h"

#include <set>

#include "gearnn/common/errors.h"

namespace gearnn {

GearSlots::GearSlots(TorchModel& model, const std::vector<std::vector<std::string>>& level_tensors)
    : values_(level_tensors.size()) {
  std::map<std::string, torch::Tensor> all;
  for (auto& [name, t] : model.named_tensors()) all[name] = t;
  std::set<std::string> params;
  for (auto& [name, t] : model.named_parameters()) params.insert(name);
  torch::NoGradGuard no_grad;
  auto leaf = [&](const std::string& name) {
    torch::Tensor v = all.at(name).detach().clone();
    if (params.count(name)) v.requires_grad_(true);
    return v;
  };
  for (size_t l = 0; l < level_tensors.size(); ++l)
    for (const auto& name : level_tensors[l]) {
      if (!all.count(name)) throw std::logic_error("gear slots: the model has no tensor " + name);
      model_[name] = all.at(name);
      if (!base_.count(name)) base_[name] = leaf(name);
      values_[l][name] = leaf(name);
    }
}

std::vector<torch::Tensor> GearSlots::parameters() const {
  std::vector<torch::Tensor> out;
  for (const auto& [name, t] : base_)
    if (t.requires_grad()) out.push_back(t);
  for (const auto& level : values_)
    for (const auto& [name, t] : level)
      if (t.requires_grad()) out.push_back(t);
  return out;
}

bool GearSlots::holds(const std::string& tensor) const { return model_.count(tensor) > 0; }

torch::Tensor& GearSlots::owner(int level, const std::string& name) {
  if (level >= 0) {
    auto it = values_[static_cast<size_t>(level)].find(name);
    if (it != values_[static_cast<size_t>(level)].end()) return it->second;
  }
  return base_.at(name);
}

void GearSlots::enter(int level) {
  if (level < -1 || level >= static_cast<int>(values_.size())) throw std::logic_error("gear slots: no such level");
  current_ = level;
  torch::NoGradGuard no_grad;
  for (auto& [name, t] : model_) t.copy_(owner(level, name));
}

void GearSlots::after_backward() {
  torch::NoGradGuard no_grad;
  for (auto& [name, t] : model_) {
    torch::Tensor& o = owner(current_, name);
    if (o.requires_grad()) {
      if (t.grad().defined()) o.mutable_grad() = t.grad().detach().clone();
      t.mutable_grad() = torch::Tensor();
    } else {
      o.copy_(t);  // a BatchNorm statistic updated by this level's batch
    }
  }
}

void GearSlots::after_step() {
  for (auto& [name, t] : base_) t.mutable_grad() = torch::Tensor();
  for (auto& level : values_)
    for (auto& [name, t] : level) t.mutable_grad() = torch::Tensor();
  enter(current_);  // the model follows the updated values
}

TensorState GearSlots::gear(int level) const {
  TensorState out;
  for (const auto& [name, t] : values_.at(static_cast<size_t>(level))) out[name] = t.detach().clone();
  return out;
}

TensorState GearSlots::state() const {
  TensorState out;
  for (const auto& [name, t] : base_) out["base/" + name] = t.detach().clone();
  for (size_t l = 0; l < values_.size(); ++l)
    for (const auto& [name, t] : values_[l]) out[std::to_string(l) + "/" + name] = t.detach().clone();
  return out;
}

void GearSlots::load(const TensorState& state) {
  torch::NoGradGuard no_grad;
  auto take = [&](const std::string& key, torch::Tensor& into) {
    auto it = state.find(key);
    if (it == state.end() || !it->second.sizes().equals(into.sizes()))
      throw Error("", "checkpoint of gear values: " + key + " missing or of another shape");
    into.copy_(it->second);
  };
  for (auto& [name, t] : base_) take("base/" + name, t);
  for (size_t l = 0; l < values_.size(); ++l)
    for (auto& [name, t] : values_[l]) take(std::to_string(l) + "/" + name, t);
  enter(current_);
}

}  // namespace gearnn
