#include <cstdio>
#include <filesystem>
#include <memory>

#include "commands.h"
#include "gearnn/pipeline/run_video.h"
#include "gearnn/report/html_report.h"

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
  auto html = std::make_shared<std::string>();
  cmd->add_option("--html", *html, "Also write the HTML report (as gearnn report OUT) to this file");
  auto tag = std::make_shared<std::string>();
  cmd->add_option("--tag", *tag, "JSON object copied into report.json as \"tag\" (gearnn batch uses it)");
  cmd->callback([o, quiet, tag, html] {
    if (!tag->empty()) {
      try {
        o->tag = json::parse(*tag);
      } catch (const json::exception&) {
        fail("--tag", "not valid JSON");
      }
      if (!o->tag.is_object()) fail("--tag", "must be a JSON object");
    }
    o->progress = !*quiet;
    json report;
    const auto started = std::filesystem::file_time_type::clock::now();
    try {
      report = run_video(*o);
    } catch (...) {
      // The page of a run that stopped mid-way still shows the frames it
      // finished (only if this run wrote report.json, not an older one).
      std::error_code ec;
      const auto written = std::filesystem::last_write_time(o->out_dir + "/report.json", ec);
      if (!html->empty() && !ec && written >= started) {
        try {
          write_html_report(o->out_dir, *html);
        } catch (const std::exception&) {
        }
      }
      throw;
    }
    if (!html->empty()) write_html_report(o->out_dir, *html);
    if (!*quiet) {
      std::fprintf(stderr, "%lld frames, %.1f fps", static_cast<long long>(report["frames"].get<int64_t>()),
                   report["fps"].get<double>());
      if (report.contains("metrics") && report["metrics"]["miou"].is_number())
        std::fprintf(stderr, ", mIoU %.4f", report["metrics"]["miou"].get<double>());
      std::fprintf(stderr, " -> %s/report.json\n", o->out_dir.c_str());
      if (!html->empty()) std::fprintf(stderr, "HTML report -> %s\n", html->c_str());
    }
  });
}

}  // namespace gearnn::cli
