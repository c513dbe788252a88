#include "gearnn/report/html_report.h"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <vector>

#include "gearnn/common/errors.h"
#include "gearnn/io/label_io.h"
#include "gearnn/io/model_card.h"
#include "gearnn/io/video_reader.h"
#include "gearnn/metrics/merge_reports.h"

namespace fs = std::filesystem;

namespace gearnn {

std::string html_escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

namespace {

using Opt = std::optional<double>;
const auto& esc = html_escape;

// ---------------------------------------------------------------- formatting

std::string fmt(double v, int prec) {
  char b[64];
  std::snprintf(b, sizeof b, "%.*f", prec, v);
  return b;
}
std::string fmt(const Opt& v, int prec) { return v ? fmt(*v, prec) : std::string("–"); }
std::string px(double v) { return fmt(v, 1); }  // SVG coordinates

Opt number(const json& obj, const char* key) {
  if (!obj.is_object()) return std::nullopt;
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_number()) return std::nullopt;
  return it->get<double>();
}
std::string text(const json& obj, const char* key, const std::string& fallback = "") {
  if (!obj.is_object()) return fallback;
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : fallback;
}

std::string base64(const std::vector<uchar>& data) {
  static const char* abc = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < data.size(); i += 3) {
    const uint32_t v = (data[i] << 16) | (data[i + 1] << 8) | data[i + 2];
    out += abc[v >> 18];
    out += abc[(v >> 12) & 63];
    out += abc[(v >> 6) & 63];
    out += abc[v & 63];
  }
  if (i < data.size()) {
    const uint32_t v = (data[i] << 16) | (i + 1 < data.size() ? data[i + 1] << 8 : 0);
    out += abc[v >> 18];
    out += abc[(v >> 12) & 63];
    out += i + 1 < data.size() ? abc[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::string hex_colour(int r, int g, int b) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "#%02x%02x%02x", std::clamp(r, 0, 255), std::clamp(g, 0, 255), std::clamp(b, 0, 255));
  return buf;
}
std::string hex_colour(const std::array<uint8_t, 3>& c) { return hex_colour(c[0], c[1], c[2]); }

// Distinct colours for classes when the model's palette is not available.
Palette fallback_palette(size_t n) {
  Palette p;
  for (size_t i = 0; i < n; ++i) {
    cv::Mat hsv(1, 1, CV_8UC3, cv::Scalar(static_cast<int>(i * 137.508) % 180, 200, 220)), rgb;
    cv::cvtColor(hsv, rgb, cv::COLOR_HSV2RGB);
    const auto v = rgb.at<cv::Vec3b>(0, 0);
    p.push_back({v[0], v[1], v[2]});
  }
  return p;
}

// Gears: one colour each, base in grey.
class GearColours {
 public:
  explicit GearColours(const std::set<std::string>& names) {
    static const char* colours[] = {"#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#b07aa1",
                                    "#76b7b2", "#edc948", "#9c755f", "#ff9da7", "#17becf"};
    size_t k = 0;
    for (const auto& n : names) {
      if (n == "base") continue;
      if (k < std::size(colours)) {
        map_[n] = colours[k];
      } else {
        const auto c = fallback_palette(k + 1)[k];
        map_[n] = hex_colour(c);
      }
      ++k;
    }
  }
  std::string operator()(const std::string& name) const {
    if (name == "base") return "#c8c8c8";
    auto it = map_.find(name);
    return it == map_.end() ? "#888888" : it->second;
  }

 private:
  std::map<std::string, std::string> map_;
};

// ---------------------------------------------------------------- inputs

struct FrameRow {
  int64_t frame = 0;
  Opt miou, qp, luma;
  std::string gear = "base";
};

struct Frames {
  std::vector<FrameRow> rows;
  bool found = false;
  int bad_lines = 0;
};

Frames read_frames(const std::string& dir) {
  Frames f;
  std::ifstream in(dir + "/frames.jsonl");
  if (!in) return f;
  f.found = true;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    json j;
    try {
      j = json::parse(line);
    } catch (const json::exception&) {
      ++f.bad_lines;  // e.g. a torn last line
      continue;
    }
    if (!j.is_object() || !number(j, "frame")) {
      ++f.bad_lines;
      continue;
    }
    FrameRow r;
    r.frame = j["frame"].get<int64_t>();
    r.miou = number(j, "miou");
    r.qp = number(j, "qp");
    r.luma = number(j, "luma");
    if (j.contains("gear") && j["gear"].is_string()) r.gear = j["gear"].get<std::string>();
    f.rows.push_back(r);
  }
  return f;
}

Opt mean_of(const std::vector<FrameRow>& rows, Opt FrameRow::*field) {
  double s = 0;
  int64_t n = 0;
  for (const auto& r : rows)
    if (r.*field) s += *(r.*field), ++n;
  return n ? Opt(s / n) : std::nullopt;
}

// A path recorded in a report is relative to the directory the tool ran in;
// try it as given, then relative to `base`.
std::string locate(const std::string& recorded, const std::string& base) {
  if (recorded.empty()) return "";
  if (fs::exists(recorded)) return recorded;
  if (fs::path(recorded).is_relative() && !base.empty()) {
    const std::string alt = (fs::path(base) / recorded).string();
    if (fs::exists(alt)) return alt;
  }
  return "";
}

// An image-sequence pattern (frames/%06d.png) exists if its directory does.
std::string locate_input(const std::string& recorded, const std::string& base) {
  if (recorded.find('%') == std::string::npos) return locate(recorded, base);
  const std::string parent = fs::path(recorded).parent_path().string();
  if (parent.empty() || fs::is_directory(parent)) return recorded;
  if (fs::path(recorded).is_relative() && fs::is_directory(fs::path(base) / parent))
    return (fs::path(base) / recorded).string();
  return "";
}

Palette class_palette(const json& report, const std::string& run_dir, size_t n_classes) {
  const std::string dir = locate(text(report.value("model", json::object()), "dir"), run_dir);
  if (!dir.empty()) {
    try {
      const ModelCard card = load_model_card(dir);
      if (card.palette.size() >= n_classes) return card.palette;
    } catch (const std::exception&) {
      // the model moved or changed: fall back to fixed colours
    }
  }
  return fallback_palette(n_classes);
}

// ---------------------------------------------------------------- charts

constexpr double kWidth = 1000, kLeft = 56, kRight = 16;
constexpr size_t kMaxPoints = 1500;  // longer runs are averaged into this many buckets
constexpr size_t kMaxSwitchLines = 40;  // more gear switches than this: no switch lines

struct Domain {
  double lo = 0, hi = 1;  // frame lo starts at lo, frame hi-1 ends at hi
  double x(double frame) const { return kLeft + (frame - lo) / (hi - lo) * (kWidth - kLeft - kRight); }
};

Domain domain_of(const std::vector<FrameRow>& rows) {
  Domain d;
  if (rows.empty()) return d;
  d.lo = static_cast<double>(rows.front().frame);
  d.hi = static_cast<double>(rows.back().frame) + 1;
  for (const auto& r : rows) d.lo = std::min(d.lo, double(r.frame)), d.hi = std::max(d.hi, double(r.frame) + 1);
  return d;
}

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

// Vertical frame grid with labels at the bottom of an SVG of height h.
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

struct SeriesSpec {
  std::string id, cls, label, colour;
  Opt FrameRow::*field;
  double ymin, ymax;
  std::vector<double> yticks;
  int prec;
};

// One series over frames: a line broken where values are missing, dashed
// lines where the gear changes, dots with tooltips for short runs.
std::string time_chart(const SeriesSpec& s, const std::vector<FrameRow>& rows, const Domain& d, double height) {
  const double top = 8, bottom = height - 20;
  auto y = [&](double v) { return bottom - (std::clamp(v, s.ymin, s.ymax) - s.ymin) / (s.ymax - s.ymin) * (bottom - top); };
  std::ostringstream o;
  o << "<svg id=\"" << s.id << "\" class=\"chart " << s.cls << "\" viewBox=\"0 0 " << kWidth << ' ' << height
    << "\" width=\"" << kWidth << "\" height=\"" << height << "\" role=\"img\" aria-label=\"" << esc(s.label)
    << " per frame\">";
  o << "<rect class=\"plot\" x=\"" << kLeft << "\" y=\"" << top << "\" width=\"" << kWidth - kLeft - kRight
    << "\" height=\"" << bottom - top << "\"/>";
  for (double t : s.yticks) {
    o << "<line class=\"grid\" x1=\"" << kLeft << "\" y1=\"" << px(y(t)) << "\" x2=\"" << kWidth - kRight
      << "\" y2=\"" << px(y(t)) << "\"/>";
    o << "<text class=\"tick\" x=\"" << kLeft - 6 << "\" y=\"" << px(y(t) + 4) << "\" text-anchor=\"end\">"
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

// Runs of consecutive frames on one gear as coloured bands.
std::string gear_timeline(const std::string& id, const std::vector<FrameRow>& rows, const Domain& d,
                          const GearColours& colours) {
  const double top = 4, bottom = 30, height = 52;
  std::ostringstream o;
  o << "<svg id=\"" << id << "\" class=\"chart gear-timeline\" viewBox=\"0 0 " << kWidth << ' ' << height
    << "\" width=\"" << kWidth << "\" height=\"" << height << "\" role=\"img\" aria-label=\"gear per frame\">";
  o << "<text class=\"axis-name\" x=\"" << kLeft - 6 << "\" y=\"" << (top + bottom) / 2 + 4
    << "\" text-anchor=\"end\">gear</text>";
  size_t i = 0;
  int bands = 0;
  // Very long runs with frequent switches: runs thinner than a fifth of a
  // pixel are drawn as part of their neighbour.
  const double min_frames = (d.hi - d.lo) / (kWidth - kLeft - kRight) / 5;
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
  o << "<text class=\"axis-name\" x=\"" << kWidth - kRight << "\" y=\"" << height - 2
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

// Horizontal IoU bar per class, in class order, with the mIoU marked.
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

// Sequential blues for 0..1.
std::string heat_colour(double v) {
  static const double stops[][3] = {{247, 251, 255}, {198, 219, 239}, {107, 174, 214}, {33, 113, 181}, {8, 48, 107}};
  v = std::clamp(v, 0.0, 1.0) * 4;
  const int k = std::min(3, static_cast<int>(v));
  const double t = v - k;
  int c[3];
  for (int i = 0; i < 3; ++i) c[i] = static_cast<int>(std::lround(stops[k][i] + (stops[k + 1][i] - stops[k][i]) * t));
  return hex_colour(c[0], c[1], c[2]);
}

// Row-normalised confusion matrix (rows = truth), counts in the tooltips.
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
  for (int k = 0; k <= 4; ++k) o << "<stop offset=\"" << k * 25 << "%\" stop-color=\"" << heat_colour(k / 4.0) << "\"/>";
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

// ---------------------------------------------------------------- page

const char* kStyle = R"(
*{box-sizing:border-box}
body{margin:0;background:#f3f4f6;color:#1f2937;font:14px/1.45 "DejaVu Sans",system-ui,sans-serif}
main{max-width:1080px;margin:0 auto;padding:24px 20px 40px}
h1{font-size:22px;margin:0 0 2px}
h2{font-size:16px;margin:0 0 12px;color:#111827}
h3{font-size:14px;margin:18px 0 6px}
.sub{color:#6b7280;margin:0 0 16px;word-break:break-all}
section{background:#fff;border:1px solid #e5e7eb;border-radius:8px;padding:16px 18px;margin:0 0 16px}
.stats{display:grid;grid-template-columns:repeat(auto-fill,minmax(190px,1fr));gap:10px}
.stat{background:#f9fafb;border:1px solid #eef0f3;border-radius:6px;padding:8px 10px}
.stat .k{font-size:12px;color:#6b7280}
.stat .v{font-size:18px;font-weight:600;word-break:break-all}
.stat .v.small{font-size:13px;font-weight:normal}
.stat .n{font-size:11px;color:#6b7280}
.note{color:#6b7280;font-style:italic;margin:6px 0}
.banner{background:#fef2f2;border:1px solid #fecaca;color:#991b1b;border-radius:8px;padding:10px 14px;margin:0 0 16px}
.chart-title{font-weight:600;margin:10px 0 2px}
.chart-title span{font-weight:normal;color:#6b7280;margin-left:8px}
svg.chart{display:block;max-width:100%;height:auto}
svg text{font-family:"DejaVu Sans",system-ui,sans-serif}
.plot{fill:#fff;stroke:#d1d5db}
.grid{stroke:#eceef1;stroke-width:1}
.tick{font-size:11px;fill:#6b7280}
.axis-name{font-size:11px;fill:#374151}
.label{font-size:12px;fill:#1f2937}
.value{font-size:11px;fill:#374151}
.muted{fill:#9ca3af;font-style:italic}
.series{fill:none;stroke-width:1.8;stroke-linejoin:round}
.switch{stroke:#6b7280;stroke-width:1;stroke-dasharray:3 3}
.mean{stroke:#111827;stroke-width:1.5;stroke-dasharray:4 3}
.bar{stroke:rgba(0,0,0,.25)}
.band{stroke:#fff;stroke-width:.5}
.cell{stroke:#fff;stroke-width:1}
.cell.diag{stroke:#111827;stroke-width:1.2}
.cell-text{font-size:11px}
.legend{display:flex;flex-wrap:wrap;gap:6px 16px;margin:6px 0 4px 56px;font-size:12px}
.legend span{display:inline-flex;align-items:center;gap:6px}
.legend i{display:inline-block;width:14px;height:14px;border-radius:3px;border:1px solid rgba(0,0,0,.2)}
.class-legend{margin-left:0}
.samples{display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));gap:14px}
figure{margin:0}
figure img{display:block;width:100%;border-radius:4px;border:1px solid #e5e7eb}
figcaption{font-size:12px;color:#4b5563;margin-top:4px}
table{border-collapse:collapse;width:100%;font-size:12.5px}
th,td{text-align:left;padding:5px 8px;border-bottom:1px solid #eef0f3;vertical-align:top}
th{background:#f9fafb;font-weight:600}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
td.path{word-break:break-all;color:#4b5563}
td.err{color:#991b1b;word-break:break-word}
.item{border-top:1px solid #eef0f3;padding-top:4px}
h3 .meta{font-weight:normal;color:#6b7280;margin-left:8px}
#summary .gear-legend{margin-left:0}
footer{color:#9ca3af;font-size:12px;text-align:center}
)";

std::string page(const std::string& title, const std::string& body) {
  std::ostringstream o;
  o << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
    << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
    << "<meta name=\"generator\" content=\"gearnn " << GEARNN_VERSION << "\">"
    << "<title>" << esc(title) << "</title><style>" << kStyle << "</style></head>\n<body><main>\n"
    << body << "<footer>Written by gearnn " << GEARNN_VERSION
    << " report. Self-contained: no scripts, fonts or network.</footer>\n</main></body></html>\n";
  return o.str();
}

std::string stat(const std::string& key, const std::string& value, const std::string& note = "", bool small = false) {
  std::ostringstream o;
  o << "<div class=\"stat\"><div class=\"k\">" << esc(key) << "</div><div class=\"v" << (small ? " small" : "")
    << "\">" << esc(value) << "</div>";
  if (!note.empty()) o << "<div class=\"n\">" << esc(note) << "</div>";
  o << "</div>";
  return o.str();
}

std::string note(const std::string& t) { return "<p class=\"note\">" + esc(t) + "</p>"; }

std::map<std::string, int64_t> usage_of(const json& gear_usage) {
  std::map<std::string, int64_t> u;
  if (gear_usage.is_object())
    for (const auto& [k, v] : gear_usage.items())
      if (v.is_number()) u[k] = v.get<int64_t>();
  return u;
}

std::set<std::string> gear_names(const std::map<std::string, int64_t>& usage, const std::vector<FrameRow>& rows) {
  std::set<std::string> names;
  for (const auto& [k, v] : usage) names.insert(k);
  for (const auto& r : rows) names.insert(r.gear);
  return names;
}

// mIoU, QP and luma over frames with the gear timeline under them. `prefix`
// keeps ids unique when a page holds several runs.
std::string time_charts(const std::vector<FrameRow>& rows, const std::string& prefix, const GearColours& colours,
                        double height) {
  std::ostringstream o;
  if (rows.empty()) return note("No frames recorded in frames.jsonl.");
  const Domain d = domain_of(rows);
  const size_t bucket = rows.size() > kMaxPoints ? (rows.size() + kMaxPoints - 1) / kMaxPoints : 1;
  size_t switches = 0;
  for (size_t i = 1; i < rows.size(); ++i) switches += rows[i].gear != rows[i - 1].gear;
  const SeriesSpec specs[] = {
      {prefix + "chart-miou", "chart-miou", "mIoU", "#2563eb", &FrameRow::miou, 0, 1, {0, 0.25, 0.5, 0.75, 1}, 2},
      {prefix + "chart-qp", "chart-qp", "QP", "#dc2626", &FrameRow::qp, 0, 51, {0, 10, 20, 30, 40, 51}, 0},
      {prefix + "chart-luma", "chart-luma", "luma", "#d97706", &FrameRow::luma, 0, 255, {0, 64, 128, 192, 255}, 0},
  };
  for (SeriesSpec s : specs) {
    if (height < 130) {  // compact charts: every other tick
      std::vector<double> t;
      for (size_t k = 0; k < s.yticks.size(); k += 2) t.push_back(s.yticks[k]);
      s.yticks = t;
    }
    const Opt m = mean_of(rows, s.field);
    if (!m) {
      if (s.cls == "chart-miou")
        o << note("No per-frame mIoU: the run had no ground truth (--gt).");
      else if (s.cls == "chart-qp")
        o << note("No QP: this codec exports no quantiser (see docs/formats.md, frame features).");
      else
        o << note("No " + s.label + " recorded.");
      continue;
    }
    o << "<div class=\"chart-title\">" << (s.cls == "chart-miou" ? "Per-frame mIoU" : s.cls == "chart-qp" ? "QP (H.264 scale)" : "Mean luma")
      << "<span>mean " << fmt(*m, s.prec + 1) << (bucket > 1 ? " · averaged over " + std::to_string(bucket) + "-frame buckets" : std::string()) << "</span></div>";
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

// ---------------------------------------------------------------- samples

std::vector<int64_t> pick_samples(const std::vector<FrameRow>& rows, int64_t frames, int k) {
  std::vector<int64_t> all;
  if (!rows.empty())
    for (const auto& r : rows) all.push_back(r.frame);
  else
    for (int64_t i = 0; i < frames; ++i) all.push_back(i);
  std::vector<int64_t> out;
  if (all.empty() || k <= 0) return out;
  const size_t n = all.size();
  for (int i = 0; i < k; ++i) {
    const int64_t f = all[std::min(n - 1, static_cast<size_t>((i + 0.5) * n / k))];
    if (out.empty() || out.back() != f) out.push_back(f);
  }
  return out;
}

std::string jpeg_uri(const cv::Mat& rgb) {
  cv::Mat small = rgb, bgr;
  if (rgb.cols > 320) cv::resize(rgb, small, cv::Size(320, std::max(1, rgb.rows * 320 / rgb.cols)), 0, 0, cv::INTER_AREA);
  cv::cvtColor(small, bgr, cv::COLOR_RGB2BGR);
  std::vector<uchar> buf;
  cv::imencode(".jpg", bgr, buf, {cv::IMWRITE_JPEG_QUALITY, 82});
  return "data:image/jpeg;base64," + base64(buf);
}

std::string samples_section(const json& report, const std::string& run_dir, const std::vector<FrameRow>& rows,
                            const std::vector<std::string>& classes, const Palette& palette, int k) {
  std::ostringstream o;
  o << "<section id=\"samples\"><h2>Sample frames</h2>";
  if (k <= 0) return o.str() + note("No sample frames requested (--samples 0).") + "</section>\n";
  const std::string masks_option = text(report.value("options", json::object()), "masks", "ids");
  const std::string masks_dir = run_dir + "/masks";
  const bool have_masks = fs::is_directory(masks_dir);
  const std::string recorded = text(report.value("input", json::object()), "path");
  const std::vector<int64_t> wanted = pick_samples(rows, report.value("frames", int64_t{0}), k);
  if (wanted.empty()) return o.str() + note("No frames to sample.") + "</section>\n";
  const std::string input = locate_input(recorded, run_dir);
  if (input.empty())
    return o.str() + note("The input video " + recorded + " cannot be found any more, so no frames are shown.") +
           "</section>\n";
  if (have_masks)
    o << class_legend(classes, palette);
  else
    o << note(masks_option == "none" ? "Masks were not saved (--masks none): plain frames."
                                     : "No masks directory: plain frames.");
  std::map<int64_t, const FrameRow*> by_frame;
  for (const auto& r : rows) by_frame[r.frame] = &r;
  std::vector<std::string> figures;
  std::string problem;
  try {
    ReaderOptions ropt;
    ropt.measure = false;
    VideoReader reader(input, ropt);
    DecodedFrame f;
    size_t next = 0;
    while (next < wanted.size() && reader.read(f)) {
      if (f.index != wanted[next]) continue;
      ++next;
      cv::Mat shown = f.rgb;
      std::string mask_note;
      const std::string mask_path = frame_png_path(masks_dir, f.index);
      if (have_masks && fs::exists(mask_path)) {
        try {
          const cv::Mat ids = read_label_png(mask_path);
          if (ids.size() != f.rgb.size()) {
            mask_note = "mask size differs from the frame";
          } else {
            shown = f.rgb.clone();
            for (int r = 0; r < ids.rows; ++r) {
              const uint8_t* id = ids.ptr<uint8_t>(r);
              uint8_t* px = shown.ptr<uint8_t>(r);
              for (int c = 0; c < ids.cols; ++c) {
                if (id[c] >= palette.size()) continue;  // ignore / unknown ids stay plain
                for (int ch = 0; ch < 3; ++ch) px[3 * c + ch] = static_cast<uint8_t>((px[3 * c + ch] * 9 + palette[id[c]][ch] * 11) / 20);
              }
            }
          }
        } catch (const std::exception& e) {
          mask_note = e.what();
        }
      } else if (have_masks) {
        mask_note = "no mask for this frame";
      }
      std::ostringstream cap;
      cap << "frame " << f.index;
      if (auto it = by_frame.find(f.index); it != by_frame.end()) {
        const FrameRow& r = *it->second;
        cap << " · gear " << r.gear;
        if (r.miou) cap << " · mIoU " << fmt(*r.miou, 3);
        if (r.qp) cap << " · QP " << fmt(*r.qp, 0);
        if (r.luma) cap << " · luma " << fmt(*r.luma, 0);
      }
      if (!mask_note.empty()) cap << " (" << mask_note << ")";
      figures.push_back("<figure><img class=\"sample\" alt=\"frame " + std::to_string(f.index) + "\" src=\"" +
                        jpeg_uri(shown) + "\"><figcaption>" + esc(cap.str()) +
                        "</figcaption></figure>");
    }
    if (next < wanted.size()) problem = "the video ended before frame " + std::to_string(wanted[next]);
  } catch (const std::exception& e) {
    problem = std::string("the input video could not be read (") + e.what() + ")";
  }
  if (!problem.empty()) o << note("Some frames are missing: " + problem + ".");
  o << "<div class=\"samples\">";
  for (const auto& f : figures) o << f;
  o << "</div></section>\n";
  return o.str();
}

// ---------------------------------------------------------------- run page

std::vector<std::string> class_names(const json& report) {
  std::vector<std::string> classes;
  const json model = report.value("model", json::object());
  if (model.contains("classes") && model["classes"].is_array())
    for (const auto& c : model["classes"]) classes.push_back(c.is_string() ? c.get<std::string>() : c.dump());
  return classes;
}

std::string render_run(const std::string& dir, const HtmlReportOptions& options) {
  const std::string report_path = dir + "/report.json";
  const json report = read_json_file(report_path);
  if (!report.is_object()) fail(report_path, "not a gearnn run report");
  const Frames frames = read_frames(dir);
  const std::vector<std::string> classes = class_names(report);
  const Palette palette = class_palette(report, dir, classes.size());
  const json input = report.value("input", json::object()), model = report.value("model", json::object());
  const json gears = report.value("gears", json());
  const json metrics = report.value("metrics", json());
  const auto usage = usage_of(report.value("gear_usage", json::object()));
  const GearColours colours(gear_names(usage, frames.rows));

  std::ostringstream b;
  b << "<h1>gearnn run report</h1><p class=\"sub\">" << esc(dir) << "</p>\n";
  if (!report.value("complete", true))
    b << "<div class=\"banner\">Incomplete run: " << esc(text(report, "error", "stopped before the end"))
      << "</div>\n";
  b << "<section id=\"summary\"><h2>Summary</h2><div class=\"stats\">";
  std::string size = fmt(number(input, "width"), 0) + "×" + fmt(number(input, "height"), 0);
  b << stat("input", text(input, "path", "?"), text(input, "codec") + " " + size + " @ " + fmt(number(input, "fps"), 2) + " fps", true);
  b << stat("model", text(model, "dir", "?"), text(model, "format") + ", " + std::to_string(classes.size()) + " classes", true);
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
  b << stat("gear switches", fmt(number(report, "gear_switches"), 0),
            "mean inference " + fmt(number(report, "mean_infer_ms"), 1) + " ms");
  b << "</div></section>\n";

  b << "<section id=\"timeline\"><h2>Over time</h2>";
  if (!frames.found)
    b << note("frames.jsonl is missing, so there are no per-frame charts.");
  else
    b << time_charts(frames.rows, "", colours, 150);
  if (frames.bad_lines) b << note(std::to_string(frames.bad_lines) + " unreadable line(s) in frames.jsonl skipped.");
  b << "</section>\n";
  b << accuracy_sections(metrics, classes, palette, "IoU from the confusion matrix summed over all frames.");
  b << samples_section(report, dir, frames.rows, classes, palette, options.samples);
  return page("gearnn report: " + dir, b.str());
}

// ---------------------------------------------------------------- batch / merge page

std::string render_collection(const json& merged, const std::string& title_path, const std::string& base_dir,
                              const std::string& kind, const HtmlReportOptions& options) {
  std::vector<std::string> classes;
  if (merged.contains("classes") && merged["classes"].is_array())
    for (const auto& c : merged["classes"]) classes.push_back(c.is_string() ? c.get<std::string>() : c.dump());
  const json items = merged.value("items", json::array());
  const json failures = merged.value("failures", json::array());
  const json metrics = merged.value("metrics", json());

  // Item directories and their frames (only for the charted items).
  std::vector<std::string> item_dirs;
  for (const auto& it : items) item_dirs.push_back(locate(text(it, "dir"), base_dir));
  Palette palette = fallback_palette(classes.size());
  for (const auto& d : item_dirs) {
    if (d.empty() || !fs::exists(d + "/report.json")) continue;
    try {
      palette = class_palette(read_json_file(d + "/report.json"), d, classes.size());
    } catch (const std::exception&) {
    }
    break;
  }
  const size_t charted = std::min(items.size(), static_cast<size_t>(std::max(0, options.max_item_charts)));
  std::vector<Frames> frames(charted);
  std::set<std::string> names;
  for (const auto& [k, v] : usage_of(merged.value("gear_usage", json::object()))) names.insert(k);
  for (size_t i = 0; i < charted; ++i) {
    if (!item_dirs[i].empty()) frames[i] = read_frames(item_dirs[i]);
    for (const auto& r : frames[i].rows) names.insert(r.gear);
  }
  const GearColours colours(names);

  std::ostringstream b;
  b << "<h1>gearnn " << kind << " report</h1><p class=\"sub\">" << esc(title_path) << "</p>\n";
  b << "<section id=\"summary\"><h2>Summary</h2><div class=\"stats\">";
  b << stat("items", std::to_string(items.size()), std::to_string(failures.size()) + " failed");
  b << stat("frames", fmt(number(merged, "frames"), 0), fmt(number(merged, "seconds"), 1) + " s of processing");
  if (metrics.is_object()) {
    b << stat("mIoU (summed matrix)", fmt(number(metrics, "miou"), 4), "from the confusion matrices summed over items");
    b << stat("mean item mIoU", fmt(number(metrics, "mean_item_miou"), 4), "mean of per-item mIoUs");
    b << stat("mean frame mIoU", fmt(number(metrics, "mean_frame_miou"), 4), "mean of per-frame mIoUs");
    b << stat("pixel accuracy", fmt(number(metrics, "pixel_acc"), 4));
  } else {
    b << stat("mIoU", "–", "no item had ground truth");
  }
  b << stat("gear switches", fmt(number(merged, "gear_switches"), 0));
  b << "</div>";
  const auto usage = usage_of(merged.value("gear_usage", json::object()));
  if (!usage.empty()) b << "<h3>Gear usage (frames)</h3>" << gear_legend(usage, colours);
  b << "</section>\n";

  b << "<section id=\"items\"><h2>Items</h2>";
  if (items.empty()) {
    b << note("No completed items.");
  } else {
    b << "<table class=\"items\"><thead><tr><th>id</th><th>input</th><th class=\"num\">frames</th>"
         "<th class=\"num\">fps</th><th class=\"num\">mIoU</th><th class=\"num\">mean frame mIoU</th>"
         "<th class=\"num\">pixel acc</th><th>gear usage</th><th class=\"num\">switches</th></tr></thead><tbody>";
    for (const auto& it : items) {
      std::string use;
      for (const auto& [g, n] : usage_of(it.value("gear_usage", json::object())))
        use += (use.empty() ? "" : " · ") + g + " " + std::to_string(n);
      b << "<tr><td>" << esc(text(it, "id")) << "</td><td class=\"path\">" << esc(text(it, "input"))
        << "</td><td class=\"num\">" << fmt(number(it, "frames"), 0) << "</td><td class=\"num\">"
        << fmt(number(it, "fps"), 1) << "</td><td class=\"num\">" << fmt(number(it, "miou"), 4)
        << "</td><td class=\"num\">" << fmt(number(it, "mean_frame_miou"), 4) << "</td><td class=\"num\">"
        << fmt(number(it, "pixel_acc"), 4) << "</td><td>" << esc(use) << "</td><td class=\"num\">"
        << fmt(number(it, "gear_switches"), 0) << "</td></tr>";
    }
    b << "</tbody></table>";
  }
  b << "</section>\n";

  b << accuracy_sections(metrics, classes, palette, "IoU from the confusion matrices summed over all items.");

  b << "<section id=\"item-charts\"><h2>Items over time</h2>";
  if (options.samples > 0 && !items.empty())
    b << note("Sample frames with masks are on each run's own page (gearnn report RUN_DIR).");
  if (items.size() > charted)
    b << note("Charts for the first " + std::to_string(charted) + " of " + std::to_string(items.size()) +
              " items (by id); run gearnn report on an item's directory for the others.");
  for (size_t i = 0; i < charted; ++i) {
    const json& it = items[i];
    b << "<div class=\"item\" id=\"item-" << i << "\"><h3>" << esc(text(it, "id")) << " <span class=\"meta\">mIoU "
      << fmt(number(it, "miou"), 4) << " · " << fmt(number(it, "frames"), 0) << " frames</span></h3>";
    if (item_dirs[i].empty())
      b << note("Run directory " + text(it, "dir") + " not found (looked in the current directory and in " +
                base_dir + "), so no charts.");
    else if (!frames[i].found)
      b << note("No frames.jsonl in " + item_dirs[i] + ".");
    else
      b << time_charts(frames[i].rows, "item-" + std::to_string(i) + "-", colours, 110);
    b << "</div>";
  }
  if (items.empty()) b << note("No completed items.");
  b << "</section>\n";

  b << "<section id=\"failures\"><h2>Failures</h2>";
  if (failures.empty()) {
    b << note("None.");
  } else {
    b << "<table class=\"failures\"><thead><tr><th>id</th><th>input</th><th>error</th></tr></thead><tbody>";
    for (const auto& f : failures)
      b << "<tr><td>" << esc(text(f, "id")) << "</td><td class=\"path\">" << esc(text(f, "input"))
        << "</td><td class=\"err\">" << esc(text(f, "error")) << "</td></tr>";
    b << "</tbody></table>";
  }
  b << "</section>\n";
  return page("gearnn " + kind + " report: " + title_path, b.str());
}

std::string run_dir_of(const std::string& path) {
  if (fs::is_regular_file(path) && fs::path(path).filename() == "report.json") {
    const std::string parent = fs::path(path).parent_path().string();
    return parent.empty() ? "." : parent;
  }
  return path;
}

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
    fail(path, "not a gearnn run or batch directory (no report.json, <id>/report.json, failures.jsonl or shard-*.json)");
  }
  if (fs::path(path).filename() == "report.json") return ReportSource::run;
  const json j = read_json_file(path);
  if (j.is_object() && j.value("kind", "") == "merge") return ReportSource::merged;
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
  return render_collection(merged, title_path, base_dir, "merge", options);
}

std::string render_html_report(const std::string& path, const HtmlReportOptions& options) {
  switch (report_source(path)) {
    case ReportSource::run:
      return render_run(run_dir_of(path), options);
    case ReportSource::batch:
      return render_collection(merge_reports({path}), path, path, "batch", options);
    case ReportSource::merged: {
      const json merged = read_json_file(path);
      const std::string base = fs::path(path).parent_path().string();
      return render_collection(merged, path, base.empty() ? "." : base, "merge", options);
    }
  }
  fail(path, "unknown report source");
}

std::string write_html_report(const std::string& path, const std::string& out_html, int samples) {
  HtmlReportOptions options;
  options.samples = samples;
  const std::string out = out_html.empty() ? default_html_path(path) : out_html;
  const std::string html = render_html_report(path, options);
  const fs::path parent = fs::path(out).parent_path();
  std::error_code ec;
  if (!parent.empty()) fs::create_directories(parent, ec);
  if (ec) fail(parent.string(), "cannot create directory (" + ec.message() + ")");
  write_text_file(out, html);
  return out;
}

}  // namespace gearnn
