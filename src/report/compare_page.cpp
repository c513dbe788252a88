#include "compare_page.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <sstream>
#include <tuple>

#include "colours.h"
#include "html_text.h"
#include "page.h"

namespace gearnn::html {

namespace {

const std::string kColourA = "#2563eb", kColourB = "#ea580c";

// A figure in a report block ("" = the report itself), as a number.
Opt figure(const json& report, const char* block, const char* key) {
  return number(*block ? report.value(block, json::object()) : report, key);
}

// What a run's agreement is with; empty when it has none.
std::string reference_of(const json& report) {
  return text(report.value("agreement", json::object()), "reference");
}

std::string difference(const Opt& a, const Opt& b, int prec) {
  if (!a || !b) return "–";
  const std::string d = fmt(*b - *a, prec);
  return d.find_first_not_of("-0.") == std::string::npos ? fmt(0.0, prec) : (*b > *a ? "+" : "") + d;
}

std::string summary_section(const RunInputs& a, const RunInputs& b) {
  std::ostringstream o;
  o << "<section id=\"compare-summary\"><h2>Summary</h2><table class=\"compare\"><thead><tr><th></th>"
    << "<th>A</th><th>B</th><th class=\"num\">B − A</th></tr></thead><tbody>";
  auto words = [&](const std::string& name, const std::string& va, const std::string& vb) {
    o << "<tr><th>" << esc(name) << "</th><td class=\"path\">" << esc(va) << "</td><td class=\"path\">" << esc(vb)
      << "</td><td></td></tr>";
  };
  auto nested_text = [](const json& r, const char* block, const char* key, const std::string& none) {
    const json v = r.value(block, json());
    return v.is_object() ? text(v, key, "?") : none;
  };
  words("run", a.dir, b.dir);
  words("input", nested_text(a.report, "input", "path", "?"), nested_text(b.report, "input", "path", "?"));
  words("model", nested_text(a.report, "model", "dir", "?"), nested_text(b.report, "model", "dir", "?"));
  words("gears", nested_text(a.report, "gears", "dir", "none (base weights)"),
        nested_text(b.report, "gears", "dir", "none (base weights)"));
  words("agreement with", reference_of(a.report).empty() ? "– (no --reference)" : reference_of(a.report),
        reference_of(b.report).empty() ? "– (no --reference)" : reference_of(b.report));
  struct Row {
    const char* name;
    const char* block;
    const char* key;
    int prec;
  };
  const Row rows[] = {{"frames", "", "frames", 0},
                      {"fps", "", "fps", 1},
                      {"mean inference ms", "", "mean_infer_ms", 1},
                      {"gear switches", "", "gear_switches", 0},
                      {"mIoU", "metrics", "miou", 4},
                      {"mean frame mIoU", "metrics", "mean_frame_miou", 4},
                      {"pixel accuracy", "metrics", "pixel_acc", 4},
                      {"agreement", "agreement", "agreement", 4},
                      {"mean frame agreement", "agreement", "mean_frame_agreement", 4},
                      {"pixel agreement", "agreement", "agreement_pixel", 4}};
  for (const Row& r : rows) {
    const Opt va = figure(a.report, r.block, r.key), vb = figure(b.report, r.block, r.key);
    o << "<tr><th>" << r.name << "</th><td class=\"num\">" << fmt(va, r.prec) << "</td><td class=\"num\">"
      << fmt(vb, r.prec) << "</td><td class=\"num\">" << difference(va, vb, r.prec) << "</td></tr>";
  }
  o << "</tbody></table>";
  o << note("mIoU is against labels (--gt); agreement against each run's reference masks (--reference), which "
            "measures how far the masks moved, not whether they are right.");
  o << "</section>\n";
  return o.str();
}

// The frames of both runs along one axis.
Domain domain_of_both(const std::vector<FrameRow>& a, const std::vector<FrameRow>& b) {
  if (a.empty()) return domain_of(b);
  if (b.empty()) return domain_of(a);
  const Domain da = domain_of(a), db = domain_of(b);
  return {std::min(da.lo, db.lo), std::max(da.hi, db.hi)};
}

// One per-frame score of both runs: its chart, legend and the frames that differ most.
std::string score_chart(const RunInputs& a, const RunInputs& b, const SeriesSpec& spec, const std::string& title,
                        const Domain& d, int k) {
  const std::vector<FrameRow>&ra = a.frames.rows, &rb = b.frames.rows;
  const std::vector<MarkedFrame> marks = largest_differences(ra, rb, spec.field, k);
  std::ostringstream o;
  o << "<div class=\"chart-title\">" << esc(title) << "<span>mean A " << fmt(mean_of(ra, spec.field), 3) << ", B "
    << fmt(mean_of(rb, spec.field), 3) << "</span></div>";
  o << compare_chart(spec, ra, rb, d, marks, kColourA, kColourB, 170);
  o << "<div class=\"legend compare-legend\"><span><i style=\"background:" << kColourA << "\"></i>A · " << esc(a.dir)
    << "</span><span><i style=\"background:" << kColourB << "\"></i>B · " << esc(b.dir) << "</span>";
  if (!marks.empty())
    o << "<span><i class=\"mark\"></i>the " << marks.size() << " frame" << (marks.size() == 1 ? "" : "s")
      << " where they differ most</span>";
  o << "</div>";
  if (marks.empty()) {
    o << note("The runs give the same " + spec.label + " on every frame both have.");
    return o.str();
  }
  o << "<table class=\"compare-frames\" id=\"" << spec.id << "-frames\"><thead><tr><th class=\"num\">frame</th>"
    << "<th class=\"num\">A</th><th class=\"num\">B</th><th class=\"num\">B − A</th></tr></thead><tbody>";
  for (const MarkedFrame& m : marks)
    o << "<tr><td class=\"num\">" << m.frame << "</td><td class=\"num\">" << fmt(m.a, 4) << "</td><td class=\"num\">"
      << fmt(m.b, 4) << "</td><td class=\"num\">" << difference(m.a, m.b, 4) << "</td></tr>";
  o << "</tbody></table>";
  return o.str();
}

std::string timeline_section(const RunInputs& a, const RunInputs& b, const HtmlReportOptions& options) {
  const std::vector<FrameRow>&ra = a.frames.rows, &rb = b.frames.rows;
  std::ostringstream o;
  o << "<section id=\"compare-timeline\"><h2>Over time</h2>";
  for (const auto* run : {&a, &b})
    if (!run->frames.found) o << note("No frames.jsonl in " + run->dir + ", so its frames are not charted.");
  std::set<int64_t> fa, fb;
  for (const auto& r : ra) fa.insert(r.frame);
  for (const auto& r : rb) fb.insert(r.frame);
  if (fa != fb) {
    size_t both = 0;
    for (int64_t f : fa) both += fb.count(f);
    o << note("A has " + std::to_string(fa.size()) + " frames, B " + std::to_string(fb.size()) +
              "; differences are over the " + std::to_string(both) + " frames both have.");
  }
  const Domain d = domain_of_both(ra, rb);
  auto named = [](const std::string& ref) { return ref.empty() ? std::string("its reference") : ref; };
  const std::string ref_a = named(reference_of(a.report)), ref_b = named(reference_of(b.report));
  const std::vector<double> ticks{0, 0.25, 0.5, 0.75, 1};
  struct Score {
    SeriesSpec spec;
    std::string title, option;
  };
  const Score scores[] = {
      {{"compare-miou", "chart-compare", "mIoU", "", &FrameRow::miou, 0, 1, ticks, 2}, "Per-frame mIoU", "--gt"},
      {{"compare-agreement", "chart-compare", "agreement", "", &FrameRow::agreement, 0, 1, ticks, 2},
       ref_a == ref_b ? "Per-frame agreement with " + ref_a
                      : "Per-frame agreement, A with " + ref_a + ", B with " + ref_b,
       "--reference"},
  };
  int charts = 0;
  for (const Score& s : scores) {
    const bool in_a = mean_of(ra, s.spec.field).has_value(), in_b = mean_of(rb, s.spec.field).has_value();
    if (in_a && in_b) {
      o << score_chart(a, b, s.spec, s.title, d, options.marked_frames);
      ++charts;
    } else if (in_a || in_b) {
      o << note("Only run " + std::string(in_a ? "A" : "B") + " has per-frame " + s.spec.label + " (the other ran without " +
                s.option + "), so it is not charted.");
    }
  }
  if (charts == 0 && !ra.empty() && !rb.empty())
    o << note("No per-frame score both runs have: run both with --gt (mIoU) or with --reference (agreement).");
  // The gears each run used, on the same frame axis.
  std::set<std::string> gears;
  for (const auto* rows : {&ra, &rb})
    for (const auto& r : *rows) gears.insert(r.gear);
  const GearColours colours(gears);
  for (const auto& [run, rows, name] : {std::tuple{&a, &ra, "a"}, std::tuple{&b, &rb, "b"}}) {
    if (rows->empty()) continue;
    o << "<div class=\"chart-title\">Gear per frame, " << (name[0] == 'a' ? "A" : "B") << "<span>" << esc(run->dir)
      << "</span></div>" << gear_timeline(std::string(name) + "-gear-timeline", *rows, d, colours);
  }
  std::map<std::string, int64_t> counts;
  for (const auto* rows : {&ra, &rb})
    for (const auto& r : *rows) ++counts[r.gear];
  if (!counts.empty()) o << gear_legend(counts, colours);
  o << "</section>\n";
  return o.str();
}

}  // namespace

std::vector<MarkedFrame> largest_differences(const std::vector<FrameRow>& a, const std::vector<FrameRow>& b,
                                             Opt FrameRow::*field, int k) {
  std::map<int64_t, double> in_a;
  for (const auto& r : a)
    if (r.*field) in_a[r.frame] = *(r.*field);
  std::vector<MarkedFrame> diffs;
  for (const auto& r : b) {
    const auto it = in_a.find(r.frame);
    if (r.*field && it != in_a.end() && *(r.*field) != it->second) diffs.push_back({r.frame, it->second, *(r.*field)});
  }
  std::sort(diffs.begin(), diffs.end(), [](const MarkedFrame& x, const MarkedFrame& y) { return x.frame < y.frame; });
  std::stable_sort(diffs.begin(), diffs.end(), [](const MarkedFrame& x, const MarkedFrame& y) {
    return std::abs(x.b - x.a) > std::abs(y.b - y.a);
  });
  if (diffs.size() > static_cast<size_t>(std::max(0, k))) diffs.resize(static_cast<size_t>(std::max(0, k)));
  return diffs;
}

std::string render_compare_page(const RunInputs& a, const RunInputs& b, const HtmlReportOptions& options) {
  std::ostringstream o;
  o << "<h1>gearnn comparison</h1><p class=\"sub\">A: " << esc(a.dir) << " · B: " << esc(b.dir) << "</p>\n";
  for (const auto& [run, name] : {std::pair{&a, "A"}, std::pair{&b, "B"}})
    if (!run->report.value("complete", true))
      o << "<div class=\"banner\">Run " << name << " is incomplete: "
        << esc(text(run->report, "error", "stopped before the end")) << "</div>\n";
  o << summary_section(a, b);
  o << timeline_section(a, b, options);
  o << "<p class=\"note\">Each run's own page (gearnn report RUN_DIR) has its per-class charts and sample frames.</p>\n";
  return page("gearnn comparison: " + a.dir + " vs " + b.dir, o.str());
}

}  // namespace gearnn::html
