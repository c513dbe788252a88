#include <iostream>
#include <memory>

#include "command_options.h"
#include "commands.h"
#include "common_options.h"
#include "gearnn/common/json_io.h"

namespace gearnn::cli {

CLI::App* bind_synth_options(CLI::App& app, SynthArgs& a) {
  SynthOptions& o = a.options;
  CLI::App* cmd = add_command(app, "synth", "Generate a labelled synthetic street clip");
  cmd->add_option("--out", o.out_dir, "Output directory")->required();
  cmd->add_option("--frames", o.frames, "Number of frames")->check(CLI::Range(1, 1000000));
  cmd->add_option("--width", o.width, "Frame width (even)")->check(CLI::Range(64, 8192));
  cmd->add_option("--height", o.height, "Frame height (even)")->check(CLI::Range(64, 8192));
  add_seed_option(cmd, o.seed, "Scene seed (same seed, same clip)");
  cmd->add_option("--fps", o.fps, "Frame rate")->check(CLI::Range(1.0, 240.0));
  add_quiet_flag(cmd, a.quiet, "No progress bar");
  return tidy_defaults(cmd);
}

CLI::App* bind_distort_options(CLI::App& app, DistortArgs& a) {
  DistortOptions& o = a.options;
  CLI::App* cmd = add_command(app, "distort", "Re-encode through libx264 with chosen distortions");
  cmd->add_option("input", o.input, "Input video")->required();
  cmd->add_option("--out", o.output, "Output video (.mp4, .mkv; .ts when the schedule changes the resolution)")
      ->required();
  cmd->add_option("--qp", o.base.qp, "libx264 quantiser 0..51");
  cmd->add_option("--brightness", o.base.brightness, "Multiply pixel values (e.g. 0.4 dark, 1.6 bright)");
  cmd->add_option("--noise", o.base.noise, "Gaussian noise sigma (0..255 units)");
  cmd->add_option("--blur", o.base.blur, "Gaussian blur sigma (pixels)");
  cmd->add_option("--scale", o.base.scale, "Down-scale by this factor, then back up");
  cmd->add_option("--resolution", o.base.resolution,
                  "Encode at this fraction of the source size (an ABR rendition), e.g. 0.5");
  cmd->add_option("--schedule", a.schedule, "JSON file varying settings over frame ranges");
  add_seed_option(cmd, o.seed, "Noise seed");
  cmd->add_option("--preset", o.preset, "libx264 preset")->check(CLI::IsMember(x264_presets()));
  cmd->add_option("--threads", o.threads, "Encoder threads (0 = automatic)")->check(CLI::Range(0, 64));
  add_max_frames_option(cmd, o.max_frames);
  add_quiet_flag(cmd, a.quiet, "No progress bar");
  return tidy_defaults(cmd);
}

CLI::App* bind_eval_options(CLI::App& app, EvalArgs& a) {
  EvalOptions& o = a.options;
  CLI::App* cmd = add_command(app, "eval", "Metrics between predicted and ground-truth label directories");
  cmd->add_option("--pred", o.pred_dir, "Predicted label directory")->required();
  cmd->add_option("--gt", o.gt_dir, "Ground-truth label directory")->required();
  cmd->add_option("--classes", o.num_classes, "Number of classes")->required();
  cmd->add_option("--ignore", o.ignore_index, "Ignore label");
  cmd->add_option("--names", o.class_names, "Class names")->delimiter(',');
  cmd->add_option("--json", a.json_out, "Write the metrics to this file instead of stdout");
  return tidy_defaults(cmd);
}

CLI::App* bind_probe_options(CLI::App& app, ProbeArgs& a) {
  ProbeOptions& o = a.options;
  CLI::App* cmd =
      add_command(app, "probe", "Measure per-frame quality features (and the gear a set would pick) without a model");
  cmd->add_option("input", o.input, "Video file or image sequence")->required();
  cmd->add_option("--gears", o.gears_dir, "Gear set directory: also report the gear each frame would get");
  add_hold_option(cmd, o.hold, "As gearnn run --hold");
  add_max_frames_option(cmd, o.max_frames);
  cmd->add_option("--out", o.out_jsonl, "Write one JSON line per frame (features, gear) to this file");
  cmd->add_flag("--json", a.json, "Print the summary as JSON instead of a table");
  return tidy_defaults(cmd);
}

void add_data_commands(CLI::App& app) {
  auto synth = std::make_shared<SynthArgs>();
  bind_synth_options(app, *synth)->callback([synth] {
    check_output_dir(synth->options.out_dir);
    synth->options.progress = !synth->quiet;
    synthesize_clip(synth->options);
  });

  auto distort = std::make_shared<DistortArgs>();
  bind_distort_options(app, *distort)->callback([distort] {
    check_output_file(distort->options.output);
    distort->options.progress = !distort->quiet;
    if (!distort->schedule.empty()) distort->options.schedule = load_schedule(distort->schedule);
    distort_video(distort->options);
  });

  auto eval = std::make_shared<EvalArgs>();
  bind_eval_options(app, *eval)->callback([eval] {
    check_output_file(eval->json_out);
    const json m = evaluate_dirs(eval->options);
    if (eval->json_out.empty())
      std::cout << json_text(m, 2) << "\n";
    else
      write_json_file(eval->json_out, m);
  });

  auto probe = std::make_shared<ProbeArgs>();
  bind_probe_options(app, *probe)->callback([probe] {
    check_output_file(probe->options.out_jsonl);
    const json s = run_probe(probe->options);
    std::cout << (probe->json ? json_text(s, 2) + "\n" : probe_table(s));
  });
}

}  // namespace gearnn::cli
