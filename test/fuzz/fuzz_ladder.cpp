// Fuzz target: a distortion ladder (load_ladder, configs/ladders/*.json), each
// level's settings checked as `gearnn distort` and fit-gears read them.
#include "fuzz_support.h"
#include "gearnn/datasets/ladder.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace gearnn;
  const std::string path = fuzz::scratch_dir() + "/ladder.json";
  fuzz::write_file(path, data, size);
  fuzz::load_or_reject(path, [&] { (void)load_ladder(path); });
  return 0;
}
