#include "gearnn/training/train_command.h"

#include <chrono>
#include <filesystem>
#include <sstream>
#include <thread>

#include "gearnn/common/errors.h"
#include "gearnn/datasets/ladder.h"
#include "gearnn/model/segmenter.h"
#include "gearnn/synth/street_scene.h"
#include "gearnn/training/trainer.h"

namespace fs = std::filesystem;

namespace gearnn {

int storage_dim(int input_dim) { return (static_cast<int>(input_dim * 1.25) + 1) / 2 * 2; }

static std::vector<std::string> split_commas(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ','))
    if (!item.empty()) out.push_back(item);
  return out;
}

json run_train_job(const TrainJob& job) {
  const auto t0 = std::chrono::steady_clock::now();
  if (job.mode != "clean" && job.mode != "augment" && job.mode != "stability")
    fail("--mode", "must be clean, augment or stability");
  if (job.mode != "clean" && job.ladder.empty()) fail("--ladder", "--mode " + job.mode + " needs a ladder");
  set_torch_threads(job.threads > 0 ? job.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));

  // The model to train: an existing directory or a new StreetNet.
  std::string start_dir = job.init_model;
  if (start_dir.empty()) {
    start_dir = job.out_dir + ".init";
    ModelCard card;
    card.dir = start_dir;
    card.format = "builtin";
    card.file = "weights.pt";
    card.input_width = job.width;
    card.input_height = job.height;
    card.classes = street_class_names();
    card.palette.assign(street_palette().begin(), street_palette().end());
    card.arch = {{"name", "streetnet"}, {"widths", job.widths}, {"head", job.head}};
    create_builtin_model(card, job.seed);
  }
  TorchModel model(load_model_card(start_dir));
  if (job.init_model.empty()) fs::remove_all(start_dir);
  const ModelCard& card = model.card();
  const cv::Size keep(storage_dim(card.input_width), storage_dim(card.input_height));

  // Frames: clean, plus every ladder level for the augmentation and stability baselines.
  std::vector<LadderLevel> levels;
  for (const auto& path : split_commas(job.ladder))
    for (const auto& l : load_ladder(path).levels) levels.push_back(l);
  std::vector<FrameSet> clean, distorted;  // distorted[clip * levels + level]
  for (const auto& clip : load_dataset(job.dataset)) {
    clean.push_back(load_frames(clip.video, clip.labels, job.stride, keep, job.max_frames_per_clip));
    if (job.mode == "clean") continue;
    for (const auto& level : levels) {
      const std::string video = render_level(clip, level, job.cache_dir);
      distorted.push_back(load_frames(video, clip.labels, job.stride, keep, job.max_frames_per_clip));
    }
  }
  FrameSet val;
  if (!job.val_dataset.empty())
    for (const auto& clip : load_dataset(job.val_dataset))
      val.append(load_frames(clip.video, clip.labels, job.stride, keep, job.max_frames_per_clip));

  // augment: every clean frame and every level's copy of it, each a sample.
  // stability: one (clean, distorted) pair per level, so an epoch takes as many
  // steps as augment's and the two baselines get the same training budget.
  std::vector<TrainSample> samples;
  for (size_t c = 0; c < clean.size(); ++c)
    for (size_t i = 0; i < clean[c].size(); ++i) {
      const TrainSample s{&clean[c].rgb[i], &clean[c].labels[i], {}};
      if (job.mode != "stability") samples.push_back(s);
      for (size_t l = 0; l < levels.size(); ++l) {
        const FrameSet& d = distorted[c * levels.size() + l];
        if (i >= d.size()) continue;
        if (job.mode == "augment") samples.push_back({&d.rgb[i], &d.labels[i], {}});
        if (job.mode == "stability") samples.push_back({s.rgb, s.labels, {&d.rgb[i]}});
      }
    }

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
  const TrainResult r = train_model(model, samples, val, o);

  json history = json::array();
  for (const auto& h : r.history) history.push_back(h.to_json());
  const json record = {
      {"mode", job.mode},
      {"dataset", job.dataset},
      {"val_dataset", job.val_dataset},
      {"ladder", job.ladder},
      {"init", job.init_model.empty() ? json(nullptr) : json(job.init_model)},
      {"samples", samples.size()},
      {"epochs", job.epochs},
      {"batch", job.batch},
      {"lr", job.lr},
      {"seed", job.seed},
      {"stability_weight", o.stability},
      {"best_epoch", r.best_epoch},
      {"best_val_miou", r.best_val_miou},
      {"history", history},
      {"seconds", std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count()}};
  model.save(job.out_dir, {{"training", record}});
  return record;
}

}  // namespace gearnn
