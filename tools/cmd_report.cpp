#include <cstdio>
#include <memory>

#include "command_options.h"
#include "commands.h"
#include "common_options.h"
#include "gearnn/common/json_io.h"
#include "gearnn/report/html_report.h"

namespace gearnn::cli {

CLI::App* bind_report_options(CLI::App& app, ReportArgs& a) {
  CLI::App* cmd = add_command(app, "report",
                              "Write one self-contained HTML page for a run, batch or merged report, or comparing two runs");
  cmd->add_option("path", a.path, "Run directory, batch directory, or merged JSON from gearnn merge")->required();
  CLI::Option* out =
      cmd->add_option("--out", a.out, "HTML file (default: DIR/report.html, or X.html beside merged X.json)");
  CLI::Option* samples = cmd->add_option("--samples", a.samples, "Sample frames with masks overlaid (run pages)")
                             ->check(CLI::Range(0, 100));
  // A compare page belongs to neither run, so it has no default file.
  cmd->add_option("--compare", a.compare,
                  "Another run directory: one page comparing run PATH (A) with it (B), per-frame mIoU or agreement "
                  "of both on one chart")
      ->needs(out)
      ->excludes(samples);
  add_quiet_flag(cmd, a.quiet, "Print nothing");
  return tidy_defaults(cmd);
}

void add_report_command(CLI::App& app) {
  auto a = std::make_shared<ReportArgs>();
  bind_report_options(app, *a)->callback([a] {
    check_output_file(a->out);
    const std::string written = a->compare.empty() ? write_html_report(a->path, a->out, a->samples)
                                                   : write_compare_report(a->path, a->compare, a->out);
    if (!a->quiet) std::fprintf(stderr, "report -> %s\n", written.c_str());
  });
}

}  // namespace gearnn::cli
