#pragma once
// The LibTorch side of a model directory: a TorchScript module or a StreetNet,
// behind one interface for inference, gears and training. Include only where
// torch is needed; the rest of the code uses segmenter.h.
#include <torch/script.h>
#include <torch/torch.h>

#include "gearnn/io/model_card.h"
#include "gearnn/model/builtin_net.h"
#include "gearnn/model/tensor_dict.h"

namespace gearnn {

using NamedTensors = std::vector<std::pair<std::string, torch::Tensor>>;

class TorchModel {
 public:
  explicit TorchModel(const ModelCard& card);  // loads and validates
  // A new StreetNet with seeded random weights, written to card.dir.
  static void create_builtin(const ModelCard& card, uint64_t seed);

  const ModelCard& card() const { return card_; }
  // Logits [N, C, h, w] for a normalised batch [N, 3, H, W].
  torch::Tensor forward(const torch::Tensor& x);
  // The reference for forward's fast paths: built-in models without BatchNorm
  // folding (plain layers, as in training); TorchScript modules as forward.
  torch::Tensor forward_plain(const torch::Tensor& x);
  // Every parameter and buffer by name (BatchNorm running stats included),
  // sharing storage with the live model.
  NamedTensors named_tensors() const;
  // After tensors were changed in place (a gear switch): brings derived
  // inference state (folded layers) up to date now rather than at the next forward.
  void tensors_changed();
  // TorchScript modules: from now on forward, in eval mode without gradients,
  // runs a frozen and inference-optimised copy (torch.jit.freeze +
  // optimize_for_inference: constants folded, BatchNorm folded into
  // convolutions, oneDNN layouts) in which the `live` tensors (those any loaded
  // gear touches) stay attributes sharing storage with this model, so a gear
  // switch copied into them is seen at once. Should any other tensor change
  // (training, a weight load), the copy is dropped and forward runs the module
  // as loaded. Returns false, keeping the plain module, if the module cannot
  // be frozen. Built-in models fold their own way (no-op, true).
  bool freeze_for_inference(const std::vector<std::string>& live);
  bool frozen() const { return frozen_ != nullptr; }
  NamedTensors named_parameters() const;
  void train(bool on);

  // Module names of the BatchNorm layers.
  std::vector<std::string> batchnorm_layers() const;
  // BatchNorm layers in `layers` (all when empty) run in train mode so their
  // running statistics follow the data; with `cumulative` they restart and
  // average over every batch seen (built-in models; TorchScript ones keep
  // their exponential average). Other BatchNorm layers train only if
  // `others_train`. Call after train(true/false), which resets every layer.
  void set_bn_mode(const std::vector<std::string>& layers, bool others_train, bool cumulative);
  void restore_bn_momentum();
  bool is_builtin() const { return card_.format == "builtin"; }

  // Writes the weights (builtin: a plain {name: tensor} dict; torchscript: the
  // module with its current weights) and the card into `dir`.
  void save(const std::string& dir, const json& card_extra = json::object()) const;

 private:
  ModelCard card_;
  StreetNet net_{nullptr};
  std::map<std::string, c10::optional<double>> saved_momentum_;
  std::shared_ptr<torch::jit::Module> script_;
  std::shared_ptr<torch::jit::Module> frozen_;  // see freeze_for_inference
  std::vector<torch::Tensor> baked_;           // tensors frozen_ holds as constants
  int64_t baked_versions_ = 0;                 // the sum of their version counters when frozen
  int64_t baked_version_sum() const;
  torch::Tensor output_of(const c10::IValue& out) const;
};

}  // namespace gearnn
