#include "gearnn/training/train_command.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <optional>
#include <set>
#include <sstream>

#include "gearnn/common/errors.h"
#include "gearnn/datasets/ladder.h"
#include "gearnn/model/segmenter.h"
#include "gearnn/synth/street_scene.h"
#include "gearnn/gears/tensor_selection.h"
#include "gearnn/training/fit_gears_command.h"
#include "gearnn/training/gear_slots.h"
#include "gearnn/training/trainer.h"
#include "teacher_labels.h"
#include "torch_threads.h"

namespace fs = std::filesystem;

namespace gearnn {

int storage_dim(int input_dim) { return (static_cast<int>(input_dim * 1.25) + 1) / 2 * 2; }

namespace {

std::vector<std::string> split_commas(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ','))
    if (!item.empty()) out.push_back(item);
  return out;
}

void check_job(const TrainJob& job) {
  if (job.mode != "clean" && job.mode != "augment" && job.mode != "stability" && job.mode != "gears")
    fail("--mode", "must be clean, augment, stability or gears");
  if (job.mode == "gears" && job.selection.empty())
    fail("--selection", "--mode gears needs the gears' tensors: a selection or a gear set per ladder");
  if (job.mode != "gears" && !job.selection.empty()) fail("--selection", "is for --mode gears");
  if (job.mode == "gears") {  // gear sets are written as OUT/gears/LADDER, named by the ladder file
    std::set<std::string> stems;
    for (const auto& ladder : split_commas(job.ladder))
      if (!stems.insert(fs::path(ladder).stem().string()).second)
        fail(ladder, "another --ladder file has the same name; --mode gears names its gear sets by it");
  }
  if (job.mode != "clean" && job.ladder.empty()) fail("--ladder", "--mode " + job.mode + " needs a ladder");
  job.targets.check();
  if (job.targets.kind == "teacher" && job.targets.teacher_dir.empty() && job.init_model.empty())
    fail("--teacher", "a new model has no teacher of its own: give --teacher DIR or --init DIR");
  if (job.resume && job.checkpoint_dir.empty()) fail("--resume", "needs --checkpoint DIR to resume from");
  if (!(job.lr > 0 && job.lr <= 10)) fail("--lr", "must be a number in (0, 10]");  // NaN too
  if (!(job.stability_weight >= 0 && job.stability_weight <= 1e6)) fail("--stability-weight", "must be 0..1e6");
}

// The directory of the model to start from: --init, or a new StreetNet written
// next to OUT (the caller removes it once loaded).
std::string starting_model_dir(const TrainJob& job) {
  if (!job.init_model.empty()) return job.init_model;
  ModelCard card;
  card.dir = job.out_dir + ".init";
  card.format = "builtin";
  card.file = "weights.pt";
  card.input_width = job.width;
  card.input_height = job.height;
  card.classes = street_class_names();
  card.palette.assign(street_palette().begin(), street_palette().end());
  card.arch = {{"name", "streetnet"}, {"widths", job.widths}, {"head", job.head}};
  create_builtin_model(card, job.seed);
  return card.dir;
}

// Frames in memory: clean, plus every ladder level for the augmentation and stability baselines.
struct TrainingFrames {
  std::vector<LadderLevel> ladder;  // every level of every ladder, in order
  // Joint gear training: the gear of each level above. Levels of the same name
  // in several ladders (b0.30 at QP 22 and at QP 40) share one gear, trained
  // on all their renderings.
  std::vector<int> gear_of;
  std::vector<std::string> gear_names;
  size_t levels = 0;                // ladder levels rendered, over all ladders
  std::vector<FrameSet> clean;      // per clip
  std::vector<FrameSet> distorted;  // distorted[clip * levels + level]
  FrameSet val;
};

TrainingFrames load_training_frames(const TrainJob& job, const ModelCard& card) {
  const cv::Size keep(storage_dim(card.input_width), storage_dim(card.input_height));
  std::vector<LadderLevel> levels;
  for (const auto& path : split_commas(job.ladder))
    for (const auto& l : load_ladder(path).levels) levels.push_back(l);
  TrainingFrames frames;
  frames.ladder = levels;
  for (const auto& l : levels) {
    const auto it = std::find(frames.gear_names.begin(), frames.gear_names.end(), l.name);
    frames.gear_of.push_back(static_cast<int>(it - frames.gear_names.begin()));
    if (it == frames.gear_names.end()) frames.gear_names.push_back(l.name);
  }
  frames.levels = job.mode == "clean" ? 0 : levels.size();  // a ladder given with clean mode is read, not rendered
  auto clips_of = [&](const std::string& dataset) {
    return with_targets(load_dataset(dataset), job.targets, job.init_model, dataset, job.cache_dir, job.threads,
                        job.progress);
  };
  for (const auto& clip : clips_of(job.dataset)) {
    frames.clean.push_back(load_frames(clip, clip.video, job.stride, keep, job.max_frames_per_clip));
    if (job.mode == "clean") continue;
    for (const auto& level : levels) {
      const std::string video = render_level(clip, level, job.cache_dir);
      frames.distorted.push_back(load_frames(clip, video, job.stride, keep, job.max_frames_per_clip));
      // Teacher targets pair a distorted frame with its clean one by position.
      if (job.targets.live() && frames.distorted.back().size() != frames.clean.back().size())
        fail(video, std::to_string(frames.distorted.back().size()) + " frames loaded, " +
                        std::to_string(frames.clean.back().size()) + " from " + clip.video +
                        ": a rendering must keep every frame");
    }
  }
  if (!job.val_dataset.empty())
    for (const auto& clip : clips_of(job.val_dataset))
      frames.val.append(
          load_frames(clip, clip.video, job.val_stride ? job.val_stride : job.stride, keep, job.max_frames_per_clip));
  for (const auto* sets : {&frames.clean, &frames.distorted})
    for (const FrameSet& set : *sets) check_label_ids(set, card.num_classes(), card.ignore_index);
  check_label_ids(frames.val, card.num_classes(), card.ignore_index);
  return frames;
}

// clean: every clean frame. augment: every clean frame and every level's copy
// of it, each a sample; gears: the same, each with its level's gear.
// stability: one (clean, distorted) pair per level, so an
// epoch takes as many steps as augment's and the two baselines get the same
// training budget. Each sample's pristine frame is its clean one (soft targets).
std::vector<TrainSample> training_samples(const std::string& mode, const TrainingFrames& frames) {
  const bool gears = mode == "gears";
  std::vector<TrainSample> samples;
  for (size_t c = 0; c < frames.clean.size(); ++c) {
    const FrameSet& clean = frames.clean[c];
    for (size_t i = 0; i < clean.size(); ++i) {
      const TrainSample s{&clean.rgb[i], &clean.labels[i], {}, &clean.rgb[i]};
      if (mode != "stability") samples.push_back(s);
      for (size_t l = 0; l < frames.levels; ++l) {
        const FrameSet& d = frames.distorted[c * frames.levels + l];
        if (i >= d.size()) continue;
        if (mode == "augment" || mode == "gears")
          samples.push_back({&d.rgb[i], &d.labels[i], {}, s.rgb, gears ? frames.gear_of[l] : -1});
        if (mode == "stability") samples.push_back({s.rgb, s.labels, {&d.rgb[i]}, s.rgb});
      }
    }
  }
  return samples;
}

TrainOptions train_options(const TrainJob& job) {
  TrainOptions o;
  o.epochs = job.epochs;
  o.batch = job.batch;
  o.lr = job.lr;
  o.seed = job.seed;
  o.stability = job.mode == "stability" ? job.stability_weight : 0;
  o.checkpoint_dir = job.checkpoint_dir;
  o.resume = job.resume;
  o.progress = job.progress;
  o.label = "train (" + job.mode + ")";
  o.val_metric = job.targets.score_name();
  return o;
}

json training_record(const TrainJob& job, size_t samples, const TrainOptions& o, const TrainResult& r,
                     double seconds) {
  json history = json::array();
  for (const auto& h : r.history) history.push_back(h.to_json());
  return {{"mode", job.mode},
          {"targets", job.targets.to_json()},
          {"dataset", job.dataset},
          {"val_dataset", job.val_dataset},
          {"ladder", job.ladder},
          {"init", job.init_model.empty() ? json(nullptr) : json(job.init_model)},
          {"samples", samples},
          {"epochs", job.epochs},
          {"batch", job.batch},
          {"lr", job.lr},
          {"seed", job.seed},
          {"stride", job.stride},
          {"val_stride", job.val_stride ? job.val_stride : job.stride},
          {"stability_weight", o.stability},
          {"best_epoch", r.best_epoch},
          {"best_val_miou", r.best_val_miou},
          {"history", history},
          {"seconds", seconds}};
}

// What each gear holds (by level name), from selections or gear sets; every level named once.
std::vector<std::vector<std::string>> gear_plan(const TrainJob& job, const std::vector<std::string>& levels,
                                                TorchModel& model) {
  GearSelection all;
  for (const auto& path : split_commas(job.selection)) {
    for (const auto& [level, tensors] : read_gear_selection(path))
      if (!all.emplace(level, tensors).second) fail(path, "level " + level + " is selected twice in --selection");
  }
  std::set<std::string> in_model;
  for (auto& [name, t] : model.named_tensors()) in_model.insert(name);
  std::vector<std::vector<std::string>> plan;
  const std::string model_dir = job.init_model.empty() ? "(new)" : job.init_model;
  for (const auto& level : levels) plan.push_back(level_selection(all, level, in_model, job.selection, model_dir));
  return plan;
}

std::string ladder_stem(const std::string& path) { return fs::path(path).stem().string(); }

// The jointly trained gears as gear sets OUT/gears/LADDER: each level's gear
// is written as a start for fit-gears, which measures the switching feature,
// checks the gear on validation (the base is kept where it does worse) and
// writes the set, without further fitting.
json write_joint_gear_sets(const TrainJob& job, const std::vector<std::string>& gears, const GearSlots& slots) {
  const std::string start = job.out_dir + "/gears/.joint";
  create_dirs(start);
  for (size_t g = 0; g < gears.size(); ++g)
    save_tensor_dict(start + "/" + gears[g] + ".pt", slots.gear(static_cast<int>(g)));
  json sets = json::object();
  for (const auto& ladder : split_commas(job.ladder)) {
    FitGearsJob f;
    f.model_dir = job.out_dir;
    f.dataset = job.dataset;
    f.val_dataset = job.val_dataset;
    f.ladder = ladder;
    f.out_dir = job.out_dir + "/gears/" + ladder_stem(ladder);
    f.cache_dir = job.cache_dir;
    f.start_dir = start;
    f.targets = job.targets;
    f.epochs = 0;
    f.stride = job.stride;
    f.val_stride = job.val_stride;
    f.max_frames_per_clip = job.max_frames_per_clip;
    f.threads = job.threads;
    f.seed = job.seed;
    f.progress = job.progress;
    const json set = run_fit_gears(f);
    sets[ladder_stem(ladder)] = set.at("overhead");
  }
  fs::remove_all(start);
  return sets;
}

}  // namespace

json run_train_job(const TrainJob& job) {
  const auto t0 = std::chrono::steady_clock::now();
  check_job(job);
  use_torch_threads(job.threads);
  TorchModel model(load_model_card(starting_model_dir(job)));
  if (job.init_model.empty()) fs::remove_all(job.out_dir + ".init");
  const auto teacher = load_teacher(job.targets, job.init_model, model.card());
  const TrainingFrames frames = load_training_frames(job, model.card());
  const std::vector<TrainSample> samples = training_samples(job.mode, frames);
  TrainOptions o = train_options(job);
  o.soft = {teacher.get(), job.targets.temperature};
  std::optional<GearSlots> slots;
  if (job.mode == "gears") slots.emplace(model, gear_plan(job, frames.gear_names, model));
  o.gears = slots ? &*slots : nullptr;
  const TrainResult r = train_model(model, samples, frames.val, o);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  json record = training_record(job, samples.size(), o, r, seconds);
  if (slots) record["selection"] = job.selection;
  model.save(job.out_dir, {{"training", record}});
  if (slots) record["gear_overhead"] = write_joint_gear_sets(job, frames.gear_names, *slots);
  return record;
}

}  // namespace gearnn
