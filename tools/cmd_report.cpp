#include <cstdio>
#include <memory>

#include "commands.h"
#include "gearnn/report/html_report.h"

namespace gearnn::cli {

void add_report_command(CLI::App& app) {
  auto path = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  auto samples = std::make_shared<int>(6);
  auto quiet = std::make_shared<bool>(false);
  CLI::App* cmd = app.add_subcommand("report", "Write one self-contained HTML page for a run, batch or merged report");
  cmd->add_option("path", *path, "Run directory, batch directory, or merged JSON from gearnn merge")->required();
  cmd->add_option("--out", *out, "HTML file (default: DIR/report.html, or X.html beside merged X.json)");
  cmd->add_option("--samples", *samples, "Sample frames with masks overlaid (run pages)")->check(CLI::Range(0, 100));
  cmd->add_flag("--quiet", *quiet, "Print nothing");
  cmd->callback([path, out, samples, quiet] {
    const std::string written = write_html_report(*path, *out, *samples);
    if (!*quiet) std::fprintf(stderr, "report -> %s\n", written.c_str());
  });
}

}  // namespace gearnn::cli
