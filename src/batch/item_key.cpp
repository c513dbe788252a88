#include <filesystem>

#include "gearnn/batch/batch.h"
#include "gearnn/common/hashing.h"
#include "gearnn/gears/gear_set.h"
#include "gearnn/io/model_card.h"
#include "gearnn/io/playlist.h"
#include "gearnn/io/shipped_data.h"

namespace fs = std::filesystem;

namespace gearnn {

std::string item_key(const BatchItem& item, const BatchOptions& options, int threads) {
  json parts;
  if (fs::is_regular_file(item.input))
    parts["input"] = input_hash(item.input);  // a playlist: with the segments it names
  else if (item.input.find('%') != std::string::npos && fs::is_directory(fs::path(item.input).parent_path()))
    parts["input"] = sha256_directory(fs::path(item.input).parent_path().string());  // image sequence
  else
    fail(item.input, "input file not found");
  parts["gt"] = item.gt.empty() ? json(nullptr) : json(sha256_directory(item.gt));
  const ModelCard card = load_model_card(item.model);
  parts["model"] = model_hash(card);
  if (item.gears.empty()) {
    parts["gears"] = nullptr;
  } else {  // gears.json and every file it names (a combined set names files outside its directory)
    const GearSet cfg = load_gear_set(find_gear_set_dir(item.gears, card.dir));
    Sha256 h;
    h.update(sha256_file(cfg.dir + "/gears.json"));
    for (size_t i = 0; i < cfg.gears.size(); ++i)
      h.update(cfg.gears[i].file.empty() ? std::string("no file") : sha256_file(cfg.file_path(i)));
    parts["gears"] = h.hex();
  }
  parts["options"] = {{"masks", options.masks}, {"hold", options.hold}};
  if (options.check_neighbours > 0 && !item.gears.empty())  // changes the masks; off: keys as before
    parts["options"]["check"] = {options.check_neighbours, options.check_every};
  if (card.format == "torchscript") parts["options"]["threads"] = threads;
  return sha256_string(parts.dump());
}

}  // namespace gearnn
