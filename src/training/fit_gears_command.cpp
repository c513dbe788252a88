#include "gearnn/training/fit_gears_command.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <optional>
#include <set>

#include "gearnn/common/errors.h"
#include "gearnn/common/hashing.h"
#include "gearnn/common/progress.h"
#include "gearnn/gears/gear_set.h"
#include "gearnn/gears/tensor_selection.h"
#include "gearnn/gears/undistorted_level.h"
#include "gearnn/training/gear_bn_stats.h"
#include "sensitivity.h"
#include "teacher_labels.h"
#include "torch_threads.h"

namespace fs = std::filesystem;

namespace gearnn {

namespace {

// The tensors each level's gear holds, by level name.
using GearTensors = GearSelection;

// ---- checks and loading: all of it happens before the first level is fitted ----

FitGearsJob resolved(FitGearsJob job) {
  if (job.bn_stats.empty()) job.bn_stats = job.start_dir.empty() ? "reestimate" : "keep";
  return job;
}

void check_job(const FitGearsJob& job) {
  if (job.kind != "gears" && job.kind != "bn" && job.kind != "full") fail("--kind", "must be gears, bn or full");
  if (job.bn_stats != "reestimate" && job.bn_stats != "shift" && job.bn_stats != "keep")
    fail("--bn-stats", "must be reestimate, shift or keep");
  if (!job.start_dir.empty() && job.kind != "gears") fail("--start", "starts gears of --kind gears only");
  if (!job.start_dir.empty() && !job.selection.empty())
    fail("--start", "the gears' tensors are those of the start files: give --start or --selection, not both");
  if (job.neighbour_selections && (job.kind != "gears" || job.selection.empty()))
    fail("--neighbour-selections", "needs --kind gears with a --selection");
  if (job.neighbour_selections && job.val_dataset.empty())
    fail("--neighbour-selections", "keeps the fit best on validation: give --val");
  if (!(job.lr > 0 && job.lr <= 10)) fail("--lr", "must be a number in (0, 10]");  // NaN too
  if (job.batch < 1) fail("--batch", "must be at least 1");
  job.targets.check();
}

// A gear set's level that keeps the base weights ("file": null, e.g. dropped by
// the neighbour guard): its recorded tensors at the model's values.
std::optional<TensorState> base_valued_level(const std::string& start_dir, const std::string& level,
                                             const std::map<std::string, torch::Tensor>& in_model) {
  const std::string set = start_dir + "/gears.json";
  if (!fs::exists(set)) return std::nullopt;
  const GearSet gears = parse_gear_set(read_json_file(set), start_dir, set);
  const int g = gears.index_of(level);
  if (g < 0 || !gears.gears[g].file.empty()) return std::nullopt;
  const GearSelection recorded = read_gear_selection(start_dir);
  TensorState state;
  for (const auto& name : recorded.at(level)) {
    const auto it = in_model.find(name);
    if (it == in_model.end()) fail(set, "tensor " + name + " of level " + level + " is not in the model");
    state[name] = it->second.detach().clone();
  }
  return state;
}

// A level's starting gear (--start), checked against the model: names and shapes.
TensorState load_start_gear(const FitGearsJob& job, const std::string& level, TorchModel& model) {
  std::map<std::string, torch::Tensor> in_model;
  for (auto& [name, t] : model.named_tensors()) in_model[name] = t;
  const std::string path = job.start_dir + "/" + level + ".pt";
  if (!fs::exists(path)) {
    if (auto state = base_valued_level(job.start_dir, level, in_model)) return *state;
    fail(path, "no starting gear for level " + level);
  }
  const TensorState gear = load_tensor_dict(path);
  for (const auto& [name, t] : gear) {
    const auto it = in_model.find(name);
    if (it == in_model.end()) fail(path, "tensor " + name + " is not in model " + job.model_dir);
    if (!it->second.sizes().equals(t.sizes()) || it->second.scalar_type() != t.scalar_type())
      fail(path, "tensor " + name + " has another shape or type than in model " + job.model_dir);
  }
  return gear;
}

// kind gears: the selection (or the tensors of the --start gears), which must cover every level with tensors the
// model has; bn: every BatchNorm running statistic; full: every float tensor.
GearTensors plan_gear_tensors(const FitGearsJob& job, const Ladder& ladder, TorchModel& model) {
  GearTensors plan;
  if (job.kind == "gears" && !job.start_dir.empty()) {
    for (const auto& level : ladder.levels)
      for (auto& [name, t] : load_start_gear(job, level.name, model)) plan[level.name].push_back(name);
    return plan;
  }
  if (job.kind == "gears") {
    if (job.selection.empty()) fail("--selection", "--kind gears needs a selection from `gearnn select`");
    const GearTensors selected = read_gear_selection(job.selection);
    std::set<std::string> in_model;
    for (auto& [name, t] : model.named_tensors()) in_model.insert(name);
    for (const auto& level : ladder.levels)
      plan[level.name] = level_selection(selected, level.name, in_model, job.selection, job.model_dir);
    return plan;
  }
  std::vector<std::string> tensors;
  for (const auto& c : gear_candidates(model))
    if (job.kind == "full" || (c.is_buffer && c.name.find("running_") != std::string::npos)) tensors.push_back(c.name);
  for (const auto& level : ladder.levels) plan[level.name] = tensors;
  return plan;
}

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
}

// A level's frames and the median of the ladder's feature measured on them.
struct Level {
  LevelData data;
  double median_feature;
};

std::vector<Level> load_levels(const FitGearsJob& job, const ModelCard& card, const std::string& feature) {
  LevelDataOptions lo = level_data_options(job, job.val_dataset);
  lo.pristine = lo.pristine || job.bn_stats == "shift";
  lo.val_stride = job.val_stride;
  std::vector<Level> levels;
  for (auto& data : load_level_data(lo, card)) {
    std::vector<double> values;
    for (const auto& f : data.features)
      if (auto v = f.get(feature)) values.push_back(*v);
    if (values.empty()) fail(job.ladder, "feature " + feature + " is not measured on level " + data.level.name);
    const double m = median(values);
    levels.push_back({std::move(data), m});
  }
  return levels;
}

// What every level's gear is measured against.
struct BaseModel {
  std::string hash;
  TensorState state;             // the weights before any gear
  TensorState pristine_bn;       // statistics of the gears' BatchNorm layers on the pristine training frames ("shift")
  std::set<std::string> params;  // trainable tensors (the others are buffers)
  int64_t bytes = 0;             // every tensor a gear may hold
};

BaseModel describe_base(TorchModel& model) {
  BaseModel base;
  base.hash = model_hash(model.card());
  for (const auto& c : gear_candidates(model)) base.bytes += c.bytes;
  for (auto& [name, t] : model.named_parameters()) base.params.insert(name);
  base.state = clone_state(model);
  return base;
}

// ---- fitting one level ----

struct FittedGear {
  std::string name, file;  // file empty: the level's selection is empty, the gear keeps the base weights
  double median_feature;
  json record;  // the gear's entry in gears.json, without name, file and range
};

// Everything the fit of a level depends on: a resume file with another fingerprint is stale.
json level_fingerprint(const FitGearsJob& job, const BaseModel& base, const LadderLevel& level,
                       const std::vector<std::string>& tensors) {
  json f = {{"model", base.hash},       {"kind", job.kind},     {"tensors", tensors},
          {"settings", level.settings}, {"epochs", job.epochs}, {"batch", job.batch},
          {"lr", job.lr},             {"seed", job.seed},     {"stride", job.stride},
          {"max_frames", job.max_frames_per_clip}, {"dataset", job.dataset}, {"val", job.val_dataset}};
  // Only when not the defaults, so levels fitted before these options existed are still reused.
  if (job.targets.kind != "labels") f["targets"] = job.targets.to_json();
  if (job.bn_stats != "reestimate") f["bn_stats"] = job.bn_stats;
  if (job.val_stride && job.val_stride != job.stride) f["val_stride"] = job.val_stride;
  if (job.bn_stats != "keep") f["bn_estimate"] = "per layer";  // before: the gear's layers in one pass
  if (!job.start_dir.empty()) {
    const std::string start = job.start_dir + "/" + level.name + ".pt";
    f["start"] = fs::exists(start) ? sha256_file(start) : "base weights";
  }
  return f;
}

std::string done_path(const FitGearsJob& job, const std::string& level) {
  return job.out_dir + "/." + level + ".done.json";
}

// A level finished by an earlier, interrupted run with the same settings is reused.
std::optional<FittedGear> reuse_finished_level(const FitGearsJob& job, const std::string& name,
                                               const json& fingerprint) {
  const std::string done_file = done_path(job, name);
  if (!fs::exists(done_file)) return std::nullopt;
  const json done = read_json_file(done_file);
  return naming_json_errors(done_file, [&]() -> std::optional<FittedGear> {
    if (!done.is_object() || done.value("fingerprint", json()) != fingerprint) return std::nullopt;
    const std::string file = fingerprint.at("tensors").empty() ? "" : name + ".pt";
    if (!file.empty() && !fs::exists(job.out_dir + "/" + file)) return std::nullopt;
    return FittedGear{name, file, done.at("median").get<double>(), done.at("record")};
  });
}

double val_miou(TorchModel& model, const FrameSet& val) {
  return val.size() ? evaluate_frames(model, val).miou().value_or(0) : -1;
}

// The gear's parameters fine-tuned on the level; everything else frozen (BatchNorm in eval mode).
TrainResult finetune_gear(TorchModel& model, const LevelData& level, const std::vector<std::string>& tensors,
                          const BaseModel& base, const FitGearsJob& job, const TeacherTargets& soft) {
  std::vector<std::string> trainable;
  for (const auto& t : tensors)
    if (base.params.count(t)) trainable.push_back(t);
  if (job.kind == "bn" || trainable.empty()) return {};
  TrainOptions o;
  o.epochs = job.epochs;
  o.batch = job.batch;
  o.lr = job.lr;
  o.seed = job.seed;
  o.trainable = trainable;
  o.soft = soft;
  o.freeze_bn = true;
  o.consider_initial = true;
  o.progress = job.progress;
  o.label = "fit " + level.level.name;
  o.val_metric = job.targets.score_name();
  return train_model(model, level_samples(level), level.val, o);
}

// The gear's tensors, checking that nothing outside the gear moved.
TensorState take_gear(TorchModel& model, const std::set<std::string>& in_gear, const TensorState& base,
                      const std::string& out_dir) {
  TensorState gear;
  for (auto& [name, t] : model.named_tensors()) {
    if (in_gear.count(name))
      gear[name] = t.detach().clone();
    else if (!torch::equal(t, base.at(name)))
      throw Error(out_dir, "internal error: tensor " + name + " outside the gear changed");
  }
  return gear;
}

// Fits the level's gear, writes it to OUT/NAME.pt and leaves the model at the base weights.
FittedGear fit_level(TorchModel& model, const Level& level, const std::vector<std::string>& tensors,
                     const BaseModel& base, const FitGearsJob& job, const TeacherTargets& soft) {
  const std::string& name = level.data.level.name;
  const std::set<std::string> in_gear(tensors.begin(), tensors.end());
  const double base_miou = val_miou(model, level.data.val);
  if (!job.start_dir.empty()) load_state(model, load_start_gear(job, name, model));
  fit_gear_bn(model, level.data.train, in_gear, base.state, base.pristine_bn, job.bn_stats);
  const TrainResult tr = finetune_gear(model, level.data, tensors, base, job, soft);
  double gear_miou = val_miou(model, level.data.val);
  // The untouched base is a candidate too: a gear never makes validation worse.
  const bool kept_base = level.data.val.size() && gear_miou < base_miou;
  if (kept_base) {
    load_state(model, base.state);
    gear_miou = base_miou;
  }
  const TensorState gear = take_gear(model, in_gear, base.state, job.out_dir);
  int64_t bytes = 0;
  for (auto& [tname, t] : gear) bytes += t.numel() * t.element_size();
  // A gear file holds at least one tensor; an empty selection keeps the base weights ("file": null).
  const std::string file = gear.empty() ? "" : name + ".pt";
  if (!file.empty()) save_tensor_dict(job.out_dir + "/" + file, gear);
  load_state(model, base.state);
  json history = json::array();
  for (const auto& h : tr.history) history.push_back(h.to_json());
  return {name, file, level.median_feature,
          {{"settings", level.data.level.settings},
           {"tensors", tensors},
           {"bytes", bytes},
           {"share", base.bytes ? static_cast<double>(bytes) / base.bytes : 0.0},
           {"base_val_miou", base_miou},
           {"val_miou", gear_miou},
           {"best_epoch", tr.best_epoch},
           {"kept_base", kept_base},
           {"train_frames", level.data.train.size()},
           {"val_frames", level.data.val.size()},
           {"history", history},
           {"measured_median", level.median_feature}}};
}

FittedGear reuse_or_fit_level(TorchModel& model, const Level& level, const std::vector<std::string>& tensors,
                              const BaseModel& base, const FitGearsJob& job, const TeacherTargets& soft,
                              const std::string& feature, StepLog& log, const std::string& note = "") {
  const std::string& name = level.data.level.name;
  const json fingerprint = level_fingerprint(job, base, level.data.level, tensors);
  if (auto reused = reuse_finished_level(job, name, fingerprint)) {
    log.done(name + note + ": reused from an earlier run (" + done_path(job, name) + ")");
    return *reused;
  }
  FittedGear g = fit_level(model, level, tensors, base, job, soft);
  write_json_file(done_path(job, name),
                  {{"fingerprint", fingerprint}, {"median", g.median_feature}, {"record", g.record}});
  char text[256];
  std::snprintf(text, sizeof text, "%s%s: %zu tensors, %lld bytes, val %s %.4f -> %.4f%s, median %s %.2f",
                name.c_str(), note.c_str(), tensors.size(), static_cast<long long>(g.record["bytes"].get<int64_t>()),
                job.targets.score_name().c_str(), g.record["base_val_miou"].get<double>(),
                g.record["val_miou"].get<double>(), g.record["kept_base"].get<bool>() ? " (base kept)" : "",
                feature.c_str(), g.median_feature);
  log.done(text);
  return g;
}

// Indices of the levels in the order of their measured feature: neighbours in this order are where a misread
// frame comes from.
std::vector<size_t> feature_order(const std::vector<Level>& levels) {
  std::vector<size_t> order(levels.size());
  for (size_t k = 0; k < order.size(); ++k) order[k] = k;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return levels[a].median_feature < levels[b].median_feature; });
  return order;
}

// ---- trying the neighbours' selections (--neighbour-selections) ----

struct SelectionTrial {
  std::string from;  // the level whose selection this is
  std::vector<std::string> tensors;
};

// Level i's own selection, then those of the levels next to it by the measured feature, each distinct one once.
std::vector<SelectionTrial> selection_trials(const std::vector<Level>& levels, size_t i, const GearTensors& plan,
                                             bool neighbours) {
  const auto name_of = [&](size_t k) { return levels[k].data.level.name; };
  std::vector<SelectionTrial> trials = {{name_of(i), plan.at(name_of(i))}};
  if (!neighbours) return trials;
  const std::vector<size_t> order = feature_order(levels);
  const size_t at = static_cast<size_t>(std::find(order.begin(), order.end(), i) - order.begin());
  for (const size_t n : {at - 1, at + 1}) {  // at - 1 wraps to a huge value at 0
    if (n >= order.size()) continue;
    const auto& tensors = plan.at(name_of(order[n]));
    const std::set<std::string> these(tensors.begin(), tensors.end());
    const bool seen = std::any_of(trials.begin(), trials.end(), [&](const SelectionTrial& t) {
      return std::set<std::string>(t.tensors.begin(), t.tensors.end()) == these;
    });
    if (!seen) trials.push_back({name_of(order[n]), tensors});
  }
  return trials;
}

// Fits the level once per trial, each in OUT/.trials/LEVEL-from-SOURCE/ (reused when finished), and keeps the one
// best on validation (the own selection on a tie) as OUT/LEVEL.pt.
FittedGear fit_best_selection(TorchModel& model, const Level& level, const std::vector<SelectionTrial>& trials,
                              const BaseModel& base, const FitGearsJob& job, const TeacherTargets& soft,
                              const std::string& feature, StepLog& log) {
  const std::string& name = level.data.level.name;
  std::optional<FittedGear> best;
  std::string best_dir;
  json tried = json::array();
  for (const auto& t : trials) {
    FitGearsJob trial = job;
    trial.out_dir = job.out_dir + "/.trials/" + name + "-from-" + t.from;
    create_dirs(trial.out_dir);
    FittedGear g = reuse_or_fit_level(model, level, t.tensors, base, trial, soft, feature, log,
                                      " (selection of " + t.from + ")");
    const double score = g.record.at("val_miou").get<double>();
    tried.push_back({{"selection_of", t.from}, {"val_miou", score}, {"kept_base", g.record.at("kept_base")}});
    if (!best || score > best->record.at("val_miou").get<double>()) {
      g.record["selection_of"] = t.from;
      best = std::move(g);
      best_dir = trial.out_dir;
    }
  }
  const std::string out_file = job.out_dir + "/" + name + ".pt";
  if (best->file.empty())
    fs::remove(out_file);
  else
    fs::copy_file(best_dir + "/" + best->file, out_file, fs::copy_options::overwrite_existing);
  best->record["selections_tried"] = tried;
  return *best;
}

// ---- guarding against misread levels ----

// The level read from a frame is often one off (scenes differ in their own
// exposure, the QP moves inside a segment), and a misread frame comes from a
// level next to the gear's by the switching feature. A gear that gains less on
// its own level than it loses on such a neighbour costs more when misread than
// it wins when read right: its level keeps the base weights.
// The undistorted level's gear (undistorted_level.h) is dropped for the same
// reason: it wins on its own rendering (QP 22) and loses on streams of others.
void guard_neighbours(TorchModel& model, std::vector<FittedGear>& fitted, const std::vector<Level>& levels,
                      const BaseModel& base, const FitGearsJob& job) {
  std::vector<std::pair<std::string, json>> settings;
  for (const auto& l : levels) settings.emplace_back(l.data.level.name, l.data.level.settings);
  const std::set<std::string> undistorted = undistorted_levels(settings);
  const std::vector<size_t> order = feature_order(levels);  // fitted[i] belongs to levels[i]
  std::vector<bool> drop(fitted.size(), false);
  for (size_t k = 0; k < order.size(); ++k) {
    FittedGear& g = fitted[order[k]];
    if (g.file.empty()) continue;
    if (undistorted.count(g.name)) {
      drop[order[k]] = true;
      g.record["undistorted_level"] = true;
      if (job.progress) std::fprintf(stderr, "guard %s: the undistorted level, base kept\n", g.name.c_str());
      continue;
    }
    if (g.record.value("kept_base", false) || !levels[order[k]].data.val.size()) continue;
    load_state(model, load_tensor_dict(job.out_dir + "/" + g.file));
    const double gain = g.record.at("val_miou").get<double>() - g.record.at("base_val_miou").get<double>();
    double harm = 0;
    std::string worst;
    for (const size_t n : {k - 1, k + 1}) {  // k - 1 wraps to a huge value at k = 0
      if (n >= order.size() || !levels[order[n]].data.val.size()) continue;
      const double h = fitted[order[n]].record.at("base_val_miou").get<double>() -
                       val_miou(model, levels[order[n]].data.val);
      if (worst.empty() || h > harm) harm = h, worst = fitted[order[n]].name;
    }
    load_state(model, base.state);
    if (worst.empty()) continue;
    drop[order[k]] = gain < harm;
    g.record["neighbour_check"] = {{"neighbour", worst}, {"gain", gain}, {"harm", harm}, {"kept", !drop[order[k]]}};
    if (job.progress)
      std::fprintf(stderr, "guard %s: gains %.4f on its level, %s %.4f on %s: %s\n", g.name.c_str(), gain,
                   harm >= 0 ? "loses" : "gains", std::abs(harm), worst.c_str(),
                   drop[order[k]] ? "base kept" : "gear kept");
  }
  for (size_t i = 0; i < fitted.size(); ++i) {
    if (!drop[i]) continue;
    fs::remove(job.out_dir + "/" + fitted[i].file);
    fitted[i].file.clear();
    fitted[i].record["kept_base"] = true;
    fitted[i].record["val_miou"] = fitted[i].record["base_val_miou"];
    fitted[i].record["bytes"] = 0;
    fitted[i].record["share"] = 0.0;
  }
}

// ---- the gear set ----

// Switching ranges: levels ordered by the measured feature, split half-way between neighbours.
json gears_with_ranges(std::vector<FittedGear> fitted, const std::string& feature) {
  std::sort(fitted.begin(), fitted.end(),
            [](const FittedGear& a, const FittedGear& b) { return a.median_feature < b.median_feature; });
  json gears = json::array();
  for (size_t i = 0; i < fitted.size(); ++i) {
    const json lo = i == 0 ? json(nullptr) : json(0.5 * (fitted[i - 1].median_feature + fitted[i].median_feature));
    const json hi = i + 1 == fitted.size() ? json(nullptr)
                                           : json(0.5 * (fitted[i].median_feature + fitted[i + 1].median_feature));
    const json file = fitted[i].file.empty() ? json(nullptr) : json(fitted[i].file);
    json g = {{"name", fitted[i].name}, {"file", file}, {"when", {{feature, {lo, hi}}}}};
    for (const auto& [k, v] : fitted[i].record.items()) g[k] = v;
    gears.push_back(g);
  }
  return gears;
}

json write_gear_set(const FitGearsJob& job, const BaseModel& base, const std::string& feature, const json& gears) {
  int64_t gear_bytes = 0;
  for (const auto& g : gears) gear_bytes += g.at("bytes").get<int64_t>();
  json out = {{"base_model_hash", base.hash},
                    {"model_dir", job.model_dir},
                    {"kind", job.kind},
                    {"targets", job.targets.to_json()},
                    {"bn_stats", job.bn_stats},
                    {"ladder", job.ladder},
                    {"feature", feature},
                    {"selection", job.selection},
                    {"start", job.start_dir.empty() ? json(nullptr) : json(job.start_dir)},
                    {"guard", job.guard},
                    {"neighbour_selections", job.neighbour_selections},
                    {"model_bytes", base.bytes},
                    {"gear_bytes", gear_bytes},
                    {"overhead", base.bytes ? static_cast<double>(gear_bytes) / base.bytes : 0.0},
                    {"gears", gears}};
  // With teacher targets, validation figures are agreement with the teacher's pristine prediction.
  if (job.targets.kind == "teacher") out["validation"] = "agreement with the teacher on pristine frames";
  write_json_file(job.out_dir + "/gears.json", out);
  return out;
}

}  // namespace

json run_fit_gears(const FitGearsJob& requested) {
  const FitGearsJob job = resolved(requested);
  use_torch_threads(job.threads);
  check_job(job);
  TorchModel model(load_model_card(job.model_dir));
  const Ladder ladder = load_ladder(job.ladder);
  const GearTensors gear_tensors = plan_gear_tensors(job, ladder, model);
  const auto teacher = load_teacher(job.targets, job.model_dir, model.card());
  const TeacherTargets soft{teacher.get(), job.targets.temperature};
  const std::vector<Level> levels = load_levels(job, model.card(), ladder.feature);
  BaseModel base = describe_base(model);
  if (job.bn_stats == "shift") {
    std::set<std::string> any_gear;
    for (const auto& [level, tensors] : gear_tensors) any_gear.insert(tensors.begin(), tensors.end());
    base.pristine_bn = bn_statistics(model, levels.front().data.pristine, bn_layers_of(model, any_gear));
  }
  create_dirs(job.out_dir);
  std::vector<std::vector<SelectionTrial>> trials;
  int64_t fits = 0;
  for (size_t i = 0; i < levels.size(); ++i) {
    trials.push_back(selection_trials(levels, i, gear_tensors, job.neighbour_selections));
    fits += static_cast<int64_t>(trials.back().size());
  }
  std::vector<FittedGear> fitted;
  StepLog log("gear", fits, job.progress);
  for (size_t i = 0; i < levels.size(); ++i)
    fitted.push_back(job.neighbour_selections
                         ? fit_best_selection(model, levels[i], trials[i], base, job, soft, ladder.feature, log)
                         : reuse_or_fit_level(model, levels[i], trials[i][0].tensors, base, job, soft,
                                              ladder.feature, log));
  if (job.guard == "neighbours") guard_neighbours(model, fitted, levels, base, job);
  return write_gear_set(job, base, ladder.feature, gears_with_ranges(std::move(fitted), ladder.feature));
}

}  // namespace gearnn
