#include <memory>

#include "command_options.h"
#include "commands.h"
#include "common_options.h"
#include "gearnn/common/json_io.h"
#include "gearnn/common/errors.h"
#include "gearnn/io/model_card.h"
#include "gearnn/model/segmenter.h"
#include "gearnn/synth/street_scene.h"

namespace gearnn::cli {

CLI::App* bind_init_model_options(CLI::App& app, InitModelArgs& a) {
  CLI::App* cmd = add_command(app, "init-model", "Create a built-in StreetNet model with random weights");
  cmd->add_option("--out", a.out, "Model directory to create")->required();
  cmd->add_option("--meta", a.meta, "Take classes and palette from this meta.json (default: synth street classes)");
  cmd->add_option("--width", a.width, "Network input width")->check(CLI::Range(16, 8192));
  cmd->add_option("--height", a.height, "Network input height")->check(CLI::Range(16, 8192));
  cmd->add_option("--widths", a.widths, "Channels at 1/2, 1/4, 1/8, 1/16")
      ->delimiter(',')
      ->expected(4)
      ->check(CLI::Range(1, 4096));
  cmd->add_option("--head", a.head, "Context channels")->check(CLI::Range(1, 4096));
  add_seed_option(cmd, a.seed, "Initialisation seed");
  return tidy_defaults(cmd);
}

namespace {

void init_model(const InitModelArgs& a) {
  ModelCard card;
  card.dir = a.out;
  card.format = "builtin";
  card.file = "weights.pt";
  card.input_width = a.width;
  card.input_height = a.height;
  if (a.meta.empty()) {
    card.classes = street_class_names();
    card.palette.assign(street_palette().begin(), street_palette().end());
  } else {
    const json meta = read_json_file(a.meta);
    card.classes = json_get<std::vector<std::string>>(meta, "classes", a.meta);
    // As model.json requires: ids fit a byte, below the ignore index.
    if (card.classes.empty() || card.classes.size() > 255) fail(a.meta, "classes must list 1 to 255 names");
    const json& palette = json_get<json>(meta, "palette", a.meta);
    if (!palette.is_array() || palette.size() != card.classes.size())
      fail(a.meta, "palette must list one [r, g, b] per class");
    for (size_t i = 0; i < palette.size(); ++i) {
      const std::string at = "/palette/" + std::to_string(i);
      if (!palette[i].is_array() || palette[i].size() != 3) fail(a.meta, at + ": must be [r, g, b]");
      std::array<uint8_t, 3> c{};
      for (int k = 0; k < 3; ++k) c[k] = uint8_t(json_int(meta, at + "/" + std::to_string(k), 0, 255, a.meta));
      card.palette.push_back(c);
    }
  }
  card.arch = {{"name", "streetnet"}, {"widths", a.widths}, {"head", a.head}};
  create_builtin_model(card, a.seed);
}

}  // namespace

void add_model_commands(CLI::App& app) {
  auto a = std::make_shared<InitModelArgs>();
  bind_init_model_options(app, *a)->callback([a] {
    check_output_dir(a->out);
    init_model(*a);
  });
}

}  // namespace gearnn::cli
