#include <atomic>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <memory>

#include "command_options.h"
#include "commands.h"
#include "common_options.h"
#include "gearnn/common/json_io.h"
#include "gearnn/io/shipped_data.h"
#include "gearnn/report/html_report.h"

namespace gearnn::cli {

CLI::App* bind_run_options(CLI::App& app, RunArgs& a) {
  RunOptions& o = a.options;
  CLI::App* cmd = add_command(app, "run", "Segment a video, switching gears by measured frame quality");
  cmd->add_option("input", o.input, "Video file or image sequence (e.g. frames/%06d.png)")->required();
  cmd->add_option("--model", o.model_dir,
                  "Model directory (model.json + weights) or shipped model name; without it, the model and gear set "
                  "named in data/models/default.json (its gear set unless --gears is given, and its "
                  "check_neighbours unless --check-neighbours or --blend is given)");
  cmd->add_option("--gears", o.gears_dir, "Gear set directory (gears.json + gear files)");
  cmd->add_option("--gt", o.gt_dir, "Ground-truth label directory (%06d.png, from frame 0)");
  cmd->add_option("--reference", o.reference_dir,
                  "Masks to compare with, scored as agreement (not mIoU): a run's output directory or a "
                  "directory of %06d.png masks, e.g. this model's run on the pristine input");
  cmd->add_option("--out", o.out_dir, "Output directory")->required();
  add_masks_option(cmd, o.masks);
  cmd->add_option("--png-level", o.png_level,
                  "zlib compression level of mask PNGs: 1 is fast with small files (masks are flat); 9 saves a few "
                  "percent of bytes for several times the time")
      ->check(CLI::Range(0, 9));
  cmd->add_option("--overlay", o.overlay_path, "Also write a colour overlay video (e.g. overlay.mp4)");
  cmd->add_option("--max-seconds", o.max_seconds, "Stop reading this long after opening the input (0 or less = never)")
      ->check(finite_number(-1e9, 1e9));
  cmd->add_option("--input-option", a.input_options,
                  "FFmpeg option for opening the input, KEY=VALUE, repeatable (e.g. rtsp_flags=listen, "
                  "rw_timeout=MICROSECONDS)")
      ->type_name("KEY=VALUE")
      ->allow_extra_args(false)  // one pair per --input-option: the input may follow
      ->check(CLI::Validator(
          [](std::string& kv) {
            const auto eq = kv.find('=');
            return eq == std::string::npos || eq == 0 ? "expected KEY=VALUE" : "";
          },
          "KEY=VALUE"));
  cmd->add_option("--size", o.size,
                  "Output size WxH of masks, overlay and label comparison (empty: the labels' size, else the "
                  "reference masks', else the input's largest)");
  add_threads_option(cmd, o.threads, "usable cores but one, which decoding, features and writing share");
  add_decode_threads_option(cmd, o.decode_threads);
  add_hold_option(cmd, o.hold);
  add_batch_option(cmd, o.batch);
  cmd->add_option("--blend", o.blend,
                  "Gears between levels: mix the two gears either side of each frame's measured value, the weight "
                  "in steps of 1/BLEND (0 = the nearest gear alone; needs a set fitted on one ladder; ignores --hold)")
      ->check(CLI::Range(0, 1000));
  a.check_neighbours = add_check_options(cmd, o.check_neighbours, o.check_every,
                                         "; without --model, as data/models/default.json says unless given");
  add_max_frames_option(cmd, o.max_frames);
  add_quiet_flag(cmd, a.quiet, "No progress bar");
  cmd->add_option("--html", a.html, "Also write the HTML report (as gearnn report OUT) to this file");
  cmd->add_option("--tag", a.tag, "JSON object copied into report.json as \"tag\" (gearnn batch uses it)");
  return tidy_defaults(cmd);
}

namespace {

// SIGINT/SIGTERM end a run cleanly: the reader stops, the frames read so far
// are finished and written, and the report is complete.
std::atomic<bool> stop_requested{false};
extern "C" void request_stop(int) { stop_requested.store(true); }

void run_command(RunArgs& a) {
  RunOptions& o = a.options;
  // Every output is checked before the run: a run never ends on an output it could not write.
  check_output_dir(o.out_dir);
  check_output_file(a.html);
  check_output_file(o.overlay_path);
  o.stop = &stop_requested;
  std::signal(SIGINT, request_stop);
  std::signal(SIGTERM, request_stop);
  if (!a.tag.empty()) {
    o.tag = parse_json(a.tag, "--tag");
    if (!o.tag.is_object()) fail("--tag", "must be a JSON object");
  }
  o.progress = !a.quiet;
  if (o.model_dir.empty()) {
    const DefaultModel d = find_default_model();
    o.model_dir = d.model_dir;
    if (o.gears_dir.empty()) o.gears_dir = d.gears_dir;
    if (a.check_neighbours->count() == 0 && o.blend == 0 && !o.gears_dir.empty())
      o.check_neighbours = d.check_neighbours;
    if (!a.quiet)
      std::fprintf(stderr, "no --model: the shipped default %s%s%s (%s)\n", o.model_dir.c_str(),
                   o.gears_dir.empty() ? "" : " with gears ", o.gears_dir.c_str(), d.file.c_str());
  }
  for (const std::string& kv : a.input_options) {  // checked to have KEY=VALUE when parsed
    const auto eq = kv.find('=');
    o.input_options[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  json report;
  const auto started = std::filesystem::file_time_type::clock::now();
  try {
    report = run_video(o);
  } catch (...) {
    // The page of a run that stopped mid-way still shows the frames it
    // finished (only if this run wrote report.json, not an older one).
    std::error_code ec;
    const auto written = std::filesystem::last_write_time(o.out_dir + "/report.json", ec);
    if (!a.html.empty() && !ec && written >= started) {
      try {
        write_html_report(o.out_dir, a.html);
      } catch (const std::exception&) {
      }
    }
    throw;
  }
  if (!a.html.empty()) write_html_report(o.out_dir, a.html);
  if (!a.quiet) {
    std::fprintf(stderr, "%lld frames, %.1f fps", static_cast<long long>(report["frames"].get<int64_t>()),
                 report["fps"].get<double>());
    if (report.contains("metrics") && report["metrics"]["miou"].is_number())
      std::fprintf(stderr, ", mIoU %.4f", report["metrics"]["miou"].get<double>());
    if (report.contains("agreement") && report["agreement"]["agreement"].is_number())
      std::fprintf(stderr, ", agreement with %s %.4f", o.reference_dir.c_str(),
                   report["agreement"]["agreement"].get<double>());
    std::fprintf(stderr, " -> %s/report.json\n", o.out_dir.c_str());
    if (!a.html.empty()) std::fprintf(stderr, "HTML report -> %s\n", a.html.c_str());
  }
}

}  // namespace

void add_run_command(CLI::App& app) {
  auto a = std::make_shared<RunArgs>();
  bind_run_options(app, *a)->callback([a] { run_command(*a); });
}

}  // namespace gearnn::cli
