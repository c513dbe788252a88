// gearnn: segmentation of video whose quality changes, with per-level gears.
#include <cstdio>
#include <string>
#include <vector>

#include "commands.h"
#include "gearnn/common/allocator.h"
#include "exit_status.h"

extern "C" {
#include <libavutil/log.h>
}

int main(int argc, char** argv) {
  gearnn::keep_frame_buffers_in_heap();
  av_log_set_level(AV_LOG_FATAL);  // our own one-line errors name the file; keep libav quiet
  CLI::App app{"gearnn: semantic segmentation of video with quality-adaptive gears"};
  app.set_version_flag("--version", std::string("gearnn ") + GEARNN_VERSION);
  app.require_subcommand(1);
  app.footer(gearnn::cli::exit_codes_help());
  gearnn::cli::add_run_command(app);
  gearnn::cli::add_data_commands(app);
  gearnn::cli::add_bench_commands(app);
  gearnn::cli::add_model_commands(app);
  gearnn::cli::add_train_commands(app);
  gearnn::cli::add_gear_commands(app);
  gearnn::cli::add_batch_commands(app);
  gearnn::cli::add_report_command(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {  // --help, --version
    return app.exit(e);
  } catch (...) {
    // Every failure, whatever threw it: one line and a typed exit code (exit_status.h).
    gearnn::cli::ExitStatus s = gearnn::cli::exit_status_of(std::current_exception());
    if (s.message.rfind("A subcommand is required", 0) == 0)
      s.message = gearnn::cli::missing_command_text(app, std::vector<std::string>(argv + 1, argv + argc));
    if (!s.message.empty()) std::fprintf(stderr, "gearnn: error: %s\n", s.message.c_str());
    return s.code;
  }
  return 0;
}
