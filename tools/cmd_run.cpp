#include <cstdio>
#include <memory>

#include "commands.h"
#include "gearnn/run_pipeline.h"

namespace gearnn::cli {

void add_run_command(CLI::App& app) {
  auto o = std::make_shared<RunOptions>();
  auto quiet = std::make_shared<bool>(false);
  CLI::App* cmd = app.add_subcommand("run", "Segment a video, switching gears by measured frame quality");
  cmd->add_option("input", o->input, "Video file or image sequence (e.g. frames/%06d.png)")->required();
  cmd->add_option("--model", o->model_dir, "Model directory (model.json + weights)")->required();
  cmd->add_option("--gears", o->gears_dir, "Gear set directory (gears.json + gear files)");
  cmd->add_option("--gt", o->gt_dir, "Ground-truth label directory (%06d.png, from frame 0)");
  cmd->add_option("--out", o->out_dir, "Output directory")->required();
  cmd->add_option("--masks", o->masks, "Masks to write: none, ids, color")->check(CLI::IsMember({"none", "ids", "color"}));
  cmd->add_option("--overlay", o->overlay_path, "Also write a colour overlay video (e.g. overlay.mp4)");
  cmd->add_option("--threads", o->threads, "LibTorch intra-op threads (default: all cores)")->check(CLI::Range(0, 256));
  cmd->add_option("--decode-threads", o->decode_threads, "Decoder threads")->check(CLI::Range(1, 64));
  cmd->add_option("--hold", o->hold, "Frames a new gear must match before switching")->check(CLI::Range(1, 1000000));
  cmd->add_option("--max-frames", o->max_frames, "Stop after this many frames");
  cmd->add_flag("--quiet", *quiet, "No progress bar");
  cmd->callback([o, quiet] {
    o->progress = !*quiet;
    const json report = run_video(*o);
    if (!*quiet) {
      std::fprintf(stderr, "%lld frames, %.1f fps", static_cast<long long>(report["frames"].get<int64_t>()),
                   report["fps"].get<double>());
      if (report.contains("metrics") && report["metrics"]["miou"].is_number())
        std::fprintf(stderr, ", mIoU %.4f", report["metrics"]["miou"].get<double>());
      std::fprintf(stderr, " -> %s/report.json\n", o->out_dir.c_str());
    }
  });
}

}  // namespace gearnn::cli
