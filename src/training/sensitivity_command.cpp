#include "gearnn/training/sensitivity_command.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <sstream>

#include "gearnn/common/hashing.h"
#include "gearnn/common/progress.h"
#include "sensitivity.h"
#include "torch_threads.h"

namespace gearnn {

namespace {

json tensor_list(const std::vector<TensorInfo>& candidates) {
  json tensors = json::array();
  for (const auto& c : candidates)
    tensors.push_back({{"name", c.name}, {"numel", c.numel}, {"bytes", c.bytes}, {"buffer", c.is_buffer}});
  return tensors;
}

int64_t total_bytes(const std::vector<TensorInfo>& candidates) {
  int64_t bytes = 0;
  for (const auto& c : candidates) bytes += c.bytes;
  return bytes;
}

// Readable table: tensors by mean score, one column per level.
std::string sensitivity_table(const json& out, const std::vector<TensorInfo>& candidates) {
  const json& levels = out["levels"];
  std::vector<std::pair<double, std::string>> order;
  for (const auto& c : candidates) {
    double mean = 0;
    for (const auto& l : levels) mean += l["scores"][c.name].get<double>();
    order.emplace_back(mean / std::max<size_t>(1, levels.size()), c.name);
  }
  std::sort(order.rbegin(), order.rend());
  std::ostringstream t;
  char buf[256];
  std::snprintf(buf, sizeof buf, "%-40s %8s %9s", "tensor", "bytes", "mean");
  t << buf;
  for (const auto& l : levels) {
    std::snprintf(buf, sizeof buf, " %9s", l["name"].get<std::string>().substr(0, 9).c_str());
    t << buf;
  }
  t << "\n";
  std::map<std::string, int64_t> bytes;
  for (const auto& c : candidates) bytes[c.name] = c.bytes;
  for (const auto& [mean, name] : order) {
    std::snprintf(buf, sizeof buf, "%-40s %8lld %9.4g", name.substr(0, 40).c_str(),
                  static_cast<long long>(bytes[name]), mean);
    t << buf;
    for (const auto& l : levels) {
      std::snprintf(buf, sizeof buf, " %9.4g", l["scores"][name].get<double>());
      t << buf;
    }
    t << "\n";
  }
  return t.str();
}

}  // namespace

json run_sensitivity(const SensitivityJob& job) {
  use_torch_threads(job.threads);
  job.targets.check();
  TorchModel model(load_model_card(job.model_dir));
  const auto teacher = load_teacher(job.targets, job.model_dir, model.card());
  const TeacherTargets soft{teacher.get(), job.targets.temperature};
  const auto levels = load_level_data(level_data_options(job), model.card());
  const auto candidates = gear_candidates(model);
  json out = {{"model", {{"dir", job.model_dir}, {"hash", model_hash(model.card())}}},
              {"ladder", job.ladder},
              {"method", job.method},
              {"targets", job.targets.to_json()},
              {"epochs", job.epochs},
              {"model_bytes", total_bytes(candidates)},
              {"tensors", tensor_list(candidates)},
              {"levels", json::array()}};
  StepLog log("sensitivity", static_cast<int64_t>(levels.size()), job.progress);
  for (const auto& level : levels) {
    const auto scores = level_sensitivity(model, level, job.method, job.epochs, job.seed, job.progress, soft);
    log.done(level.level.name + " scored");
    out["levels"].push_back({{"name", level.level.name}, {"settings", level.level.settings}, {"scores", scores}});
  }
  write_json_file(job.out, out);
  write_text_file(job.out + ".txt", sensitivity_table(out, candidates));
  return out;
}

}  // namespace gearnn
