#include <cstdio>
#include <memory>

#include "command_options.h"
#include "commands.h"
#include "common_options.h"
#include "gearnn/report/html_report.h"

namespace gearnn::cli {

CLI::App* bind_report_options(CLI::App& app, ReportArgs& a) {
  CLI::App* cmd = add_command(app, "report", "Write one self-contained HTML page for a run, batch or merged report");
  cmd->add_option("path", a.path, "Run directory, batch directory, or merged JSON from gearnn merge")->required();
  cmd->add_option("--out", a.out, "HTML file (default: DIR/report.html, or X.html beside merged X.json)");
  cmd->add_option("--samples", a.samples, "Sample frames with masks overlaid (run pages)")->check(CLI::Range(0, 100));
  add_quiet_flag(cmd, a.quiet, "Print nothing");
  return tidy_defaults(cmd);
}

void add_report_command(CLI::App& app) {
  auto a = std::make_shared<ReportArgs>();
  bind_report_options(app, *a)->callback([a] {
    const std::string written = write_html_report(a->path, a->out, a->samples);
    if (!a->quiet) std::fprintf(stderr, "report -> %s\n", written.c_str());
  });
}

}  // namespace gearnn::cli
