#include "gearnn/datasets/ladder.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <filesystem>
#include <set>

#include "gearnn/common/errors.h"
#include "gearnn/common/hashing.h"
#include "gearnn/datasets/distort.h"
#include "gearnn/io/shipped_data.h"
#include "gearnn/quality/frame_features.h"

namespace fs = std::filesystem;

namespace gearnn {

namespace {

// Level names become file names (cached renderings, gear files, resume
// records): letters, digits, '.', '_', '-', not starting with '.', so none
// leads out of its directory.
bool is_file_name(const std::string& name) {
  if (name.empty() || name.size() > 100 || name[0] == '.') return false;
  return std::all_of(name.begin(), name.end(),
                     [](unsigned char c) { return std::isalnum(c) || c == '.' || c == '_' || c == '-'; });
}

}  // namespace

Ladder load_ladder(const std::string& file) {
  const std::string path = find_config_file(file, "ladders");
  const json j = read_json_file(path);
  return naming_json_errors(path, [&] {
    Ladder l;
    l.name = json_get<std::string>(j, "name", path);
    l.feature = json_get<std::string>(j, "feature", path);
    const auto& names = numeric_feature_names();
    if (std::find(names.begin(), names.end(), l.feature) == names.end())
      fail(path, "unknown feature \"" + l.feature + "\"");
    const json levels = json_get<json>(j, "levels", path);
    if (!levels.is_array() || levels.empty()) fail(path, "levels must be a non-empty array");
    std::set<std::string> seen;
    for (const json& lv : levels) {
      if (!lv.is_object()) fail(path, "each level must be an object");
      LadderLevel level;
      level.name = json_get<std::string>(lv, "name", path);
      if (!is_file_name(level.name))
        fail(path, "level name \"" + level.name + "\" must be letters, digits, '.', '_' or '-' and not start with '.'");
      if (!seen.insert(level.name).second) fail(path, "level name \"" + level.name + "\" is used twice");
      level.settings = lv;
      level.settings.erase("name");
      // Reuse the schedule parser's checks on the settings.
      settings_at(DistortSettings{}, {DistortSegment{0, 1, level.settings}}, 0, path);
      l.levels.push_back(level);
    }
    return l;
  });
}

std::string render_level(const ClipRef& clip, const LadderLevel& level, const std::string& cache_dir) {
  std::error_code ec;
  const auto size = fs::file_size(clip.video, ec);
  if (ec) fail(clip.video, "video not found");
  const auto mtime = fs::last_write_time(clip.video).time_since_epoch().count();
  // The cache key covers the source file (path, size, time), the settings and
  // how much of the source is needed (a clip's frame range ends early).
  std::string what = fs::absolute(clip.video).string() + "|" + std::to_string(size) + "|" + std::to_string(mtime) +
                     "|" + level.settings.dump();
  if (clip.frames.end >= 0) what += "|end " + std::to_string(clip.frames.end);
  const std::string key = sha256_string(what).substr(0, 16);
  create_dirs(cache_dir);
  const std::string out = cache_dir + "/" + level.name + "-" + key + ".mp4";
  if (fs::exists(out)) return out;
  // Rendered under a name of this process's own, then renamed: jobs sharing a
  // cache (batch --jobs, Slurm shards, two trainings) may render the same
  // level at once, and the last rename wins with the same content.
  static std::atomic<int> renders{0};  // threads of one process render under names of their own too
  const std::string mine = cache_dir + "/" + level.name + "-" + key + "." + std::to_string(::getpid()) + "-" +
                           std::to_string(renders++) + ".mp4";
  DistortOptions o;
  o.input = clip.video;
  o.output = mine;
  o.base = settings_at(DistortSettings{}, {DistortSegment{0, 1, level.settings}}, 0, level.name);
  o.progress = false;
  if (clip.frames.end >= 0) o.max_frames = clip.frames.end;
  distort_video(o);
  // The record of true settings first, so a rendering in the cache always has its own.
  const std::string record = ".schedule.json";
  if (fs::exists(mine + record)) fs::rename(mine + record, out + record, ec);
  if (!ec) fs::rename(mine, out, ec);
  if (ec) {
    fs::remove(mine);
    fs::remove(mine + record);
    fail(out, "cannot move the rendering into the cache (" + ec.message() + ")");
  }
  return out;
}

}  // namespace gearnn
