// Fuzz target: a model directory's model.json (load_model_card), then the card
// written back as commands that update it do (save_model_card's JSON).
#include "fuzz_support.h"
#include "gearnn/io/model_card.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace gearnn;
  const std::string dir = fuzz::fresh_dir("model");
  fuzz::write_file(dir + "/model.json", data, size);
  fuzz::write_file(dir + "/weights.pt", data, 0);  // the file the seeds name, so cards that parse load fully
  fuzz::load_or_reject(dir, [&] {
    const ModelCard card = load_model_card(dir);
    (void)json_text(card.to_json(), 2);
  });
  return 0;
}
