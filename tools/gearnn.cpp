// gearnn: segmentation of video whose quality changes, with per-level gears.
#include <cstdio>
#include <string>

#include "commands.h"

extern "C" {
#include <libavutil/log.h>
}

int main(int argc, char** argv) {
  av_log_set_level(AV_LOG_FATAL);  // our own one-line errors name the file; keep libav quiet
  CLI::App app{"gearnn: semantic segmentation of video with quality-adaptive gears"};
  app.set_version_flag("--version", std::string("gearnn ") + GEARNN_VERSION);
  app.require_subcommand(1);
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
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const std::exception& e) {
    std::string what = e.what();
    std::fprintf(stderr, "gearnn: error: %s\n", what.substr(0, what.find('\n')).c_str());
    return 1;
  }
  return 0;
}
