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

class DSConvImpl : public torch::nn::Module {
 public:
  DSConvImpl(int64_t in, int64_t out, int64_t stride, int64_t dilation);
  torch::Tensor forward(const torch::Tensor& x);

 private:
  torch::nn::Conv2d dw{nullptr}, pw{nullptr};
  torch::nn::BatchNorm2d dw_bn{nullptr}, pw_bn{nullptr};
};
TORCH_MODULE(DSConv);

class StreetNetImpl : public torch::nn::Module {
 public:
  explicit StreetNetImpl(const StreetNetOptions& o);
  torch::Tensor forward(const torch::Tensor& x);  // logits at 1/4 of the input size
  const StreetNetOptions& options() const { return opt_; }

 private:
  StreetNetOptions opt_;
  torch::nn::Conv2d stem{nullptr};
  torch::nn::BatchNorm2d stem_bn{nullptr};
  torch::nn::Sequential stage1{nullptr}, stage2{nullptr}, stage3{nullptr};
  torch::nn::Conv2d ctx{nullptr}, gate{nullptr}, cls16{nullptr}, cls8{nullptr}, cls4{nullptr};
  torch::nn::BatchNorm2d ctx_bn{nullptr};
};
TORCH_MODULE(StreetNet);

}  // namespace gearnn
