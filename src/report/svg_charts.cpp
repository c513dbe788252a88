#include "svg_charts.h"

#include <algorithm>
#include <cmath>
#include <sstream>

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

std::string time_chart(const SeriesSpec& s, const std::vector<FrameRow>& rows, const Domain& d, double height) {
  const double top = 8, bottom = height - 20;
  auto y = [&](double v) {
    return bottom - (std::clamp(v, s.ymin, s.ymax) - s.ymin) / (s.ymax - s.ymin) * (bottom - top);
  };
  std::ostringstream o;
  o << "<svg id=\"" << s.id << "\" class=\"chart " << s.cls << "\" viewBox=\"0 0 " << kChartWidth << ' ' << height
    << "\" width=\"" << kChartWidth << "\" height=\"" << height << "\" role=\"img\" aria-label=\"" << esc(s.label)
    << " per frame\">";
  o << "<rect class=\"plot\" x=\"" << kChartLeft << "\" y=\"" << top << "\" width=\""
    << kChartWidth - kChartLeft - kChartRight << "\" height=\"" << bottom - top << "\"/>";
  for (double t : s.yticks) {
    o << "<line class=\"grid\" x1=\"" << kChartLeft << "\" y1=\"" << px(y(t)) << "\" x2=\"" << kChartWidth - kChartRight
      << "\" y2=\"" << px(y(t)) << "\"/>";
    o << "<text class=\"tick\" x=\"" << kChartLeft - 6 << "\" y=\"" << px(y(t) + 4) << "\" text-anchor=\"end\">"
      << fmt(t, s.prec) << "</text>";
  }
  o << frame_grid(d, top, bottom, true);
  // Gear switches, unless there are too many to tell apart.
  size_t switches = 0;
  for (size_t i = 1; i < rows.size(); ++i) switches += rows[i].gear != rows[i - 1].gear;
  for (size_t i = 1; i < rows.size() && switches <= kMaxSwitchLines; ++i)
    if (rows[i].gear != rows[i - 1].gear) {
      const double x = d.x(double(rows[i].frame));
      o << "<line class=\"switch\" x1=\"" << px(x) << "\" y1=\"" << top << "\" x2=\"" << px(x) << "\" y2=\""
        << bottom << "\"><title>gear " << esc(rows[i - 1].gear) << " → " << esc(rows[i].gear) << " at frame "
        << rows[i].frame << "</title></line>";
    }
  // Points: every frame, or bucket means for long runs.
  std::vector<std::pair<double, Opt>> pts;
  const size_t bucket = rows.size() > kMaxPoints ? (rows.size() + kMaxPoints - 1) / kMaxPoints : 1;
  for (size_t i = 0; i < rows.size(); i += bucket) {
    double xs = 0, ys = 0;
    int n = 0, m = 0;
    for (size_t k = i; k < std::min(rows.size(), i + bucket); ++k, ++m) {
      xs += rows[k].frame + 0.5;
      if (rows[k].*s.field) ys += *(rows[k].*s.field), ++n;
    }
    pts.emplace_back(xs / m, n ? Opt(ys / n) : std::nullopt);
  }
  std::vector<std::string> runs;
  std::string current;
  int run_len = 0;
  auto flush = [&] {
    if (run_len > 1) runs.push_back(current);
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
  for (const auto& r : runs)
    o << "<polyline class=\"series\" stroke=\"" << s.colour << "\" points=\"" << r << "\"/>";
  if (pts.size() <= 200 || runs.empty()) {
    for (size_t i = 0; i < pts.size(); ++i) {
      if (!pts[i].second) continue;
      o << "<circle class=\"dot\" fill=\"" << s.colour << "\" cx=\"" << px(d.x(pts[i].first)) << "\" cy=\""
        << px(y(*pts[i].second)) << "\" r=\"" << (pts.size() <= 200 ? 2.2 : 1.2) << "\">";
      if (bucket == 1)
        o << "<title>frame " << rows[i].frame << ": " << esc(s.label) << ' ' << fmt(*pts[i].second, s.prec + 1)
          << " (gear " << esc(rows[i].gear) << ")</title>";
      o << "</circle>";
    }
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

std::string class_iou_chart(const std::string& id, const std::vector<std::string>& classes, const json& per_class,
                            const Palette& palette, const Opt& miou) {
  const double label_w = 140, bar_w = 600, row_h = 24, top = 24;
  const double width = label_w + bar_w + 70, height = top + row_h * classes.size() + 8;
  std::ostringstream o;
  o << "<svg id=\"" << id << "\" class=\"chart class-iou\" viewBox=\"0 0 " << width << ' ' << height
    << "\" width=\"" << width << "\" height=\"" << height << "\" role=\"img\" aria-label=\"IoU per class\">";
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
        << hex_colour(palette[c]) << "\"><title>" << esc(classes[c]) << ": IoU " << fmt(*v, 4) << "</title></rect>";
      o << "<text class=\"value\" x=\"" << px(label_w + std::clamp(*v, 0.0, 1.0) * bar_w + 6) << "\" y=\""
        << px(y0 + row_h / 2 + 4) << "\">" << fmt(*v, 3) << "</text>";
    } else {
      o << "<text class=\"value muted\" x=\"" << label_w + 6 << "\" y=\"" << px(y0 + row_h / 2 + 4)
        << "\">absent from truth and prediction</text>";
    }
  }
  if (miou) {
    const double x = label_w + std::clamp(*miou, 0.0, 1.0) * bar_w;
    o << "<line class=\"mean\" x1=\"" << px(x) << "\" y1=\"" << top - 2 << "\" x2=\"" << px(x) << "\" y2=\""
      << px(height - 6) << "\"><title>mIoU " << fmt(*miou, 4) << "</title></line>";
  }
  o << "</svg>";
  return o.str();
}
std::string confusion_chart(const std::string& id, const std::vector<std::string>& classes, const json& matrix) {
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
        << (total > 0 ? heat_colour(share) : "#eeeeee") << "\"><title>truth " << esc(classes[r]) << " → predicted "
        << esc(classes[c]) << ": " << fmt(count, 0) << " px"
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
    << "\" text-anchor=\"middle\">predicted class (columns) · rows = true class, % of the row</text>";
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
