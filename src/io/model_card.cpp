#include "gearnn/io/model_card.h"

#include <filesystem>

#include "gearnn/common/errors.h"
#include "gearnn/common/hashing.h"
#include "gearnn/io/shipped_data.h"

namespace gearnn {

ModelCard load_model_card(const std::string& model) {
  const std::string dir = find_model_dir(model);
  ModelCard card;
  card.dir = dir;
  const std::string path = card.card_path();
  if (!std::filesystem::is_directory(dir)) fail(dir, "model directory not found");
  const json j = read_json_file(path);
  if (!j.is_object()) fail(path, "model card must be a JSON object");
  card.extra = j;
  card.format = json_get<std::string>(j, "format", path);
  if (card.format != "torchscript" && card.format != "builtin")
    fail(path, "format must be \"torchscript\" or \"builtin\", not \"" + card.format + "\"");
  card.file = json_get<std::string>(j, "file", path);
  card.classes = json_get<std::vector<std::string>>(j, "classes", path);
  if (card.classes.empty() || card.classes.size() > 255) fail(path, "classes must list 1 to 255 names");
  const auto pal = json_get<std::vector<std::vector<int>>>(j, "palette", path);
  if (pal.size() != card.classes.size()) fail(path, "palette must have one RGB colour per class");
  for (const auto& c : pal) {
    if (c.size() != 3) fail(path, "each palette entry must be [r, g, b]");
    for (int v : c)
      if (v < 0 || v > 255) fail(path, "palette values must be 0..255");
    card.palette.push_back({static_cast<uint8_t>(c[0]), static_cast<uint8_t>(c[1]), static_cast<uint8_t>(c[2])});
  }
  const json in = json_get<json>(j, "input", path);
  if (!in.is_object()) fail(path, "input must be an object");
  card.input_width = json_get<int>(in, "width", path);
  card.input_height = json_get<int>(in, "height", path);
  if (card.input_width < 8 || card.input_height < 8) fail(path, "input width and height must be at least 8");
  if (in.contains("mean")) {
    const auto m = json_get<std::vector<float>>(in, "mean", path);
    if (m.size() != 3) fail(path, "input.mean must have 3 values (RGB)");
    card.mean = {m[0], m[1], m[2]};
  }
  if (in.contains("std")) {
    const auto s = json_get<std::vector<float>>(in, "std", path);
    if (s.size() != 3 || s[0] <= 0 || s[1] <= 0 || s[2] <= 0) fail(path, "input.std must have 3 positive values");
    card.std = {s[0], s[1], s[2]};
  }
  card.ignore_index = j.contains("ignore_index") ? json_get<int>(j, "ignore_index", path) : 255;
  if (card.ignore_index < card.num_classes() || card.ignore_index > 255)
    fail(path, "ignore_index must be above the class ids and at most 255");
  card.arch = j.contains("arch") ? j["arch"] : json::object();
  if (!std::filesystem::is_regular_file(card.weights_path()))
    fail(card.weights_path(), "model file named by " + path + " not found");
  return card;
}

json ModelCard::to_json() const {
  json j = extra.is_object() ? extra : json::object();
  j["format"] = format;
  j["file"] = file;
  j["classes"] = classes;
  json pal = json::array();
  for (const auto& c : palette) pal.push_back({c[0], c[1], c[2]});
  j["palette"] = pal;
  j["input"] = {{"width", input_width}, {"height", input_height}, {"mean", mean}, {"std", std}};
  j["ignore_index"] = ignore_index;
  if (format == "builtin") j["arch"] = arch;
  return j;
}

void save_model_card(const ModelCard& card) { write_json_file(card.card_path(), card.to_json()); }

std::string model_hash(const ModelCard& card) {
  Sha256 h;
  h.update(sha256_file(card.card_path()));
  h.update(sha256_file(card.weights_path()));
  return h.hex();
}

}  // namespace gearnn
