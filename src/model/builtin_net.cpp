#include "gearnn/model/builtin_net.h"

#include "gearnn/common/errors.h"

namespace gearnn {

namespace nn = torch::nn;
namespace F = torch::nn::functional;

StreetNetOptions StreetNetOptions::from_json(const json& arch, int num_classes, const std::string& source) {
  StreetNetOptions o;
  o.num_classes = num_classes;
  if (!arch.is_object()) fail(source, "arch must be an object");
  const std::string name = arch.contains("name") ? json_get<std::string>(arch, "name", source) : "streetnet";
  if (name != "streetnet") fail(source, "unknown builtin architecture \"" + name + "\"");
  // Channel counts: integers (1e9 or 16.5 would reach LibTorch as sizes), named as in model.json.
  const json card = {{"arch", arch}};
  if (arch.contains("widths")) {
    if (!arch["widths"].is_array() || arch["widths"].size() != 4)
      fail(source, "/arch/widths: must list 4 channel counts");
    for (size_t i = 0; i < 4; ++i) o.widths[i] = json_int(card, "/arch/widths/" + std::to_string(i), 1, 4096, source);
  }
  o.head = json_int_or(card, "/arch/head", o.head, 1, 4096, source);
  return o;
}

json StreetNetOptions::to_json() const { return {{"name", "streetnet"}, {"widths", widths}, {"head", head}}; }

static nn::Conv2d conv(int64_t in, int64_t out, int64_t k, int64_t stride = 1, int64_t dilation = 1,
                       int64_t groups = 1, bool bias = false) {
  return nn::Conv2d(nn::Conv2dOptions(in, out, k)
                        .stride(stride)
                        .padding(dilation * (k / 2))
                        .dilation(dilation)
                        .groups(groups)
                        .bias(bias));
}

// A convolution whose result does not depend on the number of LibTorch
// threads. For a 1x1 convolution LibTorch 1.13 picks oneDNN with more than one
// thread and its own GEMM (here the reference BLAS) with one, and the two round
// differently: logits differed in their last bits between --threads 1 and 2,
// which moved a few pixels' argmax (docs/formats.md, "Threads"). Without
// gradients (inference) every convolution goes to oneDNN, which computes the
// same bits at any thread count (test/model/test_thread_independence.cpp), and
// at one thread is also faster than that GEMM. Training keeps LibTorch's choice.
static torch::Tensor convolve(nn::Conv2d& c, const torch::Tensor& x) {
  if (torch::GradMode::is_enabled() || !at::hasMKLDNN() || !x.device().is_cpu() || x.scalar_type() != torch::kFloat ||
      !c->weight.is_contiguous())
    return c->forward(x);
  const auto& o = c->options;
  const auto* padding = c10::get_if<torch::ExpandingArray<2>>(&o.padding());
  if (!padding) return c->forward(x);  // kValid / kSame: not used by StreetNet
  const c10::optional<torch::Tensor> bias = c->bias.defined() ? c10::optional<torch::Tensor>(c->bias) : c10::nullopt;
  return at::mkldnn_convolution(x.contiguous(), c->weight, bias, **padding, *o.stride(), *o.dilation(), o.groups());
}

DSConvImpl::DSConvImpl(int64_t in, int64_t out, int64_t stride, int64_t dilation) {
  dw = register_module("dw", conv(in, in, 3, stride, dilation, in));
  dw_bn = register_module("dw_bn", nn::BatchNorm2d(in));
  pw = register_module("pw", conv(in, out, 1));
  pw_bn = register_module("pw_bn", nn::BatchNorm2d(out));
}

torch::Tensor DSConvImpl::forward(const torch::Tensor& x) {
  auto y = torch::relu(dw_bn(convolve(dw, x)));
  return torch::relu(pw_bn(convolve(pw, y)));
}

StreetNetImpl::StreetNetImpl(const StreetNetOptions& o) : opt_(o) {
  const auto& w = o.widths;
  stem = register_module("stem", conv(3, w[0], 3, 2));
  stem_bn = register_module("stem_bn", nn::BatchNorm2d(w[0]));
  stage1 = register_module("stage1", nn::Sequential(DSConv(w[0], w[1], 2, 1), DSConv(w[1], w[1], 1, 1)));
  stage2 = register_module("stage2", nn::Sequential(DSConv(w[1], w[2], 2, 1), DSConv(w[2], w[2], 1, 1)));
  stage3 = register_module("stage3", nn::Sequential(DSConv(w[2], w[3], 2, 1), DSConv(w[3], w[3], 1, 2),
                                                    DSConv(w[3], w[3], 1, 4)));
  ctx = register_module("ctx", conv(w[3], o.head, 1));
  ctx_bn = register_module("ctx_bn", nn::BatchNorm2d(o.head));
  gate = register_module("gate", conv(w[3], o.head, 1, 1, 1, 1, true));
  cls16 = register_module("cls16", conv(o.head, o.num_classes, 1, 1, 1, 1, true));
  cls8 = register_module("cls8", conv(w[2], o.num_classes, 1, 1, 1, 1, true));
  cls4 = register_module("cls4", conv(w[1], o.num_classes, 1, 1, 1, 1, true));
}

static torch::Tensor upsample_to(const torch::Tensor& x, const torch::Tensor& like) {
  return F::interpolate(x, F::InterpolateFuncOptions()
                               .size(std::vector<int64_t>{like.size(2), like.size(3)})
                               .mode(torch::kBilinear)
                               .align_corners(false));
}

torch::Tensor StreetNetImpl::forward(const torch::Tensor& x) {
  auto s2 = torch::relu(stem_bn(convolve(stem, x)));
  auto s4 = stage1->forward(s2);
  auto s8 = stage2->forward(s4);
  auto s16 = stage3->forward(s8);
  // Context: local features gated by a global summary of the scene.
  auto a = torch::relu(ctx_bn(convolve(ctx, s16)));
  auto g = torch::sigmoid(convolve(gate, F::adaptive_avg_pool2d(s16, F::AdaptiveAvgPool2dFuncOptions(1))));
  auto y = convolve(cls16, a * g);
  y = upsample_to(y, s8) + convolve(cls8, s8);
  y = upsample_to(y, s4) + convolve(cls4, s4);
  return y;
}

}  // namespace gearnn
