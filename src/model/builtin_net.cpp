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

std::vector<torch::Tensor> FoldedConv::sources() const {
  std::vector<torch::Tensor> t{conv_->weight};
  if (conv_->bias.defined()) t.push_back(conv_->bias);
  if (bn_) {
    const auto& bn = **bn_;
    for (const auto& b : {bn.weight, bn.bias, bn.running_mean, bn.running_var})
      if (b.defined()) t.push_back(b);
  }
  return t;
}

void FoldedConv::refresh() {
  const auto src = sources();
  bool stale = src.size() != folded_from_.size();
  for (size_t i = 0; !stale && i < src.size(); ++i)
    stale = folded_from_[i] != std::make_pair(static_cast<const void*>(src[i].data_ptr()), src[i]._version());
  if (!stale) return;
  // Plain loops over the few floats involved, into buffers kept from the last
  // fold: a switch refolds several layers, and LibTorch ops (even detach) cost
  // microseconds each, more than the arithmetic.
  auto floats = [](const torch::Tensor& t) {
    return !t.defined() || (t.scalar_type() == torch::kFloat && t.is_contiguous()) ? t
                                                                                    : t.detach().to(torch::kFloat).contiguous();
  };
  const torch::Tensor w = floats(conv_->weight), conv_bias = floats(conv_->bias);
  const int64_t out = w.size(0), in = w.size(1), taps = w.size(2) * w.size(3);
  if (!weight_.defined()) {
    weight_ = torch::empty(w.sizes(), w.options().memory_format(at::MemoryFormat::ChannelsLast));
    bias_ = torch::empty({out}, w.options());
  }
  std::vector<float> scale(out, 1.0f);
  float* shift = bias_.data_ptr<float>();
  for (int64_t o = 0; o < out; ++o) shift[o] = conv_bias.defined() ? conv_bias.data_ptr<float>()[o] : 0.0f;
  if (bn_) {
    const auto& bn = **bn_;
    const torch::Tensor mean = floats(bn.running_mean), var = floats(bn.running_var), gamma = floats(bn.weight),
                        beta = floats(bn.bias);
    const double eps = bn.options.eps();
    for (int64_t o = 0; o < out; ++o) {
      const float g = gamma.defined() ? gamma.data_ptr<float>()[o] : 1.0f;
      scale[o] = static_cast<float>(g / std::sqrt(static_cast<double>(var.data_ptr<float>()[o]) + eps));
      shift[o] = (shift[o] - mean.data_ptr<float>()[o]) * scale[o] + (beta.defined() ? beta.data_ptr<float>()[o] : 0.0f);
    }
  }
  // Channels-last: [out][kh][kw][in] in memory, the layout oneDNN takes without a reorder.
  const float* src_w = w.data_ptr<float>();
  float* dst_w = weight_.data_ptr<float>();
  for (int64_t o = 0; o < out; ++o)
    for (int64_t i = 0; i < in; ++i)
      for (int64_t k = 0; k < taps; ++k)
        dst_w[(o * taps + k) * in + i] = src_w[(o * in + i) * taps + k] * scale[o];
  folded_from_.clear();
  for (const auto& t : src) folded_from_.emplace_back(t.data_ptr(), t._version());
}

torch::Tensor FoldedConv::forward(const torch::Tensor& x) {
  refresh();
  const auto& o = conv_->options;
  const auto& padding = c10::get<torch::ExpandingArray<2>>(o.padding());
  return at::mkldnn_convolution(x, weight_, bias_, *padding, *o.stride(), *o.dilation(), o.groups());
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

void DSConvImpl::refresh_folded() {
  dw_folded.refresh();
  pw_folded.refresh();
}

torch::Tensor DSConvImpl::forward_folded(const torch::Tensor& x) {
  return pw_folded.forward(dw_folded.forward(x).relu_()).relu_();
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

// Folding needs frozen statistics (every BatchNorm in eval mode, as
// set_bn_mode may train some alone), no autograd, and oneDNN on CPU floats.
bool StreetNetImpl::can_fold(const torch::Tensor& x) const {
  if (torch::GradMode::is_enabled() || !at::hasMKLDNN() || !x.device().is_cpu() || x.scalar_type() != torch::kFloat)
    return false;
  for (const auto& m : modules(/*include_self=*/true))
    if (m->is_training()) return false;
  return true;
}

torch::Tensor StreetNetImpl::forward(const torch::Tensor& x) { return can_fold(x) ? forward_folded(x) : forward_plain(x); }

void StreetNetImpl::refresh_folded() {
  if (!at::hasMKLDNN()) return;
  torch::NoGradGuard no_grad;
  for (auto* f : {&stem_folded, &ctx_folded, &gate_folded, &cls16_folded, &cls8_folded, &cls4_folded}) f->refresh();
  for (auto* stage : {&stage1, &stage2, &stage3})
    for (const auto& m : **stage) m.get<DSConv>()->refresh_folded();
}

torch::Tensor StreetNetImpl::forward_folded(const torch::Tensor& x) {
  auto s2 = stem_folded.forward(x.contiguous(at::MemoryFormat::ChannelsLast)).relu_();
  auto run_stage = [](torch::nn::Sequential& stage, torch::Tensor y) {
    for (const auto& m : *stage) y = m.get<DSConv>()->forward_folded(y);
    return y;
  };
  auto s4 = run_stage(stage1, s2);
  auto s8 = run_stage(stage2, s4);
  auto s16 = run_stage(stage3, s8);
  auto a = ctx_folded.forward(s16).relu_();
  auto g = gate_folded.forward(F::adaptive_avg_pool2d(s16, F::AdaptiveAvgPool2dFuncOptions(1))).sigmoid_();
  auto y = cls16_folded.forward(a.mul_(g));
  y = upsample_to(y, s8).add_(cls8_folded.forward(s8));
  y = upsample_to(y, s4).add_(cls4_folded.forward(s4));
  return y;
}

torch::Tensor StreetNetImpl::forward_plain(const torch::Tensor& x) {
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
