#pragma once
// `gearnn batch`: runs `gearnn run` over every item of a JSON Lines manifest,
// each into OUT/<id>/, as child processes. Resumable (an item whose complete
// report carries the same key is skipped), shardable (a stable hash of the id
// picks the shard) and failure-tolerant (failures go to OUT/failures.jsonl).
#include <cstdint>
#include <string>
#include <vector>

#include "gearnn/common/json_io.h"

namespace gearnn {

struct BatchItem {
  std::string id;
  std::string input;   // resolved against the manifest's directory
  std::string gt;      // optional
  std::string model;
  std::string gears;   // optional
  int line = 0;        // 1-based line in the manifest
};

struct Shard {
  int index = 0, count = 1;  // 0 <= index < count
  // Parses "I/N"; throws Error naming the option on a bad value.
  static Shard parse(const std::string& text);
  bool contains(const std::string& id) const;
};

// Reads the manifest; defaults fill an item's missing model/gears. Throws an
// Error naming MANIFEST:LINE for malformed JSON, unknown or missing keys, bad
// or duplicate ids, or an item left without a model.
std::vector<BatchItem> read_manifest(const std::string& path, const std::string& default_model,
                                     const std::string& default_gears);

// An id becomes a directory name: letters, digits, '.', '_', '-'; not starting with '.'.
bool valid_item_id(const std::string& id);

struct BatchOptions {
  std::string manifest;
  std::string out_dir;
  std::string model, gears;    // defaults for items that name none
  std::string masks = "ids";   // as `gearnn run --masks`
  int hold = 1;
  int batch = 1;  // frames a forward in each run (results equal within float rounding: not in the key)
  int check_neighbours = 0;    // as `gearnn run --check-neighbours`, for items with gears
  int check_every = 10;        // as `gearnn run --check-every`
  int jobs = 1;                // items run at once
  int threads = 0;             // LibTorch threads per item; 0 = cores / jobs (one job: cores - 1, as run)
  Shard shard;
  bool progress = true;        // one updating line on a terminal, else a line per item
  std::string gearnn_exe;      // the binary to run items with (normally this one)
};

struct BatchSummary {
  int items = 0;      // in this shard
  int skipped = 0;    // already complete with the same key
  int done = 0;       // completed now
  int failed = 0;
  int64_t frames = 0; // frames segmented now
  double seconds = 0;
  std::string thread_plan;
};

// Identity of one item's result: inputs, labels, model, gears (by content
// hash) and the options that change outputs. Throws Error if an input is missing.
// Built-in models give the same masks at any thread count; a TorchScript
// model's convolution kernels depend on it (LibTorch's choice), so for those
// the item's LibTorch `threads` are part of the key.
std::string item_key(const BatchItem& item, const BatchOptions& options, int threads);

BatchSummary run_batch(const BatchOptions& options);

}  // namespace gearnn
