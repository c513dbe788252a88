#include "gearnn/io/model_card.h"

#include <filesystem>

#include "gearnn/common/errors.h"
#include "gearnn/common/hashing.h"
#include "gearnn/io/shipped_data.h"

namespace gearnn {

namespace {

// model.json's fields, checked before anything is built from them (a huge
// input size would otherwise surface as a failed forward pass of the weights).
void read_card(const json& j, const std::string& path, ModelCard& card) {
  if (!j.is_object()) fail(path, "model card must be a JSON object");
  card.extra = j;
  card.format = json_get<std::string>(j, "format", path);
  if (card.format != "torchscript" && card.format != "builtin")
    fail(path, "format must be \"torchscript\" or \"builtin\", not \"" + card.format + "\"");
  card.file = json_get<std::string>(j, "file", path);
  if (card.file.empty()) fail(path, "/file: must name the weights file");
  card.classes = json_get<std::vector<std::string>>(j, "classes", path);
  if (card.classes.empty() || card.classes.size() > 255) fail(path, "classes must list 1 to 255 names");
  const json& pal = json_get<json>(j, "palette", path);
  if (!pal.is_array() || pal.size() != card.classes.size()) fail(path, "palette must have one RGB colour per class");
  for (size_t i = 0; i < pal.size(); ++i) {
    const std::string at = "/palette/" + std::to_string(i);
    if (!pal[i].is_array() || pal[i].size() != 3) fail(path, at + ": each palette entry must be [r, g, b]");
    std::array<uint8_t, 3> c{};
    for (int k = 0; k < 3; ++k) c[k] = static_cast<uint8_t>(json_int(j, at + "/" + std::to_string(k), 0, 255, path));
    card.palette.push_back(c);
  }
  if (!json_get<json>(j, "input", path).is_object()) fail(path, "input must be an object");
  const json& in = j.at("input");
  card.input_width = static_cast<int>(json_int(j, "/input/width", 8, 8192, path));
  card.input_height = static_cast<int>(json_int(j, "/input/height", 8, 8192, path));
  for (const char* key : {"mean", "std"})
    if (in.contains(key) && (!in.at(key).is_array() || in.at(key).size() != 3))
      fail(path, std::string("/input/") + key + ": must list 3 numbers (RGB)");
  for (int k = 0; k < 3; ++k) {
    const std::string i = std::to_string(k);
    card.mean[k] = static_cast<float>(json_number_or(j, "/input/mean/" + i, card.mean[k], -1e3, 1e3, path));
    card.std[k] = static_cast<float>(json_number_or(j, "/input/std/" + i, card.std[k], 1e-6, 1e3, path));
  }
  card.ignore_index = static_cast<int>(json_int_or(j, "/ignore_index", 255, 0, 255, path));
  if (card.ignore_index < card.num_classes()) fail(path, "ignore_index must be above the class ids and at most 255");
  card.arch = j.contains("arch") ? j["arch"] : json::object();
}

}  // namespace

ModelCard load_model_card(const std::string& model) {
  const std::string dir = find_model_dir(model);
  ModelCard card;
  card.dir = dir;
  const std::string path = card.card_path();
  if (!std::filesystem::is_directory(dir)) fail(dir, "model directory not found");
  const json j = read_json_file(path);
  naming_json_errors(path, [&] { read_card(j, path, card); });
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
