#pragma once
// `gearnn report`: one self-contained HTML page (inline SVG charts, sample
// frames as data URIs; no scripts, fonts or network) for a run directory, a
// batch directory or a merged report, or comparing two runs. See
// docs/formats.md, "HTML report".
#include <string>

#include "gearnn/common/json_io.h"

namespace gearnn {

struct HtmlReportOptions {
  int samples = 6;           // sample frames (with masks overlaid) on a run page; 0 = none
  int max_item_charts = 12;  // items that get time charts on a batch / merge page
  int marked_frames = 5;     // frames where two compared runs differ most, marked on the compare page
};

// What `path` is, judged by what it holds.
enum class ReportSource {
  run,     // directory with report.json (+ frames.jsonl, masks/)
  batch,   // directory with <id>/report.json and/or failures.jsonl
  merged,  // JSON file written by `gearnn merge` ("kind": "merge")
};

// Throws Error naming `path` if it is missing or none of the above. A path to
// a run's report.json counts as its run directory.
ReportSource report_source(const std::string& path);

// Where the page goes by default: run or batch DIR -> DIR/report.html,
// merged X.json -> X.html.
std::string default_html_path(const std::string& path);

// The page for `path` (see report_source). Throws Error naming the path for
// bad input; a missing video or masks only leave a note on the page.
std::string render_html_report(const std::string& path, const HtmlReportOptions& options = {});

// The page for a merged report already in memory; item directories given
// relative are looked up as given, then under `base_dir`.
std::string render_merged_html(const json& merged, const std::string& title_path, const std::string& base_dir,
                               const HtmlReportOptions& options = {});

// Renders and writes the page atomically (temporary name, then rename).
// Empty `out_html` means default_html_path(path). Returns the path written.
std::string write_html_report(const std::string& path, const std::string& out_html = "", int samples = 6);

// The page comparing run directory `run_a` (A) with `run_b` (B): their summary
// figures side by side, and each per-frame score both have (mIoU, agreement)
// for both on one chart with the frames where they differ most marked.
// Throws Error naming a path that is not a run directory.
std::string render_compare_report(const std::string& run_a, const std::string& run_b,
                                  const HtmlReportOptions& options = {});

// Renders the compare page and writes it atomically to `out_html` (required:
// neither run's own report.html is the place for it). Returns `out_html`.
std::string write_compare_report(const std::string& run_a, const std::string& run_b, const std::string& out_html);

// Text made safe for HTML content and attribute values.
std::string html_escape(const std::string& text);

}  // namespace gearnn
