#include "gearnn/training/trainer.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <numeric>
#include <optional>
#include <opencv2/imgproc.hpp>

#include "gearnn/common/errors.h"
#include "gearnn/common/progress.h"
#include "gearnn/training/gear_slots.h"

namespace fs = std::filesystem;

namespace gearnn {

namespace F = torch::nn::functional;

json EpochLog::to_json() const {
  return {{"epoch", epoch},     {"loss", loss},       {"val_miou", val_miou},
          {"lr", lr},           {"seconds", seconds}, {"samples_per_second", samples_per_second}};
}

torch::Tensor to_input_batch(const std::vector<cv::Mat>& rgb, const ModelCard& card) {
  const int64_t n = static_cast<int64_t>(rgb.size()), h = card.input_height, w = card.input_width;
  auto batch = torch::empty({n, h, w, 3}, torch::kUInt8);
  for (int64_t i = 0; i < n; ++i) {
    if (rgb[i].rows != h || rgb[i].cols != w || rgb[i].type() != CV_8UC3 || !rgb[i].isContinuous())
      throw Error("", "internal: frame not at the model input size");
    std::memcpy(batch[i].data_ptr<uint8_t>(), rgb[i].data, static_cast<size_t>(h * w * 3));
  }
  auto x = batch.permute({0, 3, 1, 2}).to(torch::kFloat32).div_(255.0);
  auto mean = torch::tensor({card.mean[0], card.mean[1], card.mean[2]}).view({1, 3, 1, 1});
  auto std = torch::tensor({card.std[0], card.std[1], card.std[2]}).view({1, 3, 1, 1});
  return ((x - mean) / std).contiguous();
}

static torch::Tensor to_label_batch(const std::vector<cv::Mat>& labels) {
  const int64_t n = static_cast<int64_t>(labels.size()), h = labels[0].rows, w = labels[0].cols;
  auto batch = torch::empty({n, h, w}, torch::kUInt8);
  for (int64_t i = 0; i < n; ++i) {
    cv::Mat c = labels[i].isContinuous() ? labels[i] : labels[i].clone();
    std::memcpy(batch[i].data_ptr<uint8_t>(), c.data, static_cast<size_t>(h * w));
  }
  return batch.to(torch::kLong);
}

static torch::Tensor resize_logits(const torch::Tensor& logits, int64_t h, int64_t w) {
  if (logits.size(2) == h && logits.size(3) == w) return logits;
  return F::interpolate(logits, F::InterpolateFuncOptions()
                                    .size(std::vector<int64_t>{h, w})
                                    .mode(torch::kBilinear)
                                    .align_corners(false));
}

std::map<std::string, torch::Tensor> clone_state(TorchModel& model) {
  std::map<std::string, torch::Tensor> s;
  for (auto& [name, t] : model.named_tensors()) s[name] = t.detach().clone();
  return s;
}

void load_state(TorchModel& model, const std::map<std::string, torch::Tensor>& state) {
  torch::NoGradGuard no_grad;
  for (auto& [name, t] : model.named_tensors()) {
    auto it = state.find(name);
    if (it != state.end()) t.copy_(it->second);
  }
}

std::vector<cv::Mat> frames_at_input_size(const FrameSet& frames, size_t start, size_t end, const ModelCard& card) {
  std::vector<cv::Mat> out;
  for (size_t i = start; i < end; ++i) {
    cv::Mat r;
    cv::resize(frames.rgb[i], r, cv::Size(card.input_width, card.input_height), 0, 0, cv::INTER_AREA);
    out.push_back(r);
  }
  return out;
}

torch::Tensor target_loss(const torch::Tensor& logits, const std::vector<cv::Mat>& labels,
                          const std::vector<cv::Mat>& pristine, const ModelCard& card, const TeacherTargets& soft) {
  if (soft.teacher) {
    const cv::Size size(static_cast<int>(logits.size(3)), static_cast<int>(logits.size(2)));
    const torch::Tensor t = teacher_logits(*soft.teacher, pristine, size);
    if (soft.temperature > 0) return distillation_loss(logits, t, soft.temperature);
    return F::cross_entropy(logits, t.argmax(1));  // hard targets: the teacher's argmax on this view
  }
  return F::cross_entropy(logits, to_label_batch(labels), F::CrossEntropyFuncOptions().ignore_index(card.ignore_index));
}

ConfusionMatrix evaluate_frames(TorchModel& model, const FrameSet& frames, int batch) {
  const ModelCard& card = model.card();
  ConfusionMatrix cm(card.num_classes());
  model.train(false);
  c10::InferenceMode guard;
  for (size_t start = 0; start < frames.size(); start += batch) {
    const size_t end = std::min(frames.size(), start + batch);
    const std::vector<cv::Mat> rgb = frames_at_input_size(frames, start, end, card);
    const cv::Mat& first = frames.labels[start];
    auto logits = resize_logits(model.forward(to_input_batch(rgb, card)), first.rows, first.cols);
    auto pred = logits.argmax(1).to(torch::kUInt8).contiguous();
    for (size_t i = start; i < end; ++i) {
      cv::Mat p(first.rows, first.cols, CV_8UC1, pred[static_cast<int64_t>(i - start)].data_ptr<uint8_t>());
      cm.add(p, frames.labels[i], card.ignore_index);
    }
  }
  return cm;
}

void reestimate_bn(TorchModel& model, const FrameSet& frames, const std::vector<std::string>& bn_layers, int batch) {
  // Batch counters are bookkeeping, not weights: keep them so re-estimation
  // changes nothing outside the running statistics.
  const std::string counter = "num_batches_tracked";
  std::map<std::string, torch::Tensor> counters;
  for (auto& [name, t] : model.named_tensors())
    if (name.size() >= counter.size() && name.compare(name.size() - counter.size(), counter.size(), counter) == 0)
      counters[name] = t.clone();
  model.train(false);
  model.set_bn_mode(bn_layers, /*others_train=*/false, /*cumulative=*/true);
  const ModelCard& card = model.card();
  torch::NoGradGuard no_grad;
  // Built-in models average exactly over one pass; TorchScript BatchNorm keeps
  // its exponential average, so it sees enough batches to forget the old statistics.
  const size_t batches = (frames.size() + batch - 1) / batch;
  const size_t passes = model.is_builtin() ? 1 : std::max<size_t>(1, (40 + batches - 1) / batches);
  for (size_t pass = 0; pass < passes; ++pass)
  for (size_t start = 0; start + 1 < frames.size(); start += batch) {
    const size_t end = std::min(frames.size(), start + batch);
    const std::vector<cv::Mat> rgb = frames_at_input_size(frames, start, end, card);
    model.forward(to_input_batch(rgb, card));
  }
  model.restore_bn_momentum();
  model.train(false);
  load_state(model, counters);
}

namespace {

// One augmented view: a random crop (same window for image, partner and
// labels), resized to the input size, maybe mirrored.
struct Augment {
  cv::Rect crop;
  bool flip;
};

Augment draw_augment(std::mt19937_64& rng, cv::Size frame, const TrainOptions& o) {
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  const double k = o.min_crop + (1.0 - o.min_crop) * unit(rng);
  const int w = std::max(8, static_cast<int>(frame.width * k)), h = std::max(8, static_cast<int>(frame.height * k));
  const int x = static_cast<int>((frame.width - w) * unit(rng)), y = static_cast<int>((frame.height - h) * unit(rng));
  return {cv::Rect(x, y, w, h), o.flip && unit(rng) < 0.5};
}

cv::Mat apply_augment(const cv::Mat& m, const Augment& a, cv::Size out, int interpolation) {
  cv::Mat r;
  cv::resize(m(a.crop), r, out, 0, 0, interpolation);
  if (a.flip) cv::flip(r, r, 1);
  return r;
}

double cosine_lr(double base, int64_t step, int64_t total) {
  const int64_t warmup = std::min<int64_t>(50, total / 10);
  if (step < warmup) return base * (step + 1) / warmup;
  const double t = static_cast<double>(step - warmup) / std::max<int64_t>(1, total - warmup);
  return base * (0.02 + 0.98 * 0.5 * (1 + std::cos(M_PI * t)));
}

void set_lr(torch::optim::AdamW& opt, double lr) {
  for (auto& group : opt.param_groups()) static_cast<torch::optim::AdamWOptions&>(group.options()).lr(lr);
}

// The files of a checkpoint directory.
struct CheckpointFiles {
  explicit CheckpointFiles(const std::string& dir)
      : state(dir + "/state.json"), weights(dir + "/weights.pt"), optimizer(dir + "/optimizer.pt"),
        best(dir + "/best.pt"), gears(dir + "/gears.pt"), best_gears(dir + "/best-gears.pt") {}
  std::string state, weights, optimizer, best, gears, best_gears;
};

// What training carries from epoch to epoch, and through a checkpoint.
struct TrainingState {
  TrainResult result;
  std::map<std::string, torch::Tensor> best;  // weights of the best epoch so far
  std::map<std::string, torch::Tensor> best_gears;  // and, in joint gear training, the gears' values
  std::optional<torch::optim::AdamW> opt;     // none when no tensor is trainable
  int next_epoch = 0;
};

// Gradients on for the tensors to train (every parameter when none are named),
// off for the others. In joint gear training the optimizer trains the gears'
// own values in place of the model's gear tensors.
std::vector<torch::Tensor> select_trainable(TorchModel& model, const TrainOptions& o) {
  std::vector<torch::Tensor> params;
  for (auto& [name, p] : model.named_parameters()) {
    const bool on = o.trainable.empty() ||
                    std::find(o.trainable.begin(), o.trainable.end(), name) != o.trainable.end();
    p.requires_grad_(on);
    if (on && !(o.gears && o.gears->holds(name))) params.push_back(p);
  }
  if (o.gears)
    for (const auto& p : o.gears->parameters()) params.push_back(p);
  return params;
}

void resume_from_checkpoint(TorchModel& model, const CheckpointFiles& files, const TrainOptions& o,
                            TrainingState& s) {
  const json saved = read_json_file(files.state);
  naming_json_errors(files.state, [&] {
    s.next_epoch = saved.at("epoch").get<int>() + 1;
    for (const auto& e : saved.at("history"))
      s.result.history.push_back({e.at("epoch"), e.at("loss"), e.at("val_miou"), e.at("lr"), e.at("seconds"),
                                  e.value("samples_per_second", 0.0)});
    s.result.best_epoch = saved.at("best_epoch");
    s.result.best_val_miou = saved.at("best_val_miou");
  });
  load_state(model, load_tensor_dict(files.weights));
  if (fs::exists(files.best)) s.best = load_tensor_dict(files.best);
  if (o.gears) {
    o.gears->load(load_tensor_dict(files.gears));
    if (fs::exists(files.best_gears)) s.best_gears = load_tensor_dict(files.best_gears);
  }
  if (s.opt && fs::exists(files.optimizer)) torch::load(*s.opt, files.optimizer);
}

int64_t steps_per_epoch(const std::vector<TrainSample>& train, const TrainOptions& o) {
  if (!o.gears) return (static_cast<int64_t>(train.size()) + o.batch - 1) / o.batch;
  std::map<int, int64_t> per_level;  // joint gear training: batches do not mix levels
  for (const auto& s : train) ++per_level[s.level];
  int64_t steps = 0;
  for (const auto& [level, n] : per_level) steps += (n + o.batch - 1) / o.batch;
  return steps;
}

void set_epoch_mode(TorchModel& model, const TrainOptions& o) {
  model.train(true);
  if (o.freeze_bn) {
    model.train(false);  // dropout-free models: eval mode only fixes BatchNorm
    if (!o.bn_update.empty()) model.set_bn_mode(o.bn_update, false, false);
  }
}

// One step's frames at the input size (pristine: at the teacher's), each sample with its own augmentation.
struct Batch {
  std::vector<cv::Mat> rgb, partner, labels, pristine;
};

Batch augmented_batch(const std::vector<TrainSample>& train, const std::vector<size_t>& order, size_t begin,
                      size_t end, std::mt19937_64& rng, const TrainOptions& o, cv::Size in) {
  Batch batch;
  for (size_t k = begin; k < end; ++k) {
    const TrainSample& s = train[order[k]];
    const Augment a = draw_augment(rng, s.rgb->size(), o);
    batch.rgb.push_back(apply_augment(*s.rgb, a, in, cv::INTER_AREA));
    batch.labels.push_back(apply_augment(*s.labels, a, in, cv::INTER_NEAREST));
    if (o.stability > 0 && !s.partners.empty())
      batch.partner.push_back(apply_augment(*s.partners[rng() % s.partners.size()], a, in, cv::INTER_AREA));
    if (o.soft.teacher) {
      if (!s.pristine || s.pristine->size() != s.rgb->size())
        throw std::logic_error("soft targets: a training sample without its pristine frame at its size");
      const ModelCard& t = o.soft.teacher->card();
      batch.pristine.push_back(apply_augment(*s.pristine, a, cv::Size(t.input_width, t.input_height), cv::INTER_AREA));
    }
  }
  return batch;
}

// The target loss, plus the stability term when every sample has a partner.
torch::Tensor batch_loss(TorchModel& model, const Batch& batch, const TrainOptions& o, cv::Size in) {
  const ModelCard& card = model.card();
  auto logits = resize_logits(model.forward(to_input_batch(batch.rgb, card)), in.height, in.width);
  auto loss = target_loss(logits, batch.labels, batch.pristine, card, o.soft);
  if (o.stability > 0 && batch.partner.size() == batch.rgb.size()) {
    auto logits_d = resize_logits(model.forward(to_input_batch(batch.partner, card)), in.height, in.width);
    auto log_p = torch::log_softmax(logits, 1), log_q = torch::log_softmax(logits_d, 1);
    auto kl = (log_p.exp() * (log_p - log_q)).sum(1).mean();
    loss = loss + o.stability * kl;
  }
  return loss;
}

// The epoch's sample order. In joint gear training samples are shuffled, then
// grouped so every batch holds one level, and the batches shuffled again.
std::vector<size_t> epoch_order(const std::vector<TrainSample>& train, const TrainOptions& o, std::mt19937_64& rng) {
  std::vector<size_t> order(train.size());
  std::iota(order.begin(), order.end(), 0);
  std::shuffle(order.begin(), order.end(), rng);
  if (!o.gears) return order;
  std::map<int, std::vector<size_t>> by_level;
  for (size_t i : order) by_level[train[i].level].push_back(i);
  std::vector<std::vector<size_t>> batches;
  for (auto& [level, samples] : by_level)
    for (size_t b = 0; b < samples.size(); b += o.batch)
      batches.emplace_back(samples.begin() + b, samples.begin() + std::min(samples.size(), b + o.batch));
  std::shuffle(batches.begin(), batches.end(), rng);
  order.clear();
  for (const auto& b : batches) order.insert(order.end(), b.begin(), b.end());
  return order;
}

// End of the batch starting at order[begin]: o.batch samples, fewer where the level changes.
size_t batch_end(const std::vector<TrainSample>& train, const std::vector<size_t>& order, size_t begin,
                 const TrainOptions& o) {
  size_t e = std::min(order.size(), begin + o.batch);
  if (o.gears)
    for (size_t k = begin + 1; k < e; ++k)
      if (train[order[k]].level != train[order[begin]].level) return k;
  return e;
}

struct EpochLoss {
  double sum = 0, lr = 0;  // lr: the rate of the epoch's last step
  int64_t steps = 0, samples = 0;
  double mean() const { return steps ? sum / steps : 0; }
};

// One pass over the samples in an order and with augmentations drawn from the epoch's seed.
EpochLoss train_epoch(TorchModel& model, const std::vector<TrainSample>& train, const TrainOptions& o, int epoch,
                      std::optional<torch::optim::AdamW>& opt) {
  const cv::Size in(model.card().input_width, model.card().input_height);
  const int64_t epoch_steps = steps_per_epoch(train, o), total_steps = epoch_steps * o.epochs;
  std::mt19937_64 rng(o.seed * 1000003ULL + static_cast<uint64_t>(epoch));
  const std::vector<size_t> order = epoch_order(train, o, rng);
  set_epoch_mode(model, o);
  Progress progress(o.label + " epoch " + std::to_string(epoch + 1) + "/" + std::to_string(o.epochs), epoch_steps,
                    o.progress && Progress::stderr_is_terminal());
  EpochLoss loss;
  loss.lr = o.lr;
  for (size_t b = 0, e = 0; b < order.size(); b = e) {
    e = batch_end(train, order, b, o);
    if (e - b < 2 && order.size() >= 2) continue;  // BatchNorm needs two samples
    if (o.gears) o.gears->enter(train[order[b]].level);
    auto step_loss = batch_loss(model, augmented_batch(train, order, b, e, rng, o, in), o, in);
    if (opt) {
      loss.lr = cosine_lr(o.lr, epoch * epoch_steps + loss.steps, total_steps);
      set_lr(*opt, loss.lr);
      opt->zero_grad();
      step_loss.backward();
      if (o.gears) o.gears->after_backward();
      opt->step();
      if (o.gears) o.gears->after_step();
    } else if (o.gears) {
      o.gears->after_backward();  // statistics only
    }
    loss.sum += step_loss.item<double>();
    ++loss.steps;
    loss.samples += static_cast<int64_t>(e - b);
    char extra[64];
    std::snprintf(extra, sizeof extra, "loss %.4f", loss.mean());
    progress.update(loss.steps, extra);
  }
  progress.finish();
  if (o.gears) o.gears->enter(-1);  // validation and checkpoints see the base
  return loss;
}

double validation_miou(TorchModel& model, const FrameSet& val) {
  return val.size() ? evaluate_frames(model, val).miou().value_or(0) : -1;
}

// Without validation frames the last epoch counts as the best.
void keep_if_best(TorchModel& model, const FrameSet& val, int epoch, double val_miou, const TrainOptions& o,
                  TrainingState& s) {
  if (val.size() == 0 || val_miou > s.result.best_val_miou) {
    s.result.best_val_miou = val_miou;
    s.result.best_epoch = epoch;
    s.best = clone_state(model);
    if (o.gears) s.best_gears = o.gears->state();
  }
}

void save_checkpoint(TorchModel& model, const std::string& dir, const CheckpointFiles& files, int epoch,
                     const TrainOptions& o, const TrainingState& s) {
  create_dirs(dir);
  save_tensor_dict(files.weights, clone_state(model));
  save_tensor_dict(files.best, s.best);
  if (o.gears) {
    save_tensor_dict(files.gears, o.gears->state());
    save_tensor_dict(files.best_gears, s.best_gears);
  }
  if (s.opt) {
    torch::save(*s.opt, temp_name(files.optimizer));
    commit_temp(files.optimizer);
  }
  json hist = json::array();
  for (const auto& h : s.result.history) hist.push_back(h.to_json());
  write_json_file(files.state, {{"epoch", epoch},
                                {"history", hist},
                                {"best_epoch", s.result.best_epoch},
                                {"best_val_miou", s.result.best_val_miou}});
}

void print_epoch(const TrainOptions& o, const std::vector<EpochLog>& history, bool has_val) {
  const EpochLog& log = history.back();
  char val_text[64] = "";
  if (has_val) std::snprintf(val_text, sizeof val_text, ", val %s %.4f", o.val_metric.c_str(), log.val_miou);
  // The remaining epochs at the mean pace of this run's epochs.
  double mean = 0;
  for (const auto& h : history) mean += h.seconds / history.size();
  const int left = o.epochs - log.epoch - 1;
  const std::string eta = left > 0 ? ", ETA " + format_duration(mean * left) : "";
  std::fprintf(stderr, "%s epoch %d/%d: loss %.4f%s, %.0f s (%.1f samples/s)%s\n", o.label.c_str(), log.epoch + 1,
               o.epochs, log.loss, val_text, log.seconds, log.samples_per_second, eta.c_str());
}

}  // namespace

TrainResult train_model(TorchModel& model, const std::vector<TrainSample>& train, const FrameSet& val,
                        const TrainOptions& o) {
  if (train.empty()) throw Error("", "no training samples");
  TrainingState s;
  const std::vector<torch::Tensor> params = select_trainable(model, o);
  if (!params.empty()) s.opt.emplace(params, torch::optim::AdamWOptions(o.lr).weight_decay(o.weight_decay));
  const CheckpointFiles checkpoint(o.checkpoint_dir);
  if (o.resume && !o.checkpoint_dir.empty() && fs::exists(checkpoint.state))
    resume_from_checkpoint(model, checkpoint, o, s);
  if (o.consider_initial && s.next_epoch == 0 && val.size()) {
    s.result.best_val_miou = validation_miou(model, val);
    s.result.best_epoch = -1;  // the starting weights
    s.best = clone_state(model);
    if (o.gears) s.best_gears = o.gears->state();
  }
  for (int epoch = s.next_epoch; epoch < o.epochs; ++epoch) {
    const auto t0 = std::chrono::steady_clock::now();
    const EpochLoss loss = train_epoch(model, train, o, epoch, s.opt);
    const double train_secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const double val_miou = validation_miou(model, val);
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    s.result.history.push_back(
        {epoch, loss.mean(), val_miou, loss.lr, secs, train_secs > 0 ? loss.samples / train_secs : 0.0});
    keep_if_best(model, val, epoch, val_miou, o, s);
    if (!o.checkpoint_dir.empty()) save_checkpoint(model, o.checkpoint_dir, checkpoint, epoch, o, s);
    if (o.progress) print_epoch(o, s.result.history, val.size() != 0);
  }
  if (!s.best.empty()) load_state(model, s.best);
  if (o.gears && !s.best_gears.empty()) {
    o.gears->load(s.best_gears);
    o.gears->enter(-1);
  }
  for (auto& [name, p] : model.named_parameters()) p.requires_grad_(false);
  model.train(false);
  return s.result;
}

}  // namespace gearnn
