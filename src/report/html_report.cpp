// `gearnn report`'s entry points: decide what a path holds, read it and pick
// the page. The pages are built in run_page.cpp and collection_page.cpp.
#include "gearnn/report/html_report.h"

#include <filesystem>

#include "collection_page.h"
#include "compare_page.h"
#include "gearnn/common/errors.h"
#include "report_inputs.h"
#include "run_page.h"

namespace fs = std::filesystem;

namespace gearnn {

namespace {

// A path to a run's report.json stands for its run directory.
std::string run_dir_of(const std::string& path) {
  if (fs::is_regular_file(path) && fs::path(path).filename() == "report.json") {
    const std::string parent = fs::path(path).parent_path().string();
    return parent.empty() ? "." : parent;
  }
  return path;
}

// What `gearnn batch` leaves behind, even before its first item finishes.
bool is_batch_dir(const std::string& path) {
  if (fs::exists(fs::path(path) / "failures.jsonl")) return true;
  for (const auto& e : fs::directory_iterator(path)) {
    const std::string name = e.path().filename().string();
    if (e.is_directory() && name[0] != '.' && fs::exists(e.path() / "report.json")) return true;
    if (name.rfind("shard-", 0) == 0 && e.path().extension() == ".json") return true;  // a batch, maybe empty
  }
  return false;
}

}  // namespace

ReportSource report_source(const std::string& path) {
  if (path.empty()) fail("report", "no path given");
  std::error_code ec;
  if (!fs::exists(path, ec)) fail(path, "not found");
  if (fs::is_directory(path)) {
    if (fs::exists(fs::path(path) / "report.json")) return ReportSource::run;
    if (is_batch_dir(path)) return ReportSource::batch;
    fail(path,
         "not a gearnn run or batch directory (no report.json, <id>/report.json, failures.jsonl or shard-*.json)");
  }
  if (fs::path(path).filename() == "report.json") return ReportSource::run;
  const json j = read_json_file(path);
  if (j.is_object() && j.value("kind", json()) == "merge") return ReportSource::merged;
  fail(path, "not a merged gearnn report (expected \"kind\": \"merge\") nor a run or batch directory");
}

std::string default_html_path(const std::string& path) {
  switch (report_source(path)) {
    case ReportSource::run:
      return (fs::path(run_dir_of(path)) / "report.html").string();
    case ReportSource::batch:
      return (fs::path(path) / "report.html").string();
    case ReportSource::merged: {
      fs::path p(path);
      if (p.extension() == ".json") return p.replace_extension(".html").string();
      return path + ".html";
    }
  }
  return path + ".html";
}

std::string render_merged_html(const json& merged, const std::string& title_path, const std::string& base_dir,
                               const HtmlReportOptions& options) {
  return html::render_collection_page(html::read_collection(merged, base_dir, options.max_item_charts), "merge",
                                      title_path, options);
}

std::string render_html_report(const std::string& path, const HtmlReportOptions& options) {
  // A value of the wrong type anywhere in the JSON read is blamed on its file.
  switch (report_source(path)) {
    case ReportSource::run: {
      const std::string dir = run_dir_of(path);
      return naming_json_errors(dir + "/report.json",
                                [&] { return html::render_run_page(html::read_run_dir(dir), options); });
    }
    case ReportSource::batch:
      return naming_json_errors(path, [&] {
        return html::render_collection_page(html::read_batch_dir(path, options.max_item_charts), "batch", path,
                                            options);
      });
    case ReportSource::merged:
      return naming_json_errors(path, [&] {
        return html::render_collection_page(html::read_merged_file(path, options.max_item_charts), "merge", path,
                                            options);
      });
  }
  fail(path, "unknown report source");
}

std::string render_compare_report(const std::string& run_a, const std::string& run_b,
                                  const HtmlReportOptions& options) {
  for (const std::string& path : {run_a, run_b})
    if (report_source(path) != ReportSource::run) fail(path, "not a run directory (--compare takes two runs)");
  return html::render_compare_page(html::read_run_dir(run_dir_of(run_a)), html::read_run_dir(run_dir_of(run_b)),
                                   options);
}

namespace {

// Writes `page` to `out`, making its directory first.
void write_page(const std::string& out, const std::string& page) {
  const fs::path parent = fs::path(out).parent_path();
  if (!parent.empty()) create_dirs(parent.string());
  write_text_file(out, page);
}

}  // namespace

std::string write_html_report(const std::string& path, const std::string& out_html, int samples) {
  HtmlReportOptions options;
  options.samples = samples;
  const std::string out = out_html.empty() ? default_html_path(path) : out_html;
  write_page(out, render_html_report(path, options));
  return out;
}

std::string write_compare_report(const std::string& run_a, const std::string& run_b, const std::string& out_html) {
  if (out_html.empty()) fail("--out", "the compare page needs a file to go to");
  write_page(out_html, render_compare_report(run_a, run_b));
  return out_html;
}

}  // namespace gearnn
