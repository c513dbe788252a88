#pragma once
// {name: tensor} dict files (.pt): model weights and gears. Reading one is the
// only place tensors come from untrusted bytes, so every tensor is checked here.
#include <torch/torch.h>

#include <map>
#include <string>

namespace gearnn {

// Reads a {name: tensor} dict written by torch::pickle_save or Python's
// torch.save(dict). Every tensor's layout is checked (check_tensor_layout), and
// floating-point values must be finite; any problem is an Error naming the file.
std::map<std::string, torch::Tensor> load_tensor_dict(const std::string& path);
void save_tensor_dict(const std::string& path, const std::map<std::string, torch::Tensor>& tensors);

// A tensor unpickled from a file may describe any layout: its dtype must be a
// plain number type, and the elements its sizes, strides and storage offset
// reach must lie inside its storage. Throws an Error naming `path` and `name`.
void check_tensor_layout(const torch::Tensor& t, const std::string& path, const std::string& name);

std::string shape_text(const torch::Tensor& t);

}  // namespace gearnn
