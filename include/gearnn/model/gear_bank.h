#pragma once
// All gears of a set, resident in memory and validated against the model;
// switching copies a gear's tensors into the live model in place and restores
// base values for tensors the new gear does not set.
#include <memory>
#include <string>
#include <vector>

#include "gearnn/gears/gear_set.h"
#include "gearnn/model/segmenter.h"

namespace gearnn {

class GearBank {
 public:
  // Loads every gear file of `config`; throws Error naming the file when a
  // tensor is unknown to the model or differs in shape or dtype, or when
  // gears.json names another base model.
  GearBank(const GearSet& config, Segmenter& model);
  ~GearBank();

  void apply(int gear);  // -1 = base weights
  // Two gears mixed in place: each tensor either gear sets becomes
  // (1 - t) * lo's value + t * hi's (the base's where one gear lacks it);
  // integer tensors take the nearer gear's. No memory beyond the gears'.
  void apply_blend(const GearBlend& blend);
  int active() const;  // the gear in place; -2 while a blend of two is
  const GearSet& config() const;
  std::string hash() const;                  // SHA-256 over gears.json and every gear file
  int64_t gear_bytes() const;                // all gear tensors resident
  int64_t backup_bytes() const;              // base copies kept for restoring
  std::vector<std::string> tensor_names(int gear) const;
  // Every model tensor any gear touches: what inference must keep switchable.
  const std::vector<std::string>& live_tensor_names() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace gearnn
