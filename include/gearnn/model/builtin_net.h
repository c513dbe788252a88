#pragma once
// StreetNet: the compact segmentation network gearnn builds and trains itself.
// Depthwise-separable encoder to 1/16, LR-ASPP style context gate, and a
// decoder that adds skip logits at 1/8 and 1/4. BatchNorm everywhere.
#include <torch/torch.h>

#include "gearnn/common/json_io.h"

namespace gearnn {

struct StreetNetOptions {
  int num_classes = 8;
  std::vector<int64_t> widths{16, 32, 64, 128};  // stem, 1/4, 1/8, 1/16
  int64_t head = 64;                            // context channels
  static StreetNetOptions from_json(const json& arch, int num_classes, const std::string& source);
  json to_json() const;
};

// A convolution followed by an optional BatchNorm (eval mode), folded into one
// convolution for inference: weight * gamma / sqrt(var + eps), bias likewise,
// stored channels-last for oneDNN. Refolded when any of its source tensors
// changed since the last fold (tensor version counters), so overlaying a gear
// in place, training, or loading weights needs no call to keep it in step.
class FoldedConv {
 public:
  FoldedConv(torch::nn::Conv2d& conv, torch::nn::BatchNorm2d* bn) : conv_(conv), bn_(bn) {}
  torch::Tensor forward(const torch::Tensor& x);  // x channels-last
  void refresh();  // refolds if a source tensor changed

 private:
  std::vector<torch::Tensor> sources() const;
  torch::nn::Conv2d& conv_;
  torch::nn::BatchNorm2d* bn_;
  torch::Tensor weight_, bias_;
  std::vector<std::pair<const void*, int64_t>> folded_from_;  // (data, version) of each source
};

class DSConvImpl : public torch::nn::Module {
 public:
  DSConvImpl(int64_t in, int64_t out, int64_t stride, int64_t dilation);
  torch::Tensor forward(const torch::Tensor& x);
  torch::Tensor forward_folded(const torch::Tensor& x);  // inference only (StreetNetImpl::forward)
  void refresh_folded();

 private:
  torch::nn::Conv2d dw{nullptr}, pw{nullptr};
  torch::nn::BatchNorm2d dw_bn{nullptr}, pw_bn{nullptr};
  FoldedConv dw_folded{dw, &dw_bn}, pw_folded{pw, &pw_bn};
};
TORCH_MODULE(DSConv);

class StreetNetImpl : public torch::nn::Module {
 public:
  explicit StreetNetImpl(const StreetNetOptions& o);
  // Logits at 1/4 of the input size. Without gradients and with every layer in
  // eval mode, BatchNorm is folded into the convolutions (forward_folded);
  // otherwise the plain layers run (forward_plain), as training needs.
  torch::Tensor forward(const torch::Tensor& x);
  torch::Tensor forward_plain(const torch::Tensor& x);
  torch::Tensor forward_folded(const torch::Tensor& x);
  // Refolds the layers whose tensors changed (a gear switch calls it, so the
  // next forward starts at once); forward_folded does the same by itself.
  void refresh_folded();
  const StreetNetOptions& options() const { return opt_; }

 private:
  bool can_fold(const torch::Tensor& x) const;
  StreetNetOptions opt_;
  torch::nn::Conv2d stem{nullptr};
  torch::nn::BatchNorm2d stem_bn{nullptr};
  torch::nn::Sequential stage1{nullptr}, stage2{nullptr}, stage3{nullptr};
  torch::nn::Conv2d ctx{nullptr}, gate{nullptr}, cls16{nullptr}, cls8{nullptr}, cls4{nullptr};
  torch::nn::BatchNorm2d ctx_bn{nullptr};
  FoldedConv stem_folded{stem, &stem_bn}, ctx_folded{ctx, &ctx_bn}, gate_folded{gate, nullptr},
      cls16_folded{cls16, nullptr}, cls8_folded{cls8, nullptr}, cls4_folded{cls4, nullptr};
};
TORCH_MODULE(StreetNet);

}  // namespace gearnn
