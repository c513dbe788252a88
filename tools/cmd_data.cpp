#include <iostream>
#include <memory>

#include "commands.h"
#include "gearnn/datasets/distort.h"
#include "gearnn/metrics/eval_masks.h"
#include "gearnn/pipeline/probe.h"
#include "gearnn/synth/synth_clip.h"

namespace gearnn::cli {

static void add_synth(CLI::App& app) {
  auto o = std::make_shared<SynthOptions>();
  auto quiet = std::make_shared<bool>(false);
  CLI::App* cmd = app.add_subcommand("synth", "Generate a labelled synthetic street clip");
  cmd->add_option("--out", o->out_dir, "Output directory")->required();
  cmd->add_option("--frames", o->frames, "Number of frames")->check(CLI::Range(1, 1000000));
  cmd->add_option("--width", o->width, "Frame width");
  cmd->add_option("--height", o->height, "Frame height");
  cmd->add_option("--seed", o->seed, "Scene seed (same seed, same clip)");
  cmd->add_option("--fps", o->fps, "Frame rate")->check(CLI::Range(1.0, 240.0));
  cmd->add_flag("--quiet", *quiet, "No progress bar");
  cmd->callback([o, quiet] {
    o->progress = !*quiet;
    synthesize_clip(*o);
  });
}

static void add_distort(CLI::App& app) {
  auto o = std::make_shared<DistortOptions>();
  auto schedule = std::make_shared<std::string>();
  auto quiet = std::make_shared<bool>(false);
  CLI::App* cmd = app.add_subcommand("distort", "Re-encode through libx264 with chosen distortions");
  cmd->add_option("input", o->input, "Input video")->required();
  cmd->add_option("--out", o->output, "Output video (.mp4, .mkv)")->required();
  cmd->add_option("--qp", o->base.qp, "libx264 quantiser 0..51 (default 18)");
  cmd->add_option("--brightness", o->base.brightness, "Multiply pixel values (e.g. 0.4 dark, 1.6 bright)");
  cmd->add_option("--noise", o->base.noise, "Gaussian noise sigma (0..255 units)");
  cmd->add_option("--blur", o->base.blur, "Gaussian blur sigma (pixels)");
  cmd->add_option("--scale", o->base.scale, "Down-scale by this factor, then back up");
  cmd->add_option("--schedule", *schedule, "JSON file varying settings over frame ranges");
  cmd->add_option("--seed", o->seed, "Noise seed");
  cmd->add_option("--preset", o->preset, "libx264 preset");
  cmd->add_option("--threads", o->threads, "Encoder threads");
  cmd->add_option("--max-frames", o->max_frames, "Stop after this many frames");
  cmd->add_flag("--quiet", *quiet, "No progress bar");
  cmd->callback([o, schedule, quiet] {
    o->progress = !*quiet;
    if (!schedule->empty()) o->schedule = load_schedule(*schedule);
    distort_video(*o);
  });
}

static void add_eval(CLI::App& app) {
  auto o = std::make_shared<EvalOptions>();
  auto out = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("eval", "Metrics between predicted and ground-truth label directories");
  cmd->add_option("--pred", o->pred_dir, "Predicted label directory")->required();
  cmd->add_option("--gt", o->gt_dir, "Ground-truth label directory")->required();
  cmd->add_option("--classes", o->num_classes, "Number of classes")->required();
  cmd->add_option("--ignore", o->ignore_index, "Ignore label");
  cmd->add_option("--names", o->class_names, "Class names")->delimiter(',');
  cmd->add_option("--json", *out, "Write the metrics to this file instead of stdout");
  cmd->callback([o, out] {
    const json m = evaluate_dirs(*o);
    if (out->empty())
      std::cout << m.dump(2) << "\n";
    else
      write_json_file(*out, m);
  });
}

static void add_probe(CLI::App& app) {
  auto o = std::make_shared<ProbeOptions>();
  auto json_out = std::make_shared<bool>(false);
  CLI::App* cmd = app.add_subcommand("probe", "Measure per-frame quality features (and the gear a set would pick) without a model");
  cmd->add_option("input", o->input, "Video file or image sequence")->required();
  cmd->add_option("--gears", o->gears_dir, "Gear set directory: also report the gear each frame would get");
  cmd->add_option("--hold", o->hold, "As gearnn run --hold")->check(CLI::Range(1, 1000000));
  cmd->add_option("--max-frames", o->max_frames, "Stop after this many frames");
  cmd->add_option("--out", o->out_jsonl, "Write one JSON line per frame (features, gear) to this file");
  cmd->add_flag("--json", *json_out, "Print the summary as JSON instead of a table");
  cmd->callback([o, json_out] {
    const json s = run_probe(*o);
    std::cout << (*json_out ? s.dump(2) + "\n" : probe_table(s));
  });
}

void add_data_commands(CLI::App& app) {
  add_synth(app);
  add_distort(app);
  add_eval(app);
  add_probe(app);
}

}  // namespace gearnn::cli
