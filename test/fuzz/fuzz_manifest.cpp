// Fuzz target: a batch manifest (read_manifest, JSON Lines), and the shard
// each item falls in, as `gearnn batch --shard` picks them.
#include "fuzz_support.h"
#include "gearnn/batch/batch.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace gearnn;
  const std::string path = fuzz::scratch_dir() + "/manifest.jsonl";
  fuzz::write_file(path, data, size);
  fuzz::load_or_reject(path, [&] {
    const Shard shard = Shard::parse("1/3");
    for (const BatchItem& item : read_manifest(path, "model-dir", "")) (void)shard.contains(item.id);
  });
  return 0;
}
