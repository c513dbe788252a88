#pragma once
// The BatchNorm running statistics a gear holds.
//
// Each layer is estimated on its own, every other layer normalising with its
// stored statistics as when deployed: in training mode a layer normalises with
// the batch's own statistics, which changes what the layers after it see, so
// estimating several layers in one pass gives each later layer statistics of an
// input it never gets at run time. Layers go in network order, so a layer sees
// the layers before it already corrected.
//
// Modes: "reestimate" stores the statistics measured on the level's frames;
// "shift" stores only the change the distortion causes, measured on the same
// frames pristine and distorted (which cancels the scene); "keep" stores the base's.
#include <map>
#include <set>
#include <string>
#include <vector>

#include "gearnn/model/torch_model.h"
#include "gearnn/training/trainer.h"

namespace gearnn {

using TensorState = std::map<std::string, torch::Tensor>;

// BatchNorm layers (module names) that hold a running statistic among `tensors`, in network order.
std::vector<std::string> bn_layers_of(TorchModel& model, const std::set<std::string>& tensors);

// Each of `layers`' running_mean and running_var on `frames`, one layer at a
// time, every other layer at its current statistics. The model is left as it was.
TensorState bn_statistics(TorchModel& model, const FrameSet& frames, const std::vector<std::string>& layers);

// The shifted statistics of one layer: with base mean/var (m, v), pristine
// (p, vp) and distorted (d, vd), var = v * vd / vp, and the mean that maps the
// distorted input to the same normalised value as the pristine one:
// mean = d - (p - m) * sqrt(vd / vp).
void shift_statistics(const torch::Tensor& base_mean, const torch::Tensor& base_var, const torch::Tensor& pristine_mean,
                      const torch::Tensor& pristine_var, torch::Tensor& mean, torch::Tensor& var);

// Sets the statistics of the BatchNorm layers `in_gear` touches per `mode`
// (see above), layer by layer on `train` (distorted frames). `pristine` holds
// bn_statistics on the pristine frames (mode shift). A statistic of a touched
// layer that the gear does not hold stays at `base`.
void fit_gear_bn(TorchModel& model, const FrameSet& train, const std::set<std::string>& in_gear,
                 const TensorState& base, const TensorState& pristine, const std::string& mode);

}  // namespace gearnn
