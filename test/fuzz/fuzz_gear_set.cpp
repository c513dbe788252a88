// Fuzz target: a gear set's gears.json (load_gear_set), then the gear each of
// a few frames would get, as `gearnn run` and `gearnn probe` use it.
#include "fuzz_support.h"
#include "gearnn/gears/gear_set.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace gearnn;
  const std::string dir = fuzz::fresh_dir("gears");
  fuzz::write_file(dir + "/gears.json", data, size);
  // Gear files the seeds name, so sets that parse reach the selector.
  for (const char* file : {"qp20.pt", "qp40.pt", "dark.pt", "gear.pt"}) fuzz::write_file(dir + "/" + file, data, 0);
  fuzz::load_or_reject(dir, [&] {
    const GearSet set = load_gear_set(dir);
    GearSelector selector(set, 2);
    FrameFeatures f;
    for (double qp : {10.0, 30.0, 45.0, 30.0}) {
      f.qp = qp;
      f.luma = 4 * qp;
      selector.update(f);
    }
  });
  return 0;
}
