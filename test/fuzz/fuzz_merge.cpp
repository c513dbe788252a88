// Fuzz target: what `gearnn merge` reads. The input is cut at NUL bytes into
// up to four files: BATCH/a/report.json, BATCH/b/report.json,
// BATCH/failures.jsonl and RUN/report.json (a single run directory, merged
// with the batch when that part is there).
#include "fuzz_support.h"
#include "gearnn/metrics/merge_reports.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace gearnn;
  const std::string root = fuzz::fresh_dir("merge");
  const std::string batch = root + "/batch", run = root + "/run";
  const std::vector<std::string> parts = fuzz::split_at_nul(data, size);
  const std::string files[] = {batch + "/a/report.json", batch + "/b/report.json", batch + "/failures.jsonl",
                               run + "/report.json"};
  for (size_t i = 0; i < parts.size() && i < 4; ++i) {
    std::filesystem::create_directories(std::filesystem::path(files[i]).parent_path());
    fuzz::write_file(files[i], reinterpret_cast<const uint8_t*>(parts[i].data()), parts[i].size());
  }
  std::vector<std::string> paths{batch};
  if (parts.size() >= 4) paths.push_back(run);
  fuzz::load_or_reject(root, [&] { (void)json_text(merge_reports(paths), 2); });
  return 0;
}
