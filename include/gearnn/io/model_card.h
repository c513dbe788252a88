#pragma once
// model.json: what a model directory holds and how to feed it.
#include <array>
#include <string>
#include <vector>

#include "gearnn/common/json_io.h"
#include "gearnn/io/label_io.h"

namespace gearnn {

struct ModelCard {
  std::string dir;        // the model directory
  std::string format;     // "torchscript" or "builtin"
  std::string file;       // weights / module file, relative to dir
  std::vector<std::string> classes;
  Palette palette;
  int input_width = 0, input_height = 0;
  std::array<float, 3> mean{0.485f, 0.456f, 0.406f}, std{0.229f, 0.224f, 0.225f};  // RGB in 0..1
  int ignore_index = 255;
  json arch;              // builtin only: architecture settings
  json extra;             // the whole card, for fields other tools add (training history...)

  std::string card_path() const { return dir + "/model.json"; }
  std::string weights_path() const { return dir + "/" + file; }
  int num_classes() const { return static_cast<int>(classes.size()); }
  json to_json() const;
};

// Reads and validates MODEL/model.json; every problem names the file. MODEL is
// a directory or the name of a shipped model (see shipped_data.h).
ModelCard load_model_card(const std::string& model);
void save_model_card(const ModelCard& card);

// Identity of a model directory: SHA-256 over the SHA-256 of model.json and of
// the weights file. Reports carry it; gear sets name it as base_model_hash.
std::string model_hash(const ModelCard& card);

}  // namespace gearnn
