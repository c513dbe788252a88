#include <cstdio>
#include <memory>

#include "commands.h"
#include "gearnn/gears/combine_gears.h"
#include "gearnn/gears/tensor_selection.h"
#include "gearnn/training/fit_gears_command.h"
#include "gearnn/training/sensitivity_command.h"

namespace gearnn::cli {

// Options every level-data command shares.
template <typename Job>
static void add_level_options(CLI::App* cmd, Job& j) {
  cmd->add_option("--model", j.model_dir, "Model directory")->required();
  cmd->add_option("--dataset", j.dataset, "Dataset file of labelled clips")->required();
  cmd->add_option("--ladder", j.ladder, "Ladder file")->required();
  cmd->add_option("--stride", j.stride, "Use every Nth frame");
  cmd->add_option("--max-frames", j.max_frames_per_clip, "At most this many frames per clip");
  cmd->add_option("--cache", j.cache_dir, "Where distorted renderings are cached");
  cmd->add_option("--threads", j.threads, "LibTorch threads");
  cmd->add_option("--seed", j.seed, "Seed");
}

static void add_sensitivity(CLI::App& app) {
  auto j = std::make_shared<SensitivityJob>();
  auto quiet = std::make_shared<bool>(false);
  CLI::App* cmd = app.add_subcommand("sensitivity", "Score every tensor's sensitivity to each ladder level");
  add_level_options(cmd, *j);
  cmd->add_option("--out", j->out, "Scores JSON (a table is written beside it as OUT.txt)")->required();
  cmd->add_option("--method", j->method, "change (brief full fine-tune, normalised change) or fisher")
      ->check(CLI::IsMember({"change", "fisher"}));
  cmd->add_option("--epochs", j->epochs, "Fine-tuning epochs per level (change)");
  cmd->add_flag("--quiet", *quiet, "No progress output");
  cmd->callback([j, quiet] {
    j->progress = !*quiet;
    run_sensitivity(*j);
    if (!*quiet) std::fprintf(stderr, "scores -> %s, table -> %s.txt\n", j->out.c_str(), j->out.c_str());
  });
}

static void add_select(CLI::App& app) {
  auto j = std::make_shared<SelectJob>();
  CLI::App* cmd = app.add_subcommand("select", "Pick gear tensors under a memory budget (exact 0/1 knapsack)");
  cmd->add_option("--scores", j->scores, "Scores from `gearnn sensitivity`")->required();
  cmd->add_option("--budget", j->budget, "Per gear: a share of the model (0.2%) or bytes (2048)");
  cmd->add_option("--mode", j->mode, "per-level (one knapsack per level) or shared (one set for all)")
      ->check(CLI::IsMember({"per-level", "shared"}));
  cmd->add_option("--out", j->out, "Selection JSON");
  cmd->callback([j] { std::printf("%s", selection_table(run_select(*j)).c_str()); });
}

static void add_fit(CLI::App& app) {
  auto j = std::make_shared<FitGearsJob>();
  auto quiet = std::make_shared<bool>(false);
  CLI::App* cmd = app.add_subcommand("fit-gears", "Fine-tune each level's gear and write a gear set");
  add_level_options(cmd, *j);
  cmd->add_option("--val", j->val_dataset, "Validation dataset (best epoch kept, mIoU recorded)");
  cmd->add_option("--selection", j->selection, "Selection from `gearnn select` (kind gears)");
  cmd->add_option("--kind", j->kind,
                  "gears | bn (BatchNorm statistics re-estimated per level) | full (every tensor: one model per level)")
      ->check(CLI::IsMember({"gears", "bn", "full"}));
  cmd->add_option("--out", j->out_dir, "Gear set directory to write")->required();
  cmd->add_option("--epochs", j->epochs, "Fine-tuning epochs per level");
  cmd->add_option("--batch", j->batch, "Batch size");
  cmd->add_option("--lr", j->lr, "Peak learning rate");
  cmd->add_flag("--quiet", *quiet, "No progress output");
  cmd->callback([j, quiet] {
    j->progress = !*quiet;
    const json r = run_fit_gears(*j);
    if (!*quiet)
      std::fprintf(stderr, "%zu gears, %lld bytes = %.3f%% of the model -> %s\n", r["gears"].size(),
                   static_cast<long long>(r["gear_bytes"].get<int64_t>()), 100 * r["overhead"].get<double>(),
                   j->out_dir.c_str());
  });
}

static void add_combine(CLI::App& app) {
  auto o = std::make_shared<CombineGearsOptions>();
  CLI::App* cmd = app.add_subcommand(
      "combine-gears", "One gear set for two distortions: FIRST's useful gears, THEN's gears over FIRST's neutral range");
  cmd->add_option("first", o->first_dir, "Gear set switched on one feature (e.g. brightness, on luma)")->required();
  cmd->add_option("then", o->then_dir, "Gear set used where FIRST is neutral (e.g. qp)")->required();
  cmd->add_option("--out", o->out_dir, "Combined gear set directory (gear files are referenced)")->required();
  cmd->add_option("--min-gain", o->min_gain, "FIRST's gears gaining less validation mIoU than this are neutral");
  cmd->add_option("--neutral", o->neutral, "Neutral gears of FIRST, by name (instead of --min-gain)")->delimiter(',');
  cmd->callback([o] {
    const json out = combine_gear_sets(*o);
    std::fprintf(stderr, "%zu gears (neutral: %s; band %s) -> %s/gears.json\n", out["gears"].size(),
                 out["combined"]["neutral"].dump().c_str(), out["combined"]["band"].dump().c_str(),
                 o->out_dir.c_str());
  });
}

void add_gear_commands(CLI::App& app) {
  add_sensitivity(app);
  add_select(app);
  add_fit(app);
  add_combine(app);
}

}  // namespace gearnn::cli
