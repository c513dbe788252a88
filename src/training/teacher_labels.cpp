#include "teacher_labels.h"

#include <cmath>
#include <filesystem>

#include "gearnn/common/errors.h"
#include "gearnn/common/hashing.h"
#include "gearnn/common/progress.h"
#include "gearnn/io/model_card.h"
#include "gearnn/pipeline/run_video.h"

namespace fs = std::filesystem;

namespace gearnn {

json TargetOptions::to_json() const {
  json j = {{"kind", kind}};
  if (kind == "teacher") {
    j["teacher"] = teacher_dir;
    j["view"] = "augmented";  // targets on the augmented pristine view (fits before this cropped cached masks)
  }
  if (soft()) j["temperature"] = temperature;  // absent for hard targets: older records stay equal
  return j;
}

void TargetOptions::check() const {
  if (kind != "labels" && kind != "teacher") fail("--targets", "must be labels or teacher");
  if (kind == "labels" && !teacher_dir.empty()) fail("--teacher", "needs --targets teacher");
  if (!std::isfinite(temperature) || temperature < 0) fail("--temperature", "must be a finite number above 0");
  if (kind == "labels" && soft()) fail("--temperature", "needs --targets teacher");
}

namespace {

// What the masks depend on: the teacher's weights and card, the input file and
// how far into it the clip reaches.
std::string teacher_key(const ClipRef& clip, const std::string& teacher_hash) {
  std::string what = teacher_hash + "|" + clip.video;
  std::error_code ec;
  if (fs::exists(clip.video, ec)) {
    what = teacher_hash + "|" + fs::absolute(clip.video).string() + "|" + std::to_string(fs::file_size(clip.video)) +
           "|" + std::to_string(fs::last_write_time(clip.video).time_since_epoch().count());
  }
  if (clip.frames.end >= 0) what += "|end " + std::to_string(clip.frames.end);
  return sha256_string(what).substr(0, 16);
}

std::string teacher_masks(const ClipRef& clip, const std::string& teacher_dir, const std::string& teacher_hash,
                          const std::string& cache_dir, int threads) {
  const std::string out = cache_dir + "/teacher-" + teacher_key(clip, teacher_hash);
  // A run writes report.json last and marks it complete: anything else is redone.
  if (fs::exists(out + "/report.json")) {
    const json report = read_json_file(out + "/report.json");
    if (report.is_object() && report.value("complete", json(false)) == json(true)) return out + "/masks";
  }
  RunOptions o;
  o.input = clip.video;
  o.model_dir = teacher_dir;
  o.out_dir = out;
  o.masks = "ids";
  o.threads = threads;
  o.max_frames = clip.frames.end;
  o.progress = false;
  run_video(o);
  return out + "/masks";
}

}  // namespace

std::vector<ClipRef> with_targets(std::vector<ClipRef> clips, const TargetOptions& targets,
                                  const std::string& default_teacher, const std::string& dataset,
                                  const std::string& cache_dir, int threads, bool progress) {
  targets.check();
  if (targets.kind == "labels") {
    for (const auto& c : clips)
      if (c.labels.empty())
        fail(dataset, "clip " + c.video + " has no labels: give \"labels\", or use --targets teacher");
    return clips;
  }
  const std::string teacher = targets.teacher_dir.empty() ? default_teacher : targets.teacher_dir;
  if (teacher.empty()) fail("--teacher", "--targets teacher needs a teacher model directory");
  const std::string hash = model_hash(load_model_card(teacher));
  StepLog log("teacher targets", static_cast<int64_t>(clips.size()), progress);
  for (auto& c : clips) {
    c.labels = teacher_masks(c, teacher, hash, cache_dir, threads);
    log.done(c.video + " -> " + c.labels);
  }
  return clips;
}

}  // namespace gearnn
