#include "gearnn/model/torch_model.h"

#include <filesystem>
#include <set>

#include "gearnn/common/errors.h"

namespace gearnn {

// ---- TorchModel --------------------------------------------------------------

TorchModel::TorchModel(const ModelCard& card) : card_(card) {
  const std::string weights = card.weights_path();
  if (card.format == "builtin") {
    net_ = StreetNet(StreetNetOptions::from_json(card.arch, card.num_classes(), card.card_path()));
    const auto saved = load_tensor_dict(weights);
    torch::NoGradGuard no_grad;
    size_t used = 0;
    for (auto& [name, t] : named_tensors()) {
      auto it = saved.find(name);
      if (it == saved.end()) fail(weights, "tensor '" + name + "' missing (weights for another architecture?)");
      if (!it->second.sizes().equals(t.sizes()) || it->second.scalar_type() != t.scalar_type())
        fail(weights, "tensor '" + name + "' is " + shape_text(it->second) + " " +
                          std::string(c10::toString(it->second.scalar_type())) + ", the architecture needs " +
                          shape_text(t) + " " + c10::toString(t.scalar_type()));
      t.copy_(it->second);
      ++used;
    }
    if (used != saved.size()) fail(weights, "holds tensors the architecture does not have");
  } else {
    try {
      script_ = std::make_shared<torch::jit::Module>(torch::jit::load(weights));
    } catch (const std::exception&) {
      fail(weights, "not a loadable TorchScript module");
    }
  }
  train(false);
  // One forward at the input size checks the output shape against the card.
  torch::NoGradGuard no_grad;
  torch::Tensor out;
  try {
    out = forward(torch::zeros({1, 3, card.input_height, card.input_width}));
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    std::string what = e.what();
    fail(weights, "forward pass failed: " + what.substr(0, what.find('\n')));
  }
  if (out.dim() != 4 || out.size(1) != card.num_classes())
    fail(card.card_path(), "model outputs " + shape_text(out) + " but the card lists " +
                               std::to_string(card.num_classes()) + " classes");
}

void TorchModel::create_builtin(const ModelCard& card, uint64_t seed) {
  torch::manual_seed(seed);
  StreetNet net(StreetNetOptions::from_json(card.arch, card.num_classes(), card.card_path()));
  create_dirs(card.dir);
  std::map<std::string, torch::Tensor> tensors;
  for (const auto& item : net->named_parameters(true)) tensors[item.key()] = item.value();
  for (const auto& item : net->named_buffers(true)) tensors[item.key()] = item.value();
  ModelCard out = card;
  out.format = "builtin";
  out.arch = net->options().to_json();
  save_tensor_dict(out.weights_path(), tensors);
  save_model_card(out);
}

torch::Tensor TorchModel::forward(const torch::Tensor& x) {
  if (net_) return net_->forward(x);
  if (frozen_ && !torch::GradMode::is_enabled() && !script_->is_training()) {
    if (baked_version_sum() == baked_versions_) return output_of(frozen_->forward({x}));
    frozen_.reset();  // a baked tensor changed: the copy is stale for good
    baked_.clear();
  }
  return output_of(script_->forward({x}));
}

torch::Tensor TorchModel::output_of(const c10::IValue& out) const {
  if (out.isTensor()) return out.toTensor();
  if (out.isGenericDict()) {
    auto dict = out.toGenericDict();
    if (dict.contains("out")) return dict.at("out").toTensor();
  }
  fail(card_.weights_path(), "module output is neither a tensor nor a dict with key \"out\"");
}

torch::Tensor TorchModel::forward_plain(const torch::Tensor& x) {
  return net_ ? net_->forward_plain(x) : output_of(script_->forward({x}));
}

int64_t TorchModel::baked_version_sum() const {
  int64_t sum = 0;
  for (const auto& t : baked_) sum += static_cast<int64_t>(t._version());
  return sum;
}

bool TorchModel::freeze_for_inference(const std::vector<std::string>& live) {
  if (net_) return true;
  frozen_.reset();
  baked_.clear();
  const std::set<std::string> keep(live.begin(), live.end());
  try {
    script_->eval();
    torch::jit::Module f = torch::jit::freeze(*script_, live);
    f = torch::jit::optimize_for_inference(f);
    // Freezing copies the module: point each live attribute of the copy back
    // at this model's tensor, so an in-place gear switch reaches both.
    for (const auto& [name, t] : named_tensors()) {
      if (!keep.count(name)) {
        baked_.push_back(t);
        continue;
      }
      torch::jit::Module owner = f;
      std::string rest = name;
      for (auto dot = rest.find('.'); dot != std::string::npos; dot = rest.find('.')) {
        owner = owner.attr(rest.substr(0, dot)).toModule();
        rest = rest.substr(dot + 1);
      }
      owner.setattr(rest, t);
    }
    frozen_ = std::make_shared<torch::jit::Module>(std::move(f));
    baked_versions_ = baked_version_sum();
    return true;
  } catch (const std::exception&) {
    frozen_.reset();
    baked_.clear();
    return false;
  }
}

void TorchModel::tensors_changed() {
  if (net_) net_->refresh_folded();
}

NamedTensors TorchModel::named_parameters() const {
  NamedTensors out;
  if (net_) {
    for (const auto& item : net_->named_parameters(true)) out.emplace_back(item.key(), item.value());
  } else {
    for (const auto& item : script_->named_parameters(true)) out.emplace_back(item.name, item.value);
  }
  return out;
}

NamedTensors TorchModel::named_tensors() const {
  NamedTensors out = named_parameters();
  if (net_) {
    for (const auto& item : net_->named_buffers(true)) out.emplace_back(item.key(), item.value());
  } else {
    for (const auto& item : script_->named_buffers(true)) out.emplace_back(item.name, item.value);
  }
  return out;
}

void TorchModel::train(bool on) {
  if (net_)
    net_->train(on);
  else
    script_->train(on);
}

static bool is_batchnorm(const torch::jit::Module& m) {
  const auto type_name = m.type()->name();
  return type_name && type_name->qualifiedName().find("BatchNorm") != std::string::npos;
}

std::vector<std::string> TorchModel::batchnorm_layers() const {
  std::vector<std::string> out;
  if (net_) {
    for (const auto& item : net_->named_modules("", false))
      if (std::dynamic_pointer_cast<torch::nn::BatchNorm2dImpl>(item.value())) out.push_back(item.key());
  } else {
    for (const auto& item : script_->named_modules())
      if (!item.name.empty() && is_batchnorm(item.value)) out.push_back(item.name);
  }
  return out;
}

void TorchModel::set_bn_mode(const std::vector<std::string>& layers, bool others_train, bool cumulative) {
  auto chosen = [&](const std::string& name) {
    return layers.empty() || std::find(layers.begin(), layers.end(), name) != layers.end();
  };
  if (net_) {
    for (const auto& item : net_->named_modules("", false)) {
      auto bn = std::dynamic_pointer_cast<torch::nn::BatchNorm2dImpl>(item.value());
      if (!bn) continue;
      const bool on = chosen(item.key());
      bn->train(on || others_train);
      if (on && cumulative) {
        if (!saved_momentum_.count(item.key())) saved_momentum_[item.key()] = bn->options.momentum();
        bn->options.momentum(c10::nullopt);
        bn->reset_running_stats();
      }
    }
  } else {
    for (auto item : script_->named_modules())
      if (!item.name.empty() && is_batchnorm(item.value)) item.value.train(chosen(item.name) || others_train);
  }
}

void TorchModel::restore_bn_momentum() {
  if (!net_) return;
  for (const auto& item : net_->named_modules("", false)) {
    auto bn = std::dynamic_pointer_cast<torch::nn::BatchNorm2dImpl>(item.value());
    auto it = saved_momentum_.find(item.key());
    if (bn && it != saved_momentum_.end()) bn->options.momentum(it->second);
  }
  saved_momentum_.clear();
}

void TorchModel::save(const std::string& dir, const json& card_extra) const {
  create_dirs(dir);
  ModelCard card = card_;
  card.dir = dir;
  for (const auto& [k, v] : card_extra.items()) card.extra[k] = v;
  if (net_) {
    card.arch = net_->options().to_json();
    std::map<std::string, torch::Tensor> tensors;
    for (const auto& [name, t] : named_tensors()) tensors[name] = t;
    save_tensor_dict(card.weights_path(), tensors);
  } else {
    script_->save(temp_name(card.weights_path()));
    commit_temp(card.weights_path());
  }
  save_model_card(card);
}

}  // namespace gearnn
