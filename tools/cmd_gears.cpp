#include <cstdio>
#include <memory>

#include "command_options.h"
#include "commands.h"
#include "common_options.h"
#include "gearnn/common/json_io.h"

namespace gearnn::cli {

namespace {

// Options every level-data command shares.
template <typename Job>
void bind_level_options(CLI::App* cmd, Job& j) {
  cmd->add_option("--model", j.model_dir, "Model directory")->required();
  cmd->add_option("--dataset", j.dataset, "Dataset file of clips (labelled, or any with --targets teacher)")
      ->required();
  cmd->add_option("--ladder", j.ladder, "Ladder file")->required();
  add_target_options(cmd, j.targets, "the --model itself");
  cmd->add_option("--stride", j.stride, "Use every Nth frame")->check(CLI::Range(1, 100000));
  add_max_frames_option(cmd, j.max_frames_per_clip, "At most this many frames per clip");
  cmd->add_option("--cache", j.cache_dir, "Where distorted renderings are cached");
  add_threads_option(cmd, j.threads);
  add_seed_option(cmd, j.seed, "Seed");
}

}  // namespace

CLI::App* bind_sensitivity_options(CLI::App& app, SensitivityArgs& a) {
  SensitivityJob& j = a.job;
  CLI::App* cmd = add_command(app, "sensitivity", "Score every tensor's sensitivity to each ladder level");
  bind_level_options(cmd, j);
  cmd->add_option("--out", j.out, "Scores JSON (a table is written beside it as OUT.txt)")->required();
  cmd->add_option("--method", j.method, "change (brief full fine-tune, normalised change) or fisher")
      ->check(CLI::IsMember({"change", "fisher"}));
  add_epochs_option(cmd, j.epochs, "Fine-tuning epochs per level (change)");
  add_quiet_flag(cmd, a.quiet);
  return tidy_defaults(cmd);
}

CLI::App* bind_select_options(CLI::App& app, SelectJob& j) {
  CLI::App* cmd = add_command(app, "select", "Pick gear tensors under a memory budget (exact 0/1 knapsack)");
  cmd->add_option("--scores", j.scores, "Scores from `gearnn sensitivity`")->required();
  cmd->add_option("--budget", j.budget, "Per gear: a share of the model (e.g. 0.5%) or bytes (e.g. 2048)");
  cmd->add_option("--mode", j.mode, "per-level (one knapsack per level) or shared (one set for all)")
      ->check(CLI::IsMember({"per-level", "shared"}));
  cmd->add_option("--units", j.units,
                  "What is chosen whole: tensors (each alone), stats (a BatchNorm layer's running_mean and "
                  "running_var together), layers (all of a BatchNorm layer's tensors together)")
      ->check(CLI::IsMember({"tensors", "stats", "layers"}));
  cmd->add_option("--out", j.out, "Selection JSON");
  return tidy_defaults(cmd);
}

CLI::App* bind_fit_gears_options(CLI::App& app, FitGearsArgs& a) {
  FitGearsJob& j = a.job;
  CLI::App* cmd = add_command(app, "fit-gears", "Fine-tune each level's gear and write a gear set");
  bind_level_options(cmd, j);
  cmd->add_option("--val", j.val_dataset,
                  "Validation dataset (best epoch kept, mIoU recorded; agreement with --targets teacher)");
  add_val_stride_option(cmd, j.val_stride);
  cmd->add_option("--selection", j.selection, "Selection from `gearnn select` (kind gears)");
  cmd->add_option("--kind", j.kind,
                  "gears | bn (BatchNorm statistics re-estimated per level) | full (every tensor: one model per level)")
      ->check(CLI::IsMember({"gears", "bn", "full"}));
  cmd->add_option("--out", j.out_dir, "Gear set directory to write")->required();
  add_epochs_option(cmd, j.epochs, "Fine-tuning epochs per level");
  cmd->add_option("--batch", j.batch, "Batch size")->check(CLI::Range(1, 4096));
  cmd->add_option("--lr", j.lr, "Peak learning rate")->check(finite_number(0, 10, true));
  cmd->add_option("--bn-stats", j.bn_stats,
                  "BatchNorm statistics a gear holds: reestimate (on the level), shift (base + distorted - pristine, "
                  "scene-independent) or keep (base values; with --start, the start's). Without it: reestimate, or "
                  "keep with --start")
      ->check(CLI::IsMember({"reestimate", "shift", "keep"}));
  cmd->add_option("--start", j.start_dir,
                  "Start each level's gear from DIR/LEVEL.pt (gears of `train --mode gears`); its tensors are the "
                  "file's, its BatchNorm statistics kept unless --bn-stats is given");
  cmd->add_option("--guard", j.guard,
                  "neighbours: drop a gear that gains less on its level's validation frames than it loses on a "
                  "neighbouring level's (where a misread frame comes from), and the gear of the level where the "
                  "ladder's own distortion is absent (b1.00: it learns only the fixed settings, e.g. QP 22), keeping "
                  "the base there; none: keep every gear")
      ->check(CLI::IsMember({"neighbours", "none"}));
  cmd->add_flag("--neighbour-selections", j.neighbour_selections,
                "Also fit each level's gear on the selections of the levels next to it (by the measured feature) "
                "and keep whichever scores best on validation (--val); up to three fits per level");
  add_quiet_flag(cmd, a.quiet);
  return tidy_defaults(cmd);
}

CLI::App* bind_combine_gears_options(CLI::App& app, CombineGearsOptions& o) {
  CLI::App* cmd =
      add_command(app, "combine-gears",
                  "One gear set for two distortions: FIRST's useful gears, THEN's gears over FIRST's neutral range");
  cmd->add_option("first", o.first_dir, "Gear set switched on one feature (e.g. brightness, on luma)")->required();
  cmd->add_option("then", o.then_dir, "Gear set used where FIRST is neutral (e.g. qp)")->required();
  cmd->add_option("--out", o.out_dir, "Combined gear set directory (gear files are referenced)")->required();
  cmd->add_option("--min-gain", o.min_gain,
                  "FIRST's gears gaining less than this on validation (mIoU, or agreement for teacher targets) "
                  "are neutral")
      ->check(finite_number(-1, 1));
  cmd->add_option("--neutral", o.neutral, "Neutral gears of FIRST, by name (instead of --min-gain)")->delimiter(',');
  return tidy_defaults(cmd);
}

CLI::App* bind_cell_gears_options(CLI::App& app, CellGearsOptions& o) {
  CLI::App* cmd = add_command(app, "cell-gears",
                              "Gears per cell of two distortions: BASE's gears split on a second feature, each part "
                              "from the set fitted nearest that value");
  cmd->add_option("base", o.base_dir, "Gear set whose gears get cells (e.g. brightness or all, fitted at QP 22)")
      ->required();
  cmd->add_option("--add", o.add_dirs,
                  "A set fitted on the same ladder at another value of the feature (e.g. the brightness ladder "
                  "at QP 34); repeat or separate by commas")
      ->required()
      ->delimiter(',');
  cmd->add_option("--on", o.feature, "Frame feature the cells switch on");
  cmd->add_option("--setting", o.setting, "Settings key of each set's value on it (default: the feature)");
  cmd->add_option("--values", o.values,
                  "Each set's value on the feature, BASE's first, then each --add's, for sets fitted at one setting "
                  "on different scenes (e.g. --on luma --values 88,114: QP gears fitted on dark and on bright "
                  "scenes, their median luma); instead of --setting")
      ->delimiter(',')
      ->check(finite_number(-1e9, 1e9));
  cmd->add_option("--cuts", o.cuts,
                  "The feature's values where one set's cells end and the next's begin, rising (one fewer than the "
                  "sets); needed when --setting is not the feature (e.g. --on luma --setting brightness); without: "
                  "half-way between the sets' values")
      ->delimiter(',')
      ->check(finite_number(-1e9, 1e9));
  cmd->add_option("--out", o.out_dir, "Gear set directory to write (gear files are referenced)")->required();
  return tidy_defaults(cmd);
}

void add_gear_commands(CLI::App& app) {
  auto sens = std::make_shared<SensitivityArgs>();
  bind_sensitivity_options(app, *sens)->callback([sens] {
    const SensitivityJob& j = sens->job;
    check_output_file(j.out);
    sens->job.progress = !sens->quiet;
    run_sensitivity(j);
    if (!sens->quiet) std::fprintf(stderr, "scores -> %s, table -> %s.txt\n", j.out.c_str(), j.out.c_str());
  });

  auto select = std::make_shared<SelectJob>();
  bind_select_options(app, *select)->callback([select] {
    check_output_file(select->out);
    std::printf("%s", selection_table(run_select(*select)).c_str());
  });

  auto fit = std::make_shared<FitGearsArgs>();
  bind_fit_gears_options(app, *fit)->callback([fit] {
    check_output_dir(fit->job.out_dir);
    fit->job.progress = !fit->quiet;
    const json r = run_fit_gears(fit->job);
    if (!fit->quiet)
      std::fprintf(stderr, "%zu gears, %lld bytes = %.3f%% of the model -> %s\n", r["gears"].size(),
                   static_cast<long long>(r["gear_bytes"].get<int64_t>()), 100 * r["overhead"].get<double>(),
                   fit->job.out_dir.c_str());
  });

  auto combine = std::make_shared<CombineGearsOptions>();
  bind_combine_gears_options(app, *combine)->callback([combine] {
    check_output_dir(combine->out_dir);
    const json out = combine_gear_sets(*combine);
    std::fprintf(stderr, "%zu gears (neutral: %s; band %s) -> %s/gears.json\n", out["gears"].size(),
                 out["combined"]["neutral"].dump().c_str(), out["combined"]["band"].dump().c_str(),
                 combine->out_dir.c_str());
  });

  auto cells = std::make_shared<CellGearsOptions>();
  bind_cell_gears_options(app, *cells)->callback([cells] {
    check_output_dir(cells->out_dir);
    const json out = cell_gear_sets(*cells);
    std::fprintf(stderr, "%zu gears (cells of %s on %s) -> %s/gears.json\n", out["gears"].size(),
                 out["cells"]["gears"].dump().c_str(), cells->feature.c_str(), cells->out_dir.c_str());
  });
}

}  // namespace gearnn::cli
