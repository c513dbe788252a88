#include <cstdio>
#include <memory>

#include "command_options.h"
#include "commands.h"
#include "common_options.h"
#include "gearnn/common/json_io.h"

namespace gearnn::cli {

CLI::App* bind_train_options(CLI::App& app, TrainArgs& a) {
  TrainJob& j = a.job;
  CLI::App* cmd = add_command(app, "train", "Train a model from scratch or fine-tune one");
  cmd->add_option("--dataset", j.dataset, "Dataset file of clips (labelled, or any with --targets teacher)")
      ->required();
  cmd->add_option("--val", j.val_dataset,
                  "Validation dataset (mIoU each epoch, agreement with --targets teacher; the best epoch is kept)");
  add_val_stride_option(cmd, j.val_stride);
  cmd->add_option("--init", j.init_model, "Start from this model directory (default: a new StreetNet)");
  cmd->add_option("--width", j.width, "New model: input width")->check(CLI::Range(16, 4096));
  cmd->add_option("--height", j.height, "New model: input height")->check(CLI::Range(16, 4096));
  cmd->add_option("--widths", j.widths, "New model: channels at 1/2, 1/4, 1/8, 1/16")
      ->delimiter(',')
      ->expected(4)
      ->check(CLI::Range(1, 4096));
  cmd->add_option("--head", j.head, "New model: context channels")->check(CLI::Range(1, 4096));
  cmd->add_option("--out", j.out_dir, "Model directory to write")->required();
  cmd->add_option("--mode", j.mode,
                  "clean | augment (mixture of ladder levels) | stability (Zheng et al.) | gears (joint: the shared "
                  "tensors and each level's gear trained together; writes OUT/gears/LADDER)")
      ->check(CLI::IsMember({"clean", "augment", "stability", "gears"}));
  cmd->add_option("--ladder", j.ladder, "Ladder file(s), comma separated, for augment/stability/gears");
  cmd->add_option("--selection", j.selection,
                  "--mode gears: each level's tensors, from `gearnn select` or a gear set directory (comma "
                  "separated, one per ladder)");
  add_target_options(cmd, j.targets, "the --init model");
  cmd->add_option("--cache", j.cache_dir, "Where distorted renderings are cached");
  cmd->add_option("--stability-weight", j.stability_weight, "Weight of the stability KL term")
      ->check(finite_number(0, 1e6));
  add_epochs_option(cmd, j.epochs, "Epochs");
  cmd->add_option("--batch", j.batch, "Batch size")->check(CLI::Range(2, 4096));
  cmd->add_option("--lr", j.lr, "Peak learning rate (AdamW, cosine schedule)")->check(finite_number(0, 10, true));
  cmd->add_option("--stride", j.stride, "Use every Nth frame of each clip")->check(CLI::Range(1, 100000));
  add_max_frames_option(cmd, j.max_frames_per_clip, "At most this many frames per clip");
  add_seed_option(cmd, j.seed, "Seed (initialisation, shuffling, augmentation)");
  add_threads_option(cmd, j.threads);
  cmd->add_option("--checkpoint", j.checkpoint_dir, "Checkpoint directory (written every epoch)");
  cmd->add_flag("--resume", j.resume, "Continue from the checkpoint");
  add_quiet_flag(cmd, a.quiet);
  return tidy_defaults(cmd);
}

void add_train_commands(CLI::App& app) {
  auto a = std::make_shared<TrainArgs>();
  bind_train_options(app, *a)->callback([a] {
    check_output_dir(a->job.out_dir);
    a->job.progress = !a->quiet;
    const json r = run_train_job(a->job);
    if (!a->quiet)
      std::fprintf(stderr, "best val %s %.4f at epoch %d, %.0f s -> %s\n", a->job.targets.score_name().c_str(),
                   r["best_val_miou"].get<double>(), r["best_epoch"].get<int>() + 1, r["seconds"].get<double>(),
                   a->job.out_dir.c_str());
  });
}

}  // namespace gearnn::cli
