// Fuzz target: the two files of `gearnn select`. The same bytes are read as
// its input, sensitivity scores (run_select, then its table), and as its
// output, a selection (read_gear_selection, as fit-gears reads it).
#include "fuzz_support.h"
#include "gearnn/gears/tensor_selection.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace gearnn;
  const std::string path = fuzz::scratch_dir() + "/selection.json";
  fuzz::write_file(path, data, size);
  fuzz::load_or_reject(path, [&] { (void)read_gear_selection(path); });
  SelectJob job;
  job.scores = path;
  // A fixed small budget: the exact knapsack's table grows with --budget by
  // design (up to max_knapsack_units), which is not what this target is about.
  job.budget = "4096";
  for (const char* mode : {"per-level", "shared"}) {
    job.mode = mode;
    fuzz::load_or_reject(path, [&] { (void)selection_table(run_select(job)); });
  }
  return 0;
}
