#include <memory>

#include "command_options.h"
#include "commands.h"
#include "common_options.h"
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
  cmd->add_option("--widths", a.widths, "Channels at 1/2, 1/4, 1/8, 1/16")->delimiter(',')->expected(4);
  cmd->add_option("--head", a.head, "Context channels");
  cmd->add_option("--seed", a.seed, "Initialisation seed");
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
    for (const auto& c : json_get<std::vector<std::vector<int>>>(meta, "palette", a.meta)) {
      if (c.size() != 3) fail(a.meta, "palette entries must be [r, g, b]");
      card.palette.push_back({uint8_t(c[0]), uint8_t(c[1]), uint8_t(c[2])});
    }
    if (card.palette.size() != card.classes.size()) fail(a.meta, "palette and classes differ in length");
  }
  card.arch = {{"name", "streetnet"}, {"widths", a.widths}, {"head", a.head}};
  create_builtin_model(card, a.seed);
}

}  // namespace

void add_model_commands(CLI::App& app) {
  auto a = std::make_shared<InitModelArgs>();
  bind_init_model_options(app, *a)->callback([a] { init_model(*a); });
}

}  // namespace gearnn::cli
