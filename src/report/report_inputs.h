#pragma once
// What a page is drawn from, read into plain structs: a run directory
// (report.json, frames.jsonl), or a batch directory / merged report (the
// merged JSON plus the frames of the items that get charts). Everything the
// pages need from disk, except sample frames, is read here.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "gearnn/common/json_io.h"
#include "gearnn/io/label_io.h"

namespace gearnn::html {

using Opt = std::optional<double>;  // a number a report may lack

// obj[key] when obj is an object with a number (text: a string) there;
// otherwise nothing (text: `fallback`), so odd reports still render.
Opt number(const json& obj, const char* key);
std::string text(const json& obj, const char* key, const std::string& fallback = "");

// One line of frames.jsonl.
struct FrameRow {
  int64_t frame = 0;
  Opt miou, agreement, qp, luma;  // agreement: with the reference (--reference)
  std::string gear = "base";
};

struct Frames {
  std::vector<FrameRow> rows;
  bool found = false;  // frames.jsonl exists
  int bad_lines = 0;   // skipped: not JSON, or no frame index (an integer from 0)
};

// DIR/frames.jsonl; a missing file gives found = false, not an error.
Frames read_frames(const std::string& dir);

// Mean of `field` over the rows that have it.
Opt mean_of(const std::vector<FrameRow>& rows, Opt FrameRow::*field);

// Frames per gear from a "gear_usage" object (non-numbers skipped).
std::map<std::string, int64_t> usage_of(const json& gear_usage);

// A path recorded in a report is relative to the directory the tool ran in:
// `recorded` as given if it exists, else under `base`, else "".
std::string locate(const std::string& recorded, const std::string& base);
// The same for a video input, where a pattern (frames/%06d.png) counts as
// found if its directory exists.
std::string locate_input(const std::string& recorded, const std::string& base);

struct RunInputs {
  std::string dir;
  json report;  // report.json, an object
  Frames frames;
  std::vector<std::string> classes;
  Palette palette;  // the model's if its card is still there, else fallback colours
  std::map<std::string, int64_t> gear_usage;
};

// Throws Error naming DIR/report.json if it is unreadable or not an object.
RunInputs read_run_dir(const std::string& dir);

struct CollectionInputs {
  std::string base_dir;  // where relative item directories were also looked for
  std::vector<std::string> classes;
  json items, failures, metrics, agreement;  // as in the merged report
  Opt frames, seconds, gear_switches;
  std::vector<std::string> item_dirs;  // per item; "" when not found
  std::vector<Frames> item_frames;     // only for the first max_item_charts items
  Palette palette;                     // from the first item whose report can be read
  std::map<std::string, int64_t> gear_usage;
};

// A merged report (the JSON of `gearnn merge`) already in memory.
CollectionInputs read_collection(const json& merged, const std::string& base_dir, int max_item_charts);
// A batch directory, merged on the fly.
CollectionInputs read_batch_dir(const std::string& dir, int max_item_charts);
// A merged report file; item directories are also looked for beside it.
CollectionInputs read_merged_file(const std::string& path, int max_item_charts);

}  // namespace gearnn::html
