#include "chart_sections.h"

#include <map>
#include <sstream>

#include "html_text.h"
#include "page.h"
#include "svg_charts.h"

namespace gearnn::html {

std::string time_charts(const std::vector<FrameRow>& rows, const std::string& prefix, const GearColours& colours,
                        double height, const std::string& reference) {
  std::ostringstream o;
  if (rows.empty()) return note("No frames recorded in frames.jsonl.");
  const Domain d = domain_of(rows);
  const size_t bucket = rows.size() > kMaxPoints ? (rows.size() + kMaxPoints - 1) / kMaxPoints : 1;
  size_t switches = 0;
  for (size_t i = 1; i < rows.size(); ++i) switches += rows[i].gear != rows[i - 1].gear;
  // Each series with its title, and why it can be missing (null: no note).
  struct Series {
    SeriesSpec spec;
    std::string title;
    const char* missing;
  };
  const Series series[] = {
      {{prefix + "chart-miou", "chart-miou", "mIoU", "#2563eb", &FrameRow::miou, 0, 1, {0, 0.25, 0.5, 0.75, 1}, 2},
       "Per-frame mIoU",
       "No per-frame mIoU: the run had no ground truth (--gt)."},
      {{prefix + "chart-agreement", "chart-agreement", "agreement", "#7c3aed", &FrameRow::agreement, 0, 1,
        {0, 0.25, 0.5, 0.75, 1}, 2},
       "Per-frame agreement with " + (reference.empty() ? std::string("the reference") : reference),
       nullptr},
      {{prefix + "chart-qp", "chart-qp", "QP", "#dc2626", &FrameRow::qp, 0, 51, {0, 10, 20, 30, 40, 51}, 0},
       "QP (H.264 scale)",
       "No QP: this codec exports no quantiser (see docs/formats.md, frame features)."},
      {{prefix + "chart-luma", "chart-luma", "luma", "#d97706", &FrameRow::luma, 0, 255, {0, 64, 128, 192, 255}, 0},
       "Mean luma",
       "No luma recorded."},
  };
  const std::string averaged =
      bucket > 1 ? " · averaged over " + std::to_string(bucket) + "-frame buckets" : std::string();
  for (const Series& entry : series) {
    SeriesSpec s = entry.spec;
    if (height < 130) {  // compact charts: every other tick
      std::vector<double> t;
      for (size_t k = 0; k < s.yticks.size(); k += 2) t.push_back(s.yticks[k]);
      s.yticks = t;
    }
    const Opt m = mean_of(rows, s.field);
    if (!m) {
      if (entry.missing) o << note(entry.missing);
      continue;
    }
    o << "<div class=\"chart-title\">" << esc(entry.title) << "<span>mean " << fmt(*m, s.prec + 1) << averaged
      << "</span></div>";
    o << time_chart(s, rows, d, height);
  }
  o << "<div class=\"chart-title\">Gear per frame<span>" << switches << " switch" << (switches == 1 ? "" : "es")
    << (switches > 0 && switches <= kMaxSwitchLines ? ", dashed lines in the charts above" : "") << "</span></div>";
  o << gear_timeline(prefix + "gear-timeline", rows, d, colours);
  std::map<std::string, int64_t> counts;  // frames per gear, as drawn
  for (const auto& r : rows) ++counts[r.gear];
  o << gear_legend(counts, colours);
  return o.str();
}

std::string accuracy_sections(const json& metrics, const std::vector<std::string>& classes, const Palette& palette,
                              const std::string& what) {
  std::ostringstream o;
  if (!metrics.is_object() || !metrics.contains("confusion_matrix")) {
    o << "<section id=\"accuracy\"><h2>Accuracy</h2>"
      << note("No metrics: no ground truth was given (--gt), so per-class IoU and the confusion matrix are omitted.")
      << "</section>\n";
    return o.str();
  }
  o << "<section id=\"per-class\"><h2>IoU per class</h2>"
    << class_iou_chart("class-iou", classes, metrics.value("per_class_iou", json::object()), palette,
                       number(metrics, "miou"))
    << "<p class=\"note\">" << esc(what) << " Dashed line: mIoU " << fmt(number(metrics, "miou"), 4) << ".</p>"
    << "</section>\n";
  o << "<section id=\"confusion-matrix\"><h2>Confusion matrix</h2>"
    << confusion_chart("confusion", classes, metrics["confusion_matrix"])
    << "<p class=\"note\">Each row is one true class, normalised to 100%; the outlined diagonal is correct pixels. "
       "Hover a cell for its pixel count.</p></section>\n";
  return o.str();
}

std::string agreement_sections(const json& agreement, const std::vector<std::string>& classes,
                               const Palette& palette, const std::string& reference, const std::string& what) {
  if (!agreement.is_object() || !agreement.contains("confusion_matrix")) return "";
  const Opt overall = number(agreement, "agreement");
  std::ostringstream o;
  o << "<section id=\"agreement-per-class\"><h2>Agreement per class with " << esc(reference) << "</h2>"
    << class_iou_chart("agreement-class-iou", classes, agreement.value("agreement_iou", json::object()), palette,
                       overall, kAgreementWords)
    << "<p class=\"note\">" << esc(what) << " Dashed line: agreement " << fmt(overall, 4)
    << ". Agreement measures how far the masks moved from the reference's, not whether they are right.</p>"
    << "</section>\n";
  o << "<section id=\"agreement-matrix\"><h2>Confusion with " << esc(reference) << "</h2>"
    << confusion_chart("agreement-confusion", classes, agreement["confusion_matrix"], kAgreementWords)
    << "<p class=\"note\">Each row is one class of the reference masks, normalised to 100%; the outlined diagonal is "
       "pixels where this run says the same. Hover a cell for its pixel count.</p></section>\n";
  return o.str();
}

}  // namespace gearnn::html
