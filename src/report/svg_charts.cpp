#include "svg_charts.h"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <tuple>

#include "html_text.h"

namespace gearnn::html {

Domain domain_of(const std::vector<FrameRow>& rows) {
  Domain d;
  if (rows.empty()) return d;
  d.lo = static_cast<double>(rows.front().frame);
  d.hi = static_cast<double>(rows.back().frame) + 1;
  for (const auto& r : rows) d.lo = std::min(d.lo, double(r.frame)), d.hi = std::max(d.hi, double(r.frame) + 1);
  return d;
}

namespace {

// About ten round frame numbers (1, 2 or 5 times a power of ten apart) for the grid.
std::vector<double> frame_ticks(const Domain& d) {
  const double span = d.hi - d.lo;
  const double raw = std::max(1.0, span / 10);
  const double mag = std::pow(10, std::floor(std::log10(raw)));
  double step = mag;
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (m * mag >= raw) {
      step = m * mag;
      break;
    }
  std::vector<double> t;
  for (double v = std::ceil(d.lo / step) * step; v <= d.hi - 1; v += step) t.push_back(v);
  return t;
}

// Vertical lines at round frame numbers from top to bottom, labelled below when `labels`.
std::string frame_grid(const Domain& d, double top, double bottom, bool labels) {
  std::ostringstream s;
  for (double f : frame_ticks(d)) {
    const double x = d.x(f + 0.5);
    s << "<line class=\"grid\" x1=\"" << px(x) << "\" y1=\"" << px(top) << "\" x2=\"" << px(x) << "\" y2=\""
      << px(bottom) << "\"/>";
    if (labels)
      s << "<text class=\"tick\" x=\"" << px(x) << "\" y=\"" << px(bottom + 14) << "\" text-anchor=\"middle\">"
        << static_cast<int64_t>(f) << "</text>";
  }
  return s.str();
}

}  // namespace

namespace {

constexpr double kTop = 8;  // plot area of time charts: kTop .. height - kBelow
constexpr double kBelow = 20;

// Values to y inside the plot area, clamped to the axis.
struct YScale {
  double ymin, ymax, top, bottom;
  double operator()(double v) const {
    return bottom - (std::clamp(v, ymin, ymax) - ymin) / (ymax - ymin) * (bottom - top);
  }
};

YScale y_scale(const SeriesSpec& s, double height) { return {s.ymin, s.ymax, kTop, height - kBelow}; }

// The <svg> element's opening, plot area, value grid with labels and frame
// grid; the caller draws on it and closes it.
std::string chart_open(const SeriesSpec& s, const Domain& d, double height, const std::string& aria) {
  const YScale y = y_scale(s, height);
  std::ostringstream o;
  o << "<svg id=\"" << s.id << "\" class=\"chart " << s.cls << "\" viewBox=\"0 0 " << kChartWidth << ' ' << height
    << "\" width=\"" << kChartWidth << "\" height=\"" << height << "\" role=\"img\" aria-label=\"" << esc(aria) << "\">";
  o << "<rect class=\"plot\" x=\"" << kChartLeft << "\" y=\"" << y.top << "\" width=\""
    << kChartWidth - kChartLeft - kChartRight << "\" height=\"" << y.bottom - y.top << "\"/>";
  for (double t : s.yticks) {
    o << "<line class=\"grid\" x1=\"" << kChartLeft << "\" y1=\"" << px(y(t)) << "\" x2=\"" << kChartWidth - kChartRight
      << "\" y2=\"" << px(y(t)) << "\"/>";
    o << "<text class=\"tick\" x=\"" << kChartLeft - 6 << "\" y=\"" << px(y(t) + 4) << "\" text-anchor=\"end\">"
      << fmt(t, s.prec) << "</text>";
  }
  o << frame_grid(d, y.top, y.bottom, true);
  return o.str();
}

// Frames per point: every frame, or bucket means once a run is longer than kMaxPoints.
size_t bucket_of(size_t rows) { return rows > kMaxPoints ? (rows + kMaxPoints - 1) / kMaxPoints : 1; }

// One point per bucket: mean frame position (for x) and mean value, if any.
using Points = std::vector<std::pair<double, Opt>>;
Points series_points(const std::vector<FrameRow>& rows, Opt FrameRow::*field) {
  Points pts;
  const size_t bucket = bucket_of(rows.size());
  for (size_t i = 0; i < rows.size(); i += bucket) {
    double xs = 0, ys = 0;
    int n = 0, m = 0;
    for (size_t k = i; k < std::min(rows.size(), i + bucket); ++k, ++m) {
      xs += rows[k].frame + 0.5;
      if (rows[k].*field) ys += *(rows[k].*field), ++n;
    }
    pts.emplace_back(xs / m, n ? Opt(ys / n) : std::nullopt);
  }
  return pts;
}

// The points as lines, broken where values are missing; `runs` counts them.
std::string series_lines(const Points& pts, const std::string& colour, const Domain& d, const YScale& y,
                         size_t& runs) {
  std::ostringstream o;
  std::string current;
  int run_len = 0;
  runs = 0;
  auto flush = [&] {
    if (run_len > 1) o << "<polyline class=\"series\" stroke=\"" << colour << "\" points=\"" << current << "\"/>", ++runs;
    current.clear();
    run_len = 0;
  };
  for (const auto& [fx, v] : pts) {
    if (!v) {
      flush();
      continue;
    }
    current += px(d.x(fx)) + "," + px(y(*v)) + " ";
    ++run_len;
  }
  flush();
  return o.str();
}

// Dots on the points of short runs (or where no line could be drawn), with
// each frame's value and gear in its tooltip when points are single frames.
std::string series_dots(const Points& pts, const std::vector<FrameRow>& rows, const std::string& colour,
                        const std::string& label, int prec, const Domain& d, const YScale& y, size_t runs) {
  if (pts.size() > 200 && runs > 0) return "";
  std::ostringstream o;
  const bool single = bucket_of(rows.size()) == 1;
  for (size_t i = 0; i < pts.size(); ++i) {
    if (!pts[i].second) continue;
    o << "<circle class=\"dot\" fill=\"" << colour << "\" cx=\"" << px(d.x(pts[i].first)) << "\" cy=\""
      << px(y(*pts[i].second)) << "\" r=\"" << (pts.size() <= 200 ? 2.2 : 1.2) << "\">";
    if (single)
      o << "<title>frame " << rows[i].frame << ": " << esc(label) << ' ' << fmt(*pts[i].second, prec + 1) << " (gear "
        << esc(rows[i].gear) << ")</title>";
    o << "</circle>";
  }
  return o.str();
}

}  // namespace

std::string time_chart(const SeriesSpec& s, const std::vector<FrameRow>& rows, const Domain& d, double height) {
  const YScale y = y_scale(s, height);
  std::ostringstream o;
  o << chart_open(s, d, height, s.label + " per frame");
  // Gear switches, unless there are too many to tell apart.
  size_t switches = 0;
  for (size_t i = 1; i < rows.size(); ++i) switches += rows[i].gear != rows[i - 1].gear;
  for (size_t i = 1; i < rows.size() && switches <= kMaxSwitchLines; ++i)
    if (rows[i].gear != rows[i - 1].gear) {
      const double x = d.x(double(rows[i].frame));
      o << "<line class=\"switch\" x1=\"" << px(x) << "\" y1=\"" << y.top << "\" x2=\"" << px(x) << "\" y2=\""
        << y.bottom << "\"><title>gear " << esc(rows[i - 1].gear) << " → " << esc(rows[i].gear) << " at frame "
        << rows[i].frame << "</title></line>";
    }
  const Points pts = series_points(rows, s.field);
  size_t runs = 0;
  o << series_lines(pts, s.colour, d, y, runs);
  o << series_dots(pts, rows, s.colour, s.label, s.prec, d, y, runs);
  o << "</svg>";
  return o.str();
}

std::string compare_chart(const SeriesSpec& s, const std::vector<FrameRow>& a, const std::vector<FrameRow>& b,
                          const Domain& d, const std::vector<MarkedFrame>& marks, const std::string& colour_a,
                          const std::string& colour_b, double height) {
  const YScale y = y_scale(s, height);
  std::ostringstream o;
  o << chart_open(s, d, height, s.label + " per frame of runs A and B");
  // Marks first, so the lines stay on top; at least 3 px wide to be seen on long runs.
  for (const MarkedFrame& m : marks) {
    const double x0 = d.x(double(m.frame)), x1 = d.x(double(m.frame) + 1);
    const double w = std::max(3.0, x1 - x0), cx = (x0 + x1) / 2;
    o << "<rect class=\"diff-mark\" x=\"" << px(cx - w / 2) << "\" y=\"" << y.top << "\" width=\"" << px(w)
      << "\" height=\"" << y.bottom - y.top << "\"><title>frame " << m.frame << ": " << esc(s.label) << " A "
      << fmt(m.a, s.prec + 1) << ", B " << fmt(m.b, s.prec + 1) << " (B − A " << (m.b >= m.a ? "+" : "")
      << fmt(m.b - m.a, s.prec + 1) << ")</title></rect>";
  }
  for (const auto& [rows, colour, name] : {std::tuple{&a, colour_a, "A"}, std::tuple{&b, colour_b, "B"}}) {
    const Points pts = series_points(*rows, s.field);
    size_t runs = 0;
    o << series_lines(pts, colour, d, y, runs);
    o << series_dots(pts, *rows, colour, std::string(name) + " " + s.label, s.prec, d, y, runs);
  }
  o << "</svg>";
  return o.str();
}

std::string gear_timeline(const std::string& id, const std::vector<FrameRow>& rows, const Domain& d,
                          const GearColours& colours) {
  const double top = 4, bottom = 30, height = 52;
  std::ostringstream o;
  o << "<svg id=\"" << id << "\" class=\"chart gear-timeline\" viewBox=\"0 0 " << kChartWidth << ' ' << height
    << "\" width=\"" << kChartWidth << "\" height=\"" << height << "\" role=\"img\" aria-label=\"gear per frame\">";
  o << "<text class=\"axis-name\" x=\"" << kChartLeft - 6 << "\" y=\"" << (top + bottom) / 2 + 4
    << "\" text-anchor=\"end\">gear</text>";
  size_t i = 0;
  int bands = 0;
  // Very long runs with frequent switches: runs thinner than a fifth of a
  // pixel are drawn as part of their neighbour.
  const double min_frames = (d.hi - d.lo) / (kChartWidth - kChartLeft - kChartRight) / 5;
  while (i < rows.size()) {
    size_t j = i;
    while (j + 1 < rows.size() && rows[j + 1].gear == rows[i].gear) ++j;
    const double x0 = d.x(double(rows[i].frame)), x1 = d.x(double(rows[j].frame) + 1);
    if (double(rows[j].frame + 1 - rows[i].frame) >= min_frames || bands == 0 || j + 1 == rows.size()) {
      o << "<rect class=\"band\" x=\"" << px(x0) << "\" y=\"" << top << "\" width=\"" << px(std::max(0.5, x1 - x0))
        << "\" height=\"" << bottom - top << "\" fill=\"" << colours(rows[i].gear) << "\"><title>" << esc(rows[i].gear)
        << ": frames " << rows[i].frame << "–" << rows[j].frame << " (" << j - i + 1 << ")</title></rect>";
      ++bands;
    }
    i = j + 1;
  }
  o << frame_grid(d, bottom, bottom, true);
  o << "<text class=\"axis-name\" x=\"" << kChartWidth - kChartRight << "\" y=\"" << height - 2
    << "\" text-anchor=\"end\">frame</text>";
  o << "</svg>";
  return o.str();
}

std::string gear_legend(const std::map<std::string, int64_t>& usage, const GearColours& colours) {
  std::ostringstream o;
  o << "<div class=\"legend gear-legend\">";
  for (const auto& [name, count] : usage)
    o << "<span><i style=\"background:" << colours(name) << "\"></i>" << esc(name) << " <b>" << count
      << "</b></span>";
  o << "</div>";
  return o.str();
}

std::string class_legend(const std::vector<std::string>& classes, const Palette& palette) {
  std::ostringstream o;
  o << "<div class=\"legend class-legend\">";
  for (size_t c = 0; c < classes.size(); ++c)
    o << "<span><i style=\"background:" << hex_colour(palette[c]) << "\"></i>" << esc(classes[c]) << "</span>";
  o << "</div>";
  return o.str();
}

const ScoreWords kLabelWords{"IoU", "mIoU", "absent from truth and prediction", "truth", "predicted",
                             "predicted class (columns) · rows = true class, % of the row"};
const ScoreWords kAgreementWords{"agreement", "agreement", "absent from the reference and this run", "reference",
                                 "this run", "this run's class (columns) · rows = the reference's class, % of the row"};

std::string class_iou_chart(const std::string& id, const std::vector<std::string>& classes, const json& per_class,
                            const Palette& palette, const Opt& mean, const ScoreWords& words) {
  const double label_w = 140, bar_w = 600, row_h = 24, top = 24;
  const double width = label_w + bar_w + 70, height = top + row_h * classes.size() + 8;
  std::ostringstream o;
  o << "<svg id=\"" << id << "\" class=\"chart class-iou\" viewBox=\"0 0 " << width << ' ' << height
    << "\" width=\"" << width << "\" height=\"" << height << "\" role=\"img\" aria-label=\"" << esc(words.score)
    << " per class\">";
  for (double t : {0.0, 0.25, 0.5, 0.75, 1.0}) {
    const double x = label_w + t * bar_w;
    o << "<line class=\"grid\" x1=\"" << px(x) << "\" y1=\"" << top - 4 << "\" x2=\"" << px(x) << "\" y2=\""
      << px(height - 6) << "\"/><text class=\"tick\" x=\"" << px(x) << "\" y=\"" << top - 8
      << "\" text-anchor=\"middle\">" << fmt(t, 2) << "</text>";
  }
  for (size_t c = 0; c < classes.size(); ++c) {
    const double y0 = top + c * row_h;
    const Opt v = number(per_class, classes[c].c_str());
    o << "<text class=\"label\" x=\"" << label_w - 8 << "\" y=\"" << px(y0 + row_h / 2 + 4)
      << "\" text-anchor=\"end\">" << esc(classes[c]) << "</text>";
    if (v) {
      o << "<rect class=\"bar\" x=\"" << label_w << "\" y=\"" << px(y0 + 4) << "\" width=\""
        << px(std::max(0.5, std::clamp(*v, 0.0, 1.0) * bar_w)) << "\" height=\"" << row_h - 8 << "\" fill=\""
        << hex_colour(palette[c]) << "\"><title>" << esc(classes[c]) << ": " << esc(words.score) << ' ' << fmt(*v, 4)
        << "</title></rect>";
      o << "<text class=\"value\" x=\"" << px(label_w + std::clamp(*v, 0.0, 1.0) * bar_w + 6) << "\" y=\""
        << px(y0 + row_h / 2 + 4) << "\">" << fmt(*v, 3) << "</text>";
    } else {
      o << "<text class=\"value muted\" x=\"" << label_w + 6 << "\" y=\"" << px(y0 + row_h / 2 + 4)
        << "\">" << esc(words.absent) << "</text>";
    }
  }
  if (mean) {
    const double x = label_w + std::clamp(*mean, 0.0, 1.0) * bar_w;
    o << "<line class=\"mean\" x1=\"" << px(x) << "\" y1=\"" << top - 2 << "\" x2=\"" << px(x) << "\" y2=\""
      << px(height - 6) << "\"><title>" << esc(words.mean) << ' ' << fmt(*mean, 4) << "</title></line>";
  }
  o << "</svg>";
  return o.str();
}

std::string confusion_chart(const std::string& id, const std::vector<std::string>& classes, const json& matrix,
                            const ScoreWords& words) {
  const size_t n = classes.size();
  const double cell = std::clamp(480.0 / std::max<size_t>(n, 1), 14.0, 56.0);
  const double left = 150, top = 84, scale_w = 110;
  const double width = left + cell * n + 40 + scale_w, height = top + cell * n + 40;
  std::ostringstream o;
  o << "<svg id=\"" << id << "\" class=\"chart confusion\" viewBox=\"0 0 " << px(width) << ' ' << px(height)
    << "\" width=\"" << px(width) << "\" height=\"" << px(height)
    << "\" role=\"img\" aria-label=\"confusion matrix, rows normalised\">";
  o << "<defs><linearGradient id=\"" << id << "-scale\" x1=\"0\" y1=\"1\" x2=\"0\" y2=\"0\">";
  for (int k = 0; k <= 4; ++k)
    o << "<stop offset=\"" << k * 25 << "%\" stop-color=\"" << heat_colour(k / 4.0) << "\"/>";
  o << "</linearGradient></defs>";
  for (size_t r = 0; r < n; ++r) {
    const json row = matrix.is_array() && r < matrix.size() ? matrix[r] : json::array();
    double total = 0;
    for (size_t c = 0; c < n && c < row.size(); ++c)
      if (row[c].is_number()) total += row[c].get<double>();
    const double y0 = top + r * cell;
    o << "<text class=\"label\" x=\"" << left - 8 << "\" y=\"" << px(y0 + cell / 2 + 4) << "\" text-anchor=\"end\">"
      << esc(classes[r]) << "</text>";
    for (size_t c = 0; c < n; ++c) {
      const double count = c < row.size() && row[c].is_number() ? row[c].get<double>() : 0;
      const double share = total > 0 ? count / total : 0;
      const double x0 = left + c * cell;
      o << "<rect class=\"cell" << (r == c ? " diag" : "") << "\" x=\"" << px(x0) << "\" y=\"" << px(y0)
        << "\" width=\"" << px(cell) << "\" height=\"" << px(cell) << "\" fill=\""
        << (total > 0 ? heat_colour(share) : "#eeeeee") << "\"><title>" << esc(words.rows) << ' ' << esc(classes[r])
        << " → " << esc(words.columns) << ' ' << esc(classes[c]) << ": " << fmt(count, 0) << " px"
        << (total > 0 ? " (" + fmt(100 * share, 1) + "% of " + esc(classes[r]) + ")" : std::string(", no pixels"))
        << "</title></rect>";
      if (cell >= 30 && total > 0 && share >= 0.005)
        o << "<text class=\"cell-text\" x=\"" << px(x0 + cell / 2) << "\" y=\"" << px(y0 + cell / 2 + 4)
          << "\" text-anchor=\"middle\" fill=\"" << (share > 0.55 ? "#ffffff" : "#1b2a3a") << "\">"
          << (share >= 0.995 ? std::string("100") : fmt(100 * share, share >= 0.1 ? 0 : 1)) << "</text>";
    }
  }
  for (size_t c = 0; c < n; ++c) {
    const double x = left + c * cell + cell / 2 + 4;
    o << "<text class=\"label\" transform=\"translate(" << px(x) << ',' << top - 8 << ") rotate(-50)\">"
      << esc(classes[c]) << "</text>";
  }
  o << "<text class=\"axis-name\" x=\"" << px(left + cell * n / 2) << "\" y=\"" << px(top + cell * n + 22)
    << "\" text-anchor=\"middle\">" << esc(words.axis) << "</text>";
  const double sx = left + cell * n + 30, sh = std::max(60.0, cell * n);
  o << "<rect x=\"" << px(sx) << "\" y=\"" << top << "\" width=\"14\" height=\"" << px(sh) << "\" fill=\"url(#" << id
    << "-scale)\" stroke=\"#bbb\"/>";
  for (int k = 0; k <= 4; ++k)
    o << "<text class=\"tick\" x=\"" << px(sx + 20) << "\" y=\"" << px(top + sh - k * sh / 4 + 4) << "\">" << k * 25
      << "%</text>";
  o << "</svg>";
  return o.str();
}

}  // namespace gearnn::html
