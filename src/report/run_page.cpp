#include "run_page.h"

#include <set>
#include <sstream>

#include "chart_sections.h"
#include "colours.h"
#include "html_text.h"
#include "page.h"
#include "samples.h"

namespace gearnn::html {

namespace {

// What the run's agreement is with: the reference as given to gearnn run.
std::string reference_of(const json& report) {
  return text(report.value("agreement", json::object()), "reference", "the reference");
}

// Every gear the run names, in its usage counts or on any frame, so the
// legend and the timeline agree on colours.
std::set<std::string> gear_names(const std::map<std::string, int64_t>& usage, const std::vector<FrameRow>& rows) {
  std::set<std::string> names;
  for (const auto& [k, v] : usage) names.insert(k);
  for (const auto& r : rows) names.insert(r.gear);
  return names;
}

std::string summary_section(const RunInputs& run) {
  const json& report = run.report;
  const json input = report.value("input", json::object()), model = report.value("model", json::object());
  const json gears = report.value("gears", json());
  const json metrics = report.value("metrics", json());
  std::ostringstream b;
  b << "<section id=\"summary\"><h2>Summary</h2><div class=\"stats\">";
  const std::string size = fmt(number(input, "width"), 0) + "×" + fmt(number(input, "height"), 0);
  b << stat("input", text(input, "path", "?"),
            text(input, "codec") + " " + size + " @ " + fmt(number(input, "fps"), 2) + " fps", true);
  b << stat("model", text(model, "dir", "?"),
            text(model, "format") + ", " + std::to_string(run.classes.size()) + " classes", true);
  b << stat("gears", gears.is_object() ? text(gears, "dir", "?") : "none (base weights)",
            gears.is_object() ? fmt(number(gears, "count"), 0) + " gears, hold " +
                                    fmt(number(report.value("options", json::object()), "hold"), 0)
                              : "",
            true);
  b << stat("frames", fmt(number(report, "frames"), 0),
            fmt(number(report, "seconds"), 1) + " s, " + fmt(number(report, "fps"), 1) + " fps");
  if (metrics.is_object()) {
    b << stat("mIoU", fmt(number(metrics, "miou"), 4), "from the confusion matrix summed over frames");
    b << stat("mean frame mIoU", fmt(number(metrics, "mean_frame_miou"), 4), "mean of per-frame mIoUs");
    b << stat("pixel accuracy", fmt(number(metrics, "pixel_acc"), 4));
  } else {
    b << stat("mIoU", "–", "no ground truth (--gt)");
  }
  const json agreement = report.value("agreement", json());
  if (agreement.is_object()) {
    b << stat("agreement with " + reference_of(report), fmt(number(agreement, "agreement"), 4),
              "its masks as pseudo ground truth, summed over frames; not accuracy");
    b << stat("mean frame agreement", fmt(number(agreement, "mean_frame_agreement"), 4),
              "mean of per-frame agreements");
    b << stat("pixel agreement", fmt(number(agreement, "agreement_pixel"), 4), "share of pixels equal in both");
  }
  b << stat("gear switches", fmt(number(report, "gear_switches"), 0),
            "mean inference " + fmt(number(report, "mean_infer_ms"), 1) + " ms");
  b << "</div></section>\n";
  return b.str();
}

std::string timeline_section(const Frames& frames, const GearColours& colours, const std::string& reference) {
  std::ostringstream b;
  b << "<section id=\"timeline\"><h2>Over time</h2>";
  if (!frames.found)
    b << note("frames.jsonl is missing, so there are no per-frame charts.");
  else
    b << time_charts(frames.rows, "", colours, 150, reference);
  if (frames.bad_lines) b << note(std::to_string(frames.bad_lines) + " unreadable line(s) in frames.jsonl skipped.");
  b << "</section>\n";
  return b.str();
}

}  // namespace

std::string render_run_page(const RunInputs& run, const HtmlReportOptions& options) {
  const json& report = run.report;
  const GearColours colours(gear_names(run.gear_usage, run.frames.rows));
  std::ostringstream b;
  b << "<h1>gearnn run report</h1><p class=\"sub\">" << esc(run.dir) << "</p>\n";
  if (!report.value("complete", true))
    b << "<div class=\"banner\">Incomplete run: " << esc(text(report, "error", "stopped before the end"))
      << "</div>\n";
  b << summary_section(run);
  b << timeline_section(run.frames, colours, reference_of(report));
  b << accuracy_sections(report.value("metrics", json()), run.classes, run.palette,
                         "IoU from the confusion matrix summed over all frames.");
  b << agreement_sections(report.value("agreement", json()), run.classes, run.palette, reference_of(report),
                          "Agreement from the confusion matrix with the reference summed over all frames.");
  b << samples_section(run, options.samples);
  return page("gearnn report: " + run.dir, b.str());
}

}  // namespace gearnn::html
