#include "common_options.h"

#include <cmath>
#include <sstream>

namespace gearnn::cli {

CLI::App* add_command(CLI::App& parent, const std::string& name, const std::string& description) {
  CLI::App* cmd = parent.add_subcommand(name, description);
  cmd->option_defaults()->always_capture_default();  // inherited by its own subcommands
  return cmd;
}

CLI::App* tidy_defaults(CLI::App* cmd) {
  for (CLI::Option* opt : cmd->get_options()) {
    const std::string shown = opt->get_default_str();
    if (opt->get_required())
      opt->default_str("");
    else if (shown.size() >= 2 && shown.front() == '[' && shown.back() == ']')
      opt->default_str(shown.substr(1, shown.size() - 2));  // a list as it is typed: 16,32,64,128
  }
  return cmd;
}

CLI::Option* add_quiet_flag(CLI::App* cmd, bool& quiet, const std::string& description) {
  return cmd->add_flag("--quiet", quiet, description);
}

CLI::Option* add_threads_option(CLI::App* cmd, int& threads, const std::string& zero_means, const std::string& what) {
  return cmd->add_option("--threads", threads, what + " (0 = " + zero_means + ")")->check(CLI::Range(0, 256));
}

CLI::Option* add_decode_threads_option(CLI::App* cmd, int& threads) {
  return cmd->add_option("--decode-threads", threads, "Decoder threads")->check(CLI::Range(1, 64));
}

CLI::Option* add_max_frames_option(CLI::App* cmd, int64_t& max_frames, const std::string& description) {
  return cmd->add_option("--max-frames", max_frames, description + " (-1 = all)");
}

CLI::Option* add_max_frames_option(CLI::App* cmd, int& max_frames, const std::string& description) {
  return cmd->add_option("--max-frames", max_frames, description + " (-1 = all)");
}

CLI::Option* add_epochs_option(CLI::App* cmd, int& epochs, const std::string& description) {
  return cmd->add_option("--epochs", epochs, description)->check(CLI::Range(1, 100000));
}

CLI::Option* add_val_stride_option(CLI::App* cmd, int& val_stride) {
  return cmd->add_option("--val-stride", val_stride, "Use every Nth frame of the --val clips (0 = as --stride)")
      ->check(CLI::Range(0, 100000));
}

CLI::Option* add_seed_option(CLI::App* cmd, uint64_t& seed, const std::string& description) {
  return cmd->add_option("--seed", seed, description)->check(CLI::NonNegativeNumber);
}

CLI::Validator finite_number(double lo, double hi, bool lo_open) {
  std::ostringstream range;
  range << (lo_open ? "(" : "[") << lo << ", " << hi << "]";
  const std::string text = range.str();
  return CLI::Validator(
      [lo, hi, lo_open, text](std::string& input) -> std::string {
        double v = 0;
        if (!CLI::detail::lexical_cast(input, v) || !std::isfinite(v) || v < lo || v > hi || (lo_open && v == lo))
          return "Value " + input + " not a number in " + text;
        return "";
      },
      "NUMBER in " + text);
}

CLI::Option* add_hold_option(CLI::App* cmd, int& hold, const std::string& description) {
  return cmd->add_option("--hold", hold, description)->check(CLI::Range(1, 1000000));
}

CLI::Option* add_check_options(CLI::App* cmd, int& check_neighbours, int& check_every, const std::string& more) {
  CLI::Option* check =
      cmd->add_option("--check-neighbours", check_neighbours,
                      "Also segment checked frames (see --check-every) with the gears of the levels either side "
                      "of the one the features pick, and keep the prediction whose mean pixel entropy, averaged "
                      "over the last N checks, is lowest: a forward per candidate (0 = off; not with --blend" +
                          more + ")")
          ->check(CLI::Range(0, 1000));
  cmd->add_option("--check-every", check_every,
                  "With --check-neighbours: check when the features pick another gear than at the last check, "
                  "and every K frames; the frames between keep the gear that check kept (one forward each; "
                  "1 = check every frame)")
      ->check(CLI::Range(1, 1000000));
  return check;
}

CLI::Option* add_batch_option(CLI::App* cmd, int& batch) {
  return cmd
      ->add_option("--batch", batch,
                   "Consecutive frames segmented in one forward; a gear switch or the end of the input closes a "
                   "batch early. On live input a frame waits for the next BATCH-1 frames: up to BATCH-1 frame "
                   "intervals of added latency")
      ->check(CLI::Range(1, 64));
}

CLI::Option* add_masks_option(CLI::App* cmd, std::string& masks) {
  return cmd->add_option("--masks", masks, "Masks to write: none, ids, color")
      ->check(CLI::IsMember({"none", "ids", "color"}));
}

void add_target_options(CLI::App* cmd, TargetOptions& targets, const std::string& default_teacher) {
  cmd->add_option("--targets", targets.kind,
                  "labels (the clips' label maps) or teacher (the teacher's prediction on the pristine frames: "
                  "no labels needed)")
      ->check(CLI::IsMember({"labels", "teacher"}));
  cmd->add_option("--teacher", targets.teacher_dir,
                  "Teacher model directory for --targets teacher; without it, " + default_teacher);
  // CLI11 reads "inf" and "nan" as numbers: the value is checked once converted.
  const CLI::Validator finite_above_zero(
      [](std::string& text) {
        double t = 0;
        return CLI::detail::lexical_cast(text, t) && std::isfinite(t) && t > 0 ? std::string()
                                                                              : "must be a finite number above 0";
      },
      "POSITIVE");
  cmd->add_option("--temperature", targets.temperature,
                  "With --targets teacher: soft targets, the teacher's class probabilities at this temperature "
                  "(distillation loss); without it, the teacher's argmax")
      ->check(finite_above_zero)
      ->default_str("");  // absent: hard targets
}

}  // namespace gearnn::cli
