#include "sensitivity.h"

#include <chrono>
#include <cstdio>
#include <opencv2/imgproc.hpp>
#include <set>

#include "gearnn/common/errors.h"
#include "gearnn/common/progress.h"
#include "gearnn/training/train_command.h"
#include "teacher_labels.h"

namespace gearnn {

std::vector<LevelData> load_level_data(const LevelDataOptions& o, const ModelCard& card) {
  const cv::Size keep(storage_dim(card.input_width), storage_dim(card.input_height));
  const Ladder ladder = load_ladder(o.ladder);
  const auto train_clips = with_targets(load_dataset(o.dataset), o.targets, o.model_dir, o.dataset, o.cache_dir,
                                        o.threads, o.progress);
  const auto val_clips = o.val_dataset.empty() ? std::vector<ClipRef>{}
                                               : with_targets(load_dataset(o.val_dataset), o.targets, o.model_dir,
                                                              o.val_dataset, o.cache_dir, o.threads, o.progress);
  FrameSet pristine;
  std::vector<size_t> pristine_frames;  // per training clip
  if (o.pristine)
    for (const auto& clip : train_clips) {
      const FrameSet f = load_frames(clip, clip.video, o.stride, keep, o.max_frames_per_clip);
      pristine_frames.push_back(f.size());
      pristine.append(f);
    }
  check_label_ids(pristine, card.num_classes(), card.ignore_index);
  std::vector<LevelData> out;
  StepLog log("loading level", static_cast<int64_t>(ladder.levels.size()), o.progress);
  for (const auto& level : ladder.levels) {
    LevelData d;
    d.level = level;
    for (size_t c = 0; c < train_clips.size(); ++c) {
      const std::string video = render_level(train_clips[c], level, o.cache_dir);
      const FrameSet f = load_frames(train_clips[c], video, o.stride, keep, o.max_frames_per_clip, &d.features);
      // Frames pair with their pristine ones by position: a rendering must keep every frame.
      if (o.pristine && f.size() != pristine_frames[c])
        fail(video, std::to_string(f.size()) + " frames loaded, " + std::to_string(pristine_frames[c]) + " from " +
                        train_clips[c].video + ": a rendering must keep every frame");
      d.train.append(f);
    }
    d.pristine = pristine;
    for (const auto& clip : val_clips)
      d.val.append(load_frames(clip, render_level(clip, level, o.cache_dir), o.val_stride ? o.val_stride : o.stride,
                               keep, o.max_frames_per_clip, &d.features));
    check_label_ids(d.train, card.num_classes(), card.ignore_index);
    check_label_ids(d.val, card.num_classes(), card.ignore_index);
    log.done(level.name + ": " + std::to_string(d.train.size()) + " training and " + std::to_string(d.val.size()) +
             " validation frames");
    out.push_back(std::move(d));
  }
  return out;
}

std::vector<TrainSample> level_samples(const LevelData& level) {
  std::vector<TrainSample> samples;
  for (size_t i = 0; i < level.train.size(); ++i)
    samples.push_back({&level.train.rgb[i], &level.train.labels[i], {},
                       level.pristine.size() ? &level.pristine.rgb[i] : nullptr});
  return samples;
}

std::string module_of(const std::string& tensor_name) {
  const auto dot = tensor_name.rfind('.');
  return dot == std::string::npos ? std::string() : tensor_name.substr(0, dot);
}

std::vector<TensorInfo> gear_candidates(TorchModel& model) {
  std::set<std::string> params;
  for (auto& [name, t] : model.named_parameters()) params.insert(name);
  std::vector<TensorInfo> out;
  for (auto& [name, t] : model.named_tensors()) {
    if (!t.is_floating_point()) continue;  // e.g. BatchNorm's num_batches_tracked
    out.push_back({name, t.numel(), t.numel() * static_cast<int64_t>(t.element_size()), params.count(name) == 0});
  }
  return out;
}

static double relative_change(const torch::Tensor& after, const torch::Tensor& before) {
  const double denom = before.norm().item<double>();
  return (after - before).norm().item<double>() / (denom > 1e-12 ? denom : 1.0);
}

std::map<std::string, double> level_sensitivity(TorchModel& model, const LevelData& level, const std::string& method,
                                                int epochs, uint64_t seed, bool progress, const TeacherTargets& soft) {
  const auto base = clone_state(model);
  const auto candidates = gear_candidates(model);
  std::map<std::string, double> scores;
  if (method == "change") {
    TrainOptions o;
    o.epochs = epochs;
    o.lr = 1e-3;
    o.seed = seed;
    o.soft = soft;
    o.progress = progress;
    o.label = "sensitivity " + level.level.name;
    train_model(model, level_samples(level), FrameSet{}, o);
    std::map<std::string, torch::Tensor> after = clone_state(model);
    for (const auto& c : candidates) scores[c.name] = relative_change(after.at(c.name), base.at(c.name));
  } else if (method == "fisher") {
    const ModelCard& card = model.card();
    std::map<std::string, torch::Tensor> grad_sq;
    auto named = model.named_parameters();
    for (auto& [name, p] : named) {
      p.requires_grad_(true);
      grad_sq[name] = torch::zeros_like(p);
    }
    model.train(false);  // statistics fixed: gradients of the deployed network
    const int batch = 4;
    int batches = 0;
    int64_t samples = 0;
    const auto t0 = std::chrono::steady_clock::now();
    Progress bar("sensitivity " + level.level.name, static_cast<int64_t>(level.train.size() / batch),
                 progress && Progress::stderr_is_terminal());
    for (size_t start = 0; start + 1 < level.train.size(); start += batch) {
      const size_t end = std::min(level.train.size(), start + batch);
      std::vector<cv::Mat> rgb, labels, pristine;
      for (size_t i = start; i < end; ++i) {
        cv::Mat r, l;
        cv::resize(level.train.rgb[i], r, cv::Size(card.input_width, card.input_height), 0, 0, cv::INTER_AREA);
        cv::resize(level.train.labels[i], l, r.size(), 0, 0, cv::INTER_NEAREST);
        rgb.push_back(r);
        labels.push_back(l);
        if (soft.teacher) {
          const ModelCard& t = soft.teacher->card();
          cv::Mat p;
          cv::resize(level.pristine.rgb.at(i), p, cv::Size(t.input_width, t.input_height), 0, 0, cv::INTER_AREA);
          pristine.push_back(p);
        }
      }
      for (auto& [name, p] : named)
        if (p.grad().defined()) p.grad().zero_();
      auto logits = torch::nn::functional::interpolate(
          model.forward(to_input_batch(rgb, card)),
          torch::nn::functional::InterpolateFuncOptions()
              .size(std::vector<int64_t>{card.input_height, card.input_width})
              .mode(torch::kBilinear)
              .align_corners(false));
      target_loss(logits, labels, pristine, card, soft).backward();
      torch::NoGradGuard no_grad;
      for (auto& [name, p] : named) grad_sq[name] += p.grad().pow(2);
      samples += static_cast<int64_t>(end - start);
      bar.update(++batches);
    }
    bar.finish();
    if (progress) {
      const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      std::fprintf(stderr, "sensitivity %s: %lld samples, %.1f samples/s\n", level.level.name.c_str(),
                   static_cast<long long>(samples), secs > 0 ? samples / secs : 0.0);
    }
    torch::NoGradGuard no_grad;
    for (auto& [name, p] : named) {
      scores[name] = (grad_sq[name] / std::max(1, batches) * p.detach().pow(2)).sum().item<double>();
      p.requires_grad_(false);
    }
    // Buffers: how far the running statistics move when re-estimated on the level.
    reestimate_bn(model, level.train, {});
    const auto after = clone_state(model);
    for (const auto& c : candidates)
      if (c.is_buffer) scores[c.name] = relative_change(after.at(c.name), base.at(c.name));
    // The two kinds of score have different units: each kind is scaled to sum to 1.
    double param_sum = 0, buffer_sum = 0;
    for (const auto& c : candidates) (c.is_buffer ? buffer_sum : param_sum) += scores[c.name];
    for (const auto& c : candidates) {
      const double sum = c.is_buffer ? buffer_sum : param_sum;
      if (sum > 0) scores[c.name] /= sum;
    }
  } else {
    fail("--method", "must be change or fisher");
  }
  load_state(model, base);
  model.train(false);
  return scores;
}

}  // namespace gearnn
