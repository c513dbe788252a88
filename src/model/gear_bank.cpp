#include "gearnn/model/gear_bank.h"

#include <map>

#include "gearnn/common/errors.h"
#include "gearnn/common/hashing.h"
#include "gearnn/model/torch_model.h"

namespace gearnn {

struct GearBank::Impl {
  GearSet config;
  std::string hash;
  TorchModel* model = nullptr;
  std::vector<torch::Tensor> live;  // model tensors touched by any gear
  std::vector<torch::Tensor> base;  // their base values
  std::vector<std::string> names;
  // Per gear: (index into live, value).
  std::vector<std::vector<std::pair<size_t, torch::Tensor>>> gears;
  GearBlend state;               // what is in place
  std::vector<size_t> touched;   // live tensors that differ from base now
};

GearBank::GearBank(const GearSet& config, Segmenter& model) : impl_(new Impl) {
  Impl& d = *impl_;
  d.config = config;
  d.model = &model.torch_model();
  const std::string json_path = config.dir + "/gears.json";
  if (config.raw.contains("base_model_hash") && config.raw["base_model_hash"].is_string() &&
      config.raw["base_model_hash"].get<std::string>() != model.hash())
    fail(json_path, "gear set was built for another model (base_model_hash differs from " +
                        model.card().dir + ")");
  std::map<std::string, torch::Tensor> model_tensors;
  for (auto& [name, t] : model.torch_model().named_tensors()) model_tensors[name] = t;
  std::map<std::string, size_t> slot;
  Sha256 h;
  h.update(sha256_file(json_path));
  for (size_t g = 0; g < config.gears.size(); ++g) {
    std::vector<std::pair<size_t, torch::Tensor>> entries;
    if (config.gears[g].file.empty()) {  // "file": null keeps the base weights
      h.update("no file");
      d.gears.push_back(std::move(entries));
      continue;
    }
    const std::string path = config.file_path(g);
    h.update(sha256_file(path));
    const auto tensors = load_tensor_dict(path);
    if (tensors.empty())
      fail(path, "holds no tensors (a gear that changes none has \"file\": null in " + json_path + ")");
    for (auto& [name, value] : tensors) {
      auto it = model_tensors.find(name);
      if (it == model_tensors.end())
        fail(path, "tensor '" + name + "' is not in the model " + model.card().dir + " (gear for another model?)");
      const torch::Tensor& target = it->second;
      if (!value.sizes().equals(target.sizes()))
        fail(path, "tensor '" + name + "' has shape " + shape_text(value) + ", the model's is " + shape_text(target));
      if (value.scalar_type() != target.scalar_type())
        fail(path, "tensor '" + name + "' has dtype " + std::string(c10::toString(value.scalar_type())) +
                       ", the model's is " + c10::toString(target.scalar_type()));
      auto [pos, added] = slot.emplace(name, d.live.size());
      if (added) {
        d.live.push_back(target);
        d.base.push_back(target.detach().clone());
        d.names.push_back(name);
      }
      entries.emplace_back(pos->second, value.contiguous());
    }
    d.gears.push_back(std::move(entries));
  }
  d.hash = h.hex();
}

GearBank::~GearBank() = default;

void GearBank::apply(int gear) { apply_blend({gear, gear, 0.0}); }

void GearBank::apply_blend(const GearBlend& blend) {
  Impl& d = *impl_;
  if (blend == d.state) return;
  const int n = static_cast<int>(d.gears.size());
  if (blend.lo < -1 || blend.lo >= n || blend.hi < -1 || blend.hi >= n || !(blend.t >= 0 && blend.t < 1))
    throw Error("", "gear index or blend weight out of range");
  torch::NoGradGuard no_grad;
  // Each live tensor's value in the two gears (null: the gear leaves it at base).
  std::vector<const torch::Tensor*> lo(d.live.size(), nullptr), hi(d.live.size(), nullptr);
  if (blend.lo >= 0)
    for (const auto& e : d.gears[blend.lo]) lo[e.first] = &e.second;
  if (blend.hi >= 0)
    for (const auto& e : d.gears[blend.hi]) hi[e.first] = &e.second;
  for (size_t i : d.touched)
    if (!lo[i] && !hi[i]) d.live[i].copy_(d.base[i]);
  d.touched.clear();
  for (size_t i = 0; i < d.live.size(); ++i) {
    if (!lo[i] && !hi[i]) continue;
    const torch::Tensor& a = lo[i] ? *lo[i] : d.base[i];
    const torch::Tensor& z = hi[i] ? *hi[i] : d.base[i];
    if (blend.lo == blend.hi || blend.t == 0 || !d.live[i].is_floating_point())
      d.live[i].copy_(blend.t < 0.5 ? a : z);
    else
      at::lerp_out(d.live[i], a, z, blend.t);
    d.touched.push_back(i);
  }
  d.state = blend;
  d.model->tensors_changed();  // refold the touched layers: part of the switch's cost
}

int GearBank::active() const { return impl_->state.lo == impl_->state.hi ? impl_->state.lo : -2; }
const GearSet& GearBank::config() const { return impl_->config; }
std::string GearBank::hash() const { return impl_->hash; }

int64_t GearBank::gear_bytes() const {
  int64_t bytes = 0;
  for (const auto& g : impl_->gears)
    for (const auto& e : g) bytes += e.second.numel() * e.second.element_size();
  return bytes;
}

int64_t GearBank::backup_bytes() const {
  int64_t bytes = 0;
  for (const auto& t : impl_->base) bytes += t.numel() * t.element_size();
  return bytes;
}

const std::vector<std::string>& GearBank::live_tensor_names() const { return impl_->names; }

std::vector<std::string> GearBank::tensor_names(int gear) const {
  std::vector<std::string> out;
  for (const auto& e : impl_->gears.at(gear)) out.push_back(impl_->names[e.first]);
  return out;
}

}  // namespace gearnn
