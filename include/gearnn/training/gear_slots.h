#pragma once
// Joint gear-aware training (`gearnn train --mode gears`): the shared network
// and every level's gear learn together. Each gear tensor has one value per
// level that selects it plus the base value, each its own leaf for the
// optimizer; before a batch of one level the level's values are copied into
// the model, and after backward the model's gradients go to the values used.
// BatchNorm statistics in a gear follow only their level's batches.
#include <string>
#include <vector>

#include "gearnn/model/torch_model.h"
#include "gearnn/training/gear_bn_stats.h"

namespace gearnn {

class GearSlots {
 public:
  // level_tensors[l]: the tensors level l's gear holds. Every value starts at the model's.
  GearSlots(TorchModel& model, const std::vector<std::vector<std::string>>& level_tensors);

  // The trainable leaves (every level's and the base's parameters); the model's
  // own gear parameters are left out of the optimizer.
  std::vector<torch::Tensor> parameters() const;
  bool holds(const std::string& tensor) const;

  // Puts level `level`'s values into the model (-1: the base values).
  void enter(int level);
  // After backward: the model's gradients of gear tensors move to the values in
  // use, and updated BatchNorm statistics are kept for the level.
  void after_backward();
  // After the optimizer step: gradients cleared (undefined, so the next step
  // leaves other levels' values alone).
  void after_step();

  // The gear of a level: its tensors' values.
  TensorState gear(int level) const;
  // Every value, for checkpoints: "base/NAME" and "LEVEL/NAME".
  TensorState state() const;
  void load(const TensorState& state);

 private:
  torch::Tensor& owner(int level, const std::string& name);
  std::map<std::string, torch::Tensor> model_;           // the model's tensors, by name (shared storage)
  TensorState base_;                                     // base values of every gear tensor
  std::vector<TensorState> values_;                      // per level
  int current_ = -1;
};

}  // namespace gearnn
