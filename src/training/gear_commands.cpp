#include "gearnn/training/gear_commands.h"

#include <algorithm>
#include <filesystem>
#include <numeric>
#include <set>
#include <sstream>
#include <thread>

#include "gearnn/common/errors.h"
#include "gearnn/common/hashing.h"
#include "gearnn/gears/knapsack.h"
#include "gearnn/model/segmenter.h"
#include "sensitivity.h"

namespace fs = std::filesystem;

namespace gearnn {

static void use_threads(int threads) {
  set_torch_threads(threads > 0 ? threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
}

// ---- sensitivity --------------------------------------------------------------

json run_sensitivity(const SensitivityJob& job) {
  use_threads(job.threads);
  TorchModel model(load_model_card(job.model_dir));
  LevelDataOptions lo;
  lo.dataset = job.dataset;
  lo.ladder = job.ladder;
  lo.cache_dir = job.cache_dir;
  lo.stride = job.stride;
  lo.max_frames_per_clip = job.max_frames_per_clip;
  const auto levels = load_level_data(lo, model.card());
  const auto candidates = gear_candidates(model);
  json tensors = json::array();
  int64_t model_bytes = 0;
  for (const auto& c : candidates) {
    tensors.push_back({{"name", c.name}, {"numel", c.numel}, {"bytes", c.bytes}, {"buffer", c.is_buffer}});
    model_bytes += c.bytes;
  }
  json out = {{"model", {{"dir", job.model_dir}, {"hash", model_hash(model.card())}}},
              {"ladder", job.ladder},
              {"method", job.method},
              {"epochs", job.epochs},
              {"model_bytes", model_bytes},
              {"tensors", tensors},
              {"levels", json::array()}};
  for (const auto& level : levels) {
    const auto scores = level_sensitivity(model, level, job.method, job.epochs, job.seed, job.progress);
    out["levels"].push_back({{"name", level.level.name}, {"settings", level.level.settings}, {"scores", scores}});
  }
  write_json_file(job.out, out);
  // Readable table: tensors by mean score, one column per level.
  std::vector<std::pair<double, std::string>> order;
  for (const auto& c : candidates) {
    double mean = 0;
    for (const auto& l : out["levels"]) mean += l["scores"][c.name].get<double>();
    order.emplace_back(mean / std::max<size_t>(1, levels.size()), c.name);
  }
  std::sort(order.rbegin(), order.rend());
  std::ostringstream t;
  char buf[256];
  std::snprintf(buf, sizeof buf, "%-40s %8s %9s", "tensor", "bytes", "mean");
  t << buf;
  for (const auto& l : out["levels"]) {
    std::snprintf(buf, sizeof buf, " %9s", l["name"].get<std::string>().substr(0, 9).c_str());
    t << buf;
  }
  t << "\n";
  std::map<std::string, int64_t> bytes;
  for (const auto& c : candidates) bytes[c.name] = c.bytes;
  for (const auto& [mean, name] : order) {
    std::snprintf(buf, sizeof buf, "%-40s %8lld %9.4g", name.substr(0, 40).c_str(), static_cast<long long>(bytes[name]), mean);
    t << buf;
    for (const auto& l : out["levels"]) {
      std::snprintf(buf, sizeof buf, " %9.4g", l["scores"][name].get<double>());
      t << buf;
    }
    t << "\n";
  }
  write_text_file(job.out + ".txt", t.str());
  return out;
}

// ---- select --------------------------------------------------------------------

int64_t parse_budget(const std::string& text, int64_t model_bytes) {
  try {
    size_t used = 0;
    if (!text.empty() && text.back() == '%') {
      const double pct = std::stod(text.substr(0, text.size() - 1), &used);
      if (used != text.size() - 1 || pct < 0 || pct > 100) throw std::invalid_argument("");
      return static_cast<int64_t>(model_bytes * pct / 100.0);
    }
    const long long bytes = std::stoll(text, &used);
    if (used != text.size() || bytes < 0) throw std::invalid_argument("");
    return bytes;
  } catch (const std::exception&) {
    fail("--budget", "expected a percentage like 0.2% or a byte count, not \"" + text + "\"");
  }
}

json run_select(const SelectJob& job) {
  const json scores = read_json_file(job.scores);
  const std::string src = job.scores;
  const json tensors = json_get<json>(scores, "tensors", src);
  const json levels = json_get<json>(scores, "levels", src);
  if (!tensors.is_array() || !levels.is_array() || levels.empty()) fail(src, "expected tensors and levels arrays");
  const int64_t model_bytes = json_get<int64_t>(scores, "model_bytes", src);
  const int64_t budget = parse_budget(job.budget, model_bytes);
  if (job.mode != "per-level" && job.mode != "shared") fail("--mode", "must be per-level or shared");
  std::vector<std::string> names;
  std::vector<int64_t> costs;
  for (const auto& t : tensors) {
    names.push_back(json_get<std::string>(t, "name", src));
    costs.push_back(json_get<int64_t>(t, "bytes", src));
  }
  // Byte counts of float tensors are multiples of 4: solving in 4-byte units is exact.
  const bool by4 = std::all_of(costs.begin(), costs.end(), [](int64_t c) { return c % 4 == 0; });
  auto solve = [&](const std::vector<double>& values) {
    std::vector<KnapsackItem> items;
    for (size_t i = 0; i < names.size(); ++i) items.push_back({costs[i], values[i]});
    return solve_knapsack(items, budget, by4 ? 4 : 1);
  };
  auto values_of = [&](const json& level) {
    std::vector<double> v;
    const json& s = json_get<json>(level, "scores", src);
    for (const auto& n : names) {
      if (!s.contains(n) || !s[n].is_number()) fail(src, "level lacks a score for " + n);
      v.push_back(s[n].get<double>());
    }
    return v;
  };
  json out = {{"scores", job.scores},   {"model", scores.value("model", json::object())},
              {"budget", job.budget},   {"budget_bytes", budget},
              {"model_bytes", model_bytes}, {"mode", job.mode},
              {"levels", json::array()}};
  std::vector<double> shared(names.size(), 0.0);
  if (job.mode == "shared")
    for (const auto& l : levels) {
      const auto v = values_of(l);
      for (size_t i = 0; i < v.size(); ++i) shared[i] += v[i];
    }
  for (const auto& l : levels) {
    const auto r = solve(job.mode == "shared" ? shared : values_of(l));
    json chosen = json::array();
    for (size_t i : r.chosen) chosen.push_back(names[i]);
    out["levels"].push_back({{"name", l["name"]},
                             {"tensors", chosen},
                             {"bytes", r.cost},
                             {"share", model_bytes ? static_cast<double>(r.cost) / model_bytes : 0.0},
                             {"value", r.value}});
  }
  if (!job.out.empty()) write_json_file(job.out, out);
  return out;
}

std::string selection_table(const json& sel) {
  std::ostringstream t;
  char buf[512];
  std::snprintf(buf, sizeof buf, "budget %s = %lld bytes of %lld (%s selection)\n",
                sel["budget"].get<std::string>().c_str(), static_cast<long long>(sel["budget_bytes"].get<int64_t>()),
                static_cast<long long>(sel["model_bytes"].get<int64_t>()), sel["mode"].get<std::string>().c_str());
  t << buf;
  for (const auto& l : sel["levels"]) {
    std::snprintf(buf, sizeof buf, "%-12s %6lld bytes  %.3f%% of the model  value %.4g  %zu tensors:",
                  l["name"].get<std::string>().c_str(), static_cast<long long>(l["bytes"].get<int64_t>()),
                  100 * l["share"].get<double>(), l["value"].get<double>(), l["tensors"].size());
    t << buf;
    for (const auto& n : l["tensors"]) t << " " << n.get<std::string>();
    t << "\n";
  }
  return t.str();
}

// ---- fit-gears -----------------------------------------------------------------

static double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
}

json run_fit_gears(const FitGearsJob& job) {
  use_threads(job.threads);
  if (job.kind != "gears" && job.kind != "bn" && job.kind != "full") fail("--kind", "must be gears, bn or full");
  TorchModel model(load_model_card(job.model_dir));
  const Ladder ladder = load_ladder(job.ladder);
  LevelDataOptions lo{job.dataset, job.val_dataset, job.ladder, job.cache_dir, job.stride, job.max_frames_per_clip};
  const auto levels = load_level_data(lo, model.card());
  std::map<std::string, std::vector<std::string>> selected;
  if (job.kind == "gears") {
    if (job.selection.empty()) fail("--selection", "--kind gears needs a selection from `gearnn select`");
    const json sel = read_json_file(job.selection);
    for (const auto& l : json_get<json>(sel, "levels", job.selection))
      selected[l["name"].get<std::string>()] = l["tensors"].get<std::vector<std::string>>();
  }
  const auto candidates = gear_candidates(model);
  std::set<std::string> params;
  for (auto& [name, t] : model.named_parameters()) params.insert(name);
  const auto base = clone_state(model);
  int64_t model_bytes = 0;
  for (const auto& c : candidates) model_bytes += c.bytes;

  fs::create_directories(job.out_dir);
  struct Fitted {
    std::string name, file;
    double median_feature;
    json record;
  };
  std::vector<Fitted> fitted;
  for (const auto& level : levels) {
    const std::string& name = level.level.name;
    // The tensors this gear holds.
    std::vector<std::string> tensors;
    if (job.kind == "gears") {
      if (!selected.count(name)) fail(job.selection, "no selection for level " + name);
      tensors = selected[name];
    } else {
      for (const auto& c : candidates)
        if (job.kind == "full" || (c.is_buffer && c.name.find("running_") != std::string::npos)) tensors.push_back(c.name);
    }
    std::set<std::string> in_gear(tensors.begin(), tensors.end());
    // A level finished by an earlier, interrupted run with the same settings is reused.
    const json fingerprint = {{"model", model_hash(model.card())}, {"kind", job.kind}, {"tensors", tensors},
                              {"settings", level.level.settings}, {"epochs", job.epochs}, {"batch", job.batch},
                              {"lr", job.lr}, {"seed", job.seed}, {"stride", job.stride},
                              {"max_frames", job.max_frames_per_clip}, {"dataset", job.dataset},
                              {"val", job.val_dataset}};
    const std::string done_path = job.out_dir + "/." + name + ".done.json";
    if (fs::exists(done_path) && fs::exists(job.out_dir + "/" + name + ".pt")) {
      const json done = read_json_file(done_path);
      if (done.value("fingerprint", json()) == fingerprint) {
        fitted.push_back({name, name + ".pt", done["median"].get<double>(), done["record"]});
        if (job.progress) std::fprintf(stderr, "gear %s: reused from an earlier run (%s)\n", name.c_str(), done_path.c_str());
        continue;
      }
    }
    const double base_miou = level.val.size() ? evaluate_frames(model, level.val).miou().value_or(0) : -1;
    // 1. BatchNorm layers whose running statistics the gear holds: estimate them on the level.
    std::set<std::string> bn_layers;
    for (const auto& t : tensors)
      if (t.find("running_") != std::string::npos) bn_layers.insert(module_of(t));
    if (!bn_layers.empty()) {
      reestimate_bn(model, level.train, {bn_layers.begin(), bn_layers.end()});
      // A layer's mean and variance are estimated together; keep only what the gear holds.
      std::map<std::string, torch::Tensor> outside;
      for (const auto& [tname, t] : base)
        if (!in_gear.count(tname)) outside[tname] = t;
      load_state(model, outside);
    }
    // 2. Fine-tune the gear's parameters on the level; everything else frozen (BatchNorm in eval mode).
    std::vector<std::string> trainable;
    for (const auto& t : tensors)
      if (params.count(t)) trainable.push_back(t);
    TrainResult tr;
    if (job.kind != "bn" && !trainable.empty()) {
      std::vector<TrainSample> samples;
      for (size_t i = 0; i < level.train.size(); ++i)
        samples.push_back({&level.train.rgb[i], &level.train.labels[i], {}});
      TrainOptions o;
      o.epochs = job.epochs;
      o.batch = job.batch;
      o.lr = job.lr;
      o.seed = job.seed;
      o.trainable = trainable;
      o.freeze_bn = true;
      o.consider_initial = true;
      o.progress = job.progress;
      o.label = "fit " + name;
      tr = train_model(model, samples, level.val, o);
    }
    double gear_miou = level.val.size() ? evaluate_frames(model, level.val).miou().value_or(0) : -1;
    // The untouched base is a candidate too: a gear never makes validation worse.
    const bool kept_base = level.val.size() && gear_miou < base_miou;
    if (kept_base) {
      load_state(model, base);
      gear_miou = base_miou;
    }
    // 3. Collect the gear; check nothing outside it moved.
    std::map<std::string, torch::Tensor> gear;
    for (auto& [tname, t] : model.named_tensors()) {
      if (in_gear.count(tname))
        gear[tname] = t.detach().clone();
      else if (!torch::equal(t, base.at(tname)))
        throw Error(job.out_dir, "internal error: tensor " + tname + " outside the gear changed");
    }
    int64_t bytes = 0;
    for (auto& [tname, t] : gear) bytes += t.numel() * t.element_size();
    const std::string file = name + ".pt";
    save_tensor_dict(job.out_dir + "/" + file, gear);
    load_state(model, base);
    std::vector<double> values;
    for (const auto& f : level.features)
      if (auto v = f.get(ladder.feature)) values.push_back(*v);
    if (values.empty()) fail(job.ladder, "feature " + ladder.feature + " is not measured on level " + name);
    json hist = json::array();
    for (const auto& h : tr.history) hist.push_back(h.to_json());
    fitted.push_back({name, file, median(values),
                      {{"settings", level.level.settings},
                       {"tensors", tensors},
                       {"bytes", bytes},
                       {"share", model_bytes ? static_cast<double>(bytes) / model_bytes : 0.0},
                       {"base_val_miou", base_miou},
                       {"val_miou", gear_miou},
                       {"best_epoch", tr.best_epoch},
                       {"kept_base", kept_base},
                       {"history", hist},
                       {"measured_median", median(values)}}});
    write_json_file(done_path, {{"fingerprint", fingerprint}, {"median", fitted.back().median_feature},
                                {"record", fitted.back().record}});
    if (job.progress)
      std::fprintf(stderr, "gear %s: %zu tensors, %lld bytes, val mIoU %.4f -> %.4f, median %s %.2f\n", name.c_str(),
                   tensors.size(), static_cast<long long>(bytes), base_miou, gear_miou, ladder.feature.c_str(),
                   median(values));
  }
  // 4. Switching ranges: levels ordered by the measured feature, split half-way between neighbours.
  std::sort(fitted.begin(), fitted.end(), [](const Fitted& a, const Fitted& b) { return a.median_feature < b.median_feature; });
  json gears = json::array();
  int64_t total_bytes = 0;
  for (size_t i = 0; i < fitted.size(); ++i) {
    const json lo = i == 0 ? json(nullptr) : json(0.5 * (fitted[i - 1].median_feature + fitted[i].median_feature));
    const json hi = i + 1 == fitted.size() ? json(nullptr)
                                           : json(0.5 * (fitted[i].median_feature + fitted[i + 1].median_feature));
    json g = {{"name", fitted[i].name}, {"file", fitted[i].file}, {"when", {{ladder.feature, {lo, hi}}}}};
    for (const auto& [k, v] : fitted[i].record.items()) g[k] = v;
    total_bytes += fitted[i].record["bytes"].get<int64_t>();
    gears.push_back(g);
  }
  const json out = {{"base_model_hash", model_hash(model.card())},
                    {"model_dir", job.model_dir},
                    {"kind", job.kind},
                    {"ladder", job.ladder},
                    {"feature", ladder.feature},
                    {"selection", job.selection},
                    {"model_bytes", model_bytes},
                    {"gear_bytes", total_bytes},
                    {"overhead", model_bytes ? static_cast<double>(total_bytes) / model_bytes : 0.0},
                    {"gears", gears}};
  write_json_file(job.out_dir + "/gears.json", out);
  return out;
}

}  // namespace gearnn
