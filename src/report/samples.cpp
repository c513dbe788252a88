#include "samples.h"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <filesystem>
#include <map>
#include <sstream>

#include "gearnn/io/label_io.h"
#include "gearnn/io/video_reader.h"
#include "html_text.h"
#include "page.h"
#include "svg_charts.h"

namespace fs = std::filesystem;

namespace gearnn::html {

namespace {

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

// A JPEG thumbnail at most 320 pixels wide: a few of them keep the page small.
std::string jpeg_uri(const cv::Mat& rgb) {
  cv::Mat small = rgb, bgr;
  if (rgb.cols > 320)
    cv::resize(rgb, small, cv::Size(320, std::max(1, rgb.rows * 320 / rgb.cols)), 0, 0, cv::INTER_AREA);
  cv::cvtColor(small, bgr, cv::COLOR_RGB2BGR);
  std::vector<uchar> buf;
  cv::imencode(".jpg", bgr, buf, {cv::IMWRITE_JPEG_QUALITY, 82});
  return "data:image/jpeg;base64," + base64(buf);
}

// `rgb` with the class colours of the mask at `mask_path` blended in, a little
// over half colour so the picture stays readable; when the mask cannot be
// used, `rgb` itself and `problem` says why.
cv::Mat overlay_mask(const cv::Mat& rgb, const std::string& mask_path, const Palette& palette, std::string& problem) {
  if (!fs::exists(mask_path)) {
    problem = "no mask for this frame";
    return rgb;
  }
  cv::Mat ids;
  try {
    ids = read_label_png(mask_path);
  } catch (const std::exception& e) {
    problem = e.what();
    return rgb;
  }
  if (ids.size() != rgb.size()) {
    problem = "mask size differs from the frame";
    return rgb;
  }
  cv::Mat shown = rgb.clone();
  for (int r = 0; r < ids.rows; ++r) {
    const uint8_t* id = ids.ptr<uint8_t>(r);
    uint8_t* out = shown.ptr<uint8_t>(r);
    for (int c = 0; c < ids.cols; ++c) {
      if (id[c] >= palette.size()) continue;  // ignore / unknown ids stay plain
      for (int ch = 0; ch < 3; ++ch)
        out[3 * c + ch] = static_cast<uint8_t>((out[3 * c + ch] * 9 + palette[id[c]][ch] * 11) / 20);
    }
  }
  return shown;
}

// "frame N · gear G · mIoU ..." from the frame's line in frames.jsonl, if any.
std::string caption(int64_t frame, const FrameRow* row, const std::string& mask_note) {
  std::ostringstream cap;
  cap << "frame " << frame;
  if (row) {
    cap << " · gear " << row->gear;
    if (row->miou) cap << " · mIoU " << fmt(*row->miou, 3);
    if (row->agreement) cap << " · agreement " << fmt(*row->agreement, 3);
    if (row->qp) cap << " · QP " << fmt(*row->qp, 0);
    if (row->luma) cap << " · luma " << fmt(*row->luma, 0);
  }
  if (!mask_note.empty()) cap << " (" << mask_note << ")";
  return cap.str();
}

}  // namespace

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

std::string samples_section(const RunInputs& run, int k) {
  const json& report = run.report;
  const std::string& run_dir = run.dir;
  const std::vector<FrameRow>& rows = run.frames.rows;
  const Palette& palette = run.palette;
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
    o << class_legend(run.classes, palette);
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
      std::string mask_note;
      const cv::Mat shown =
          have_masks ? overlay_mask(f.rgb, frame_png_path(masks_dir, f.index), palette, mask_note) : f.rgb;
      const auto row = by_frame.find(f.index);
      const std::string cap = caption(f.index, row == by_frame.end() ? nullptr : row->second, mask_note);
      figures.push_back("<figure><img class=\"sample\" alt=\"frame " + std::to_string(f.index) + "\" src=\"" +
                        jpeg_uri(shown) + "\"><figcaption>" + esc(cap) + "</figcaption></figure>");
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

}  // namespace gearnn::html
