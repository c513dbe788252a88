#include "gearnn/datasets/distort.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <memory>
#include <opencv2/imgproc.hpp>
#include <sstream>

#include "gearnn/common/errors.h"
#include "gearnn/common/progress.h"
#include "gearnn/io/shipped_data.h"
#include "gearnn/io/video_reader.h"
#include "gearnn/io/video_writer.h"

namespace gearnn {

json DistortSettings::to_json() const {
  return {{"qp", qp},     {"brightness", brightness}, {"noise", noise},
          {"blur", blur}, {"scale", scale},           {"resolution", resolution}};
}

void validate_settings(const DistortSettings& s, const std::string& source) {
  // From a file, the file is named; from the command line (source empty), the option.
  auto check = [&](bool ok, const std::string& key, const std::string& range) {
    if (ok) return;
    if (source.empty()) fail("--" + key, "must be " + range);
    fail(source, key + " must be " + range);
  };
  check(s.qp >= 0 && s.qp <= 51, "qp", "0..51");
  check(s.brightness >= 0 && s.brightness <= 10, "brightness", "0..10");
  check(s.noise >= 0 && s.noise <= 255, "noise", "0..255 (a sigma)");
  check(s.blur >= 0 && s.blur <= 100, "blur", "0..100 (a sigma in pixels)");
  check(s.scale > 0 && s.scale <= 1, "scale", "in (0, 1]");
  check(s.resolution > 0 && s.resolution <= 1, "resolution", "in (0, 1]");
}

const std::vector<std::string>& x264_presets() {
  static const std::vector<std::string> presets = {"ultrafast", "superfast", "veryfast", "faster",   "fast",
                                                   "medium",    "slow",      "slower",   "veryslow", "placebo"};
  return presets;
}

std::pair<int, int> rendition_size(int width, int height, double resolution) {
  auto side = [&](int v) { return std::max(2, static_cast<int>(std::lround(v * resolution / 2.0)) * 2); };
  return {side(width), side(height)};
}

static void apply_overrides(DistortSettings& s, const json& o, const std::string& source) {
  for (const auto& [key, value] : o.items()) {
    if (!value.is_number()) fail(source, "setting \"" + key + "\" must be a number");
    if (key == "qp") {
      // Range-checked before narrowing: 4294967336 would otherwise become 40.
      s.qp = static_cast<int>(json_int(o, "/qp", 0, 51, source));
    } else if (key == "brightness") {
      s.brightness = value.get<double>();
    } else if (key == "noise") {
      s.noise = value.get<double>();
    } else if (key == "blur") {
      s.blur = value.get<double>();
    } else if (key == "scale") {
      s.scale = value.get<double>();
    } else if (key == "resolution") {
      s.resolution = value.get<double>();
    } else {
      fail(source, "unknown setting \"" + key + "\" (qp, brightness, noise, blur, scale, resolution)");
    }
  }
  validate_settings(s, source);
}

std::vector<DistortSegment> load_schedule(const std::string& file) {
  const std::string path = find_config_file(file, "schedules");
  const json j = read_json_file(path);
  return naming_json_errors(path, [&] {
    if (!j.is_object() || !j.contains("segments") || !j["segments"].is_array())
      fail(path, "expected {\"segments\": [{\"frames\": [from, to], ...}, ...]}");
    std::vector<DistortSegment> out;
    for (const json& seg : j["segments"]) {
      if (!seg.is_object() || !seg.contains("frames") || !seg["frames"].is_array() || seg["frames"].size() != 2 ||
          !seg["frames"][0].is_number_integer() || !seg["frames"][1].is_number_integer())
        fail(path, "each segment needs \"frames\": [from, to] (integers)");
      DistortSegment s;
      s.from = seg["frames"][0].get<int64_t>();
      s.to = seg["frames"][1].get<int64_t>();
      if (s.from < 0 || s.to <= s.from) fail(path, "segment frames must satisfy 0 <= from < to");
      if (s.to > kMaxScheduleFrame)
        fail(path, "segment frames must end by frame " + std::to_string(kMaxScheduleFrame));
      s.overrides = seg;
      s.overrides.erase("frames");
      DistortSettings check;
      apply_overrides(check, s.overrides, path);
      out.push_back(s);
    }
    return out;
  });
}

DistortSettings settings_at(const DistortSettings& base, const std::vector<DistortSegment>& schedule,
                            int64_t index, const std::string& source) {
  DistortSettings s = base;
  for (const auto& seg : schedule)
    if (index >= seg.from && index < seg.to) apply_overrides(s, seg.overrides, source);
  return s;
}

namespace {

// The frames where the settings may change: 0 and each segment's ends, in
// order. Settings hold from one to the next, and after the last to the input's
// end (whose length need not be known), so plans go from point to point, never
// frame by frame.
std::vector<int64_t> change_points(const DistortOptions& o) {
  std::vector<int64_t> points{0};
  for (const auto& seg : o.schedule) points.insert(points.end(), {seg.from, seg.to});
  std::sort(points.begin(), points.end());
  points.erase(std::unique(points.begin(), points.end()), points.end());
  return points;
}

// libx264 options giving every frame of [from, to) exactly its scheduled QP:
// plain constant QP when it never changes, else rate-control zones (which only
// act under a rate-control mode, and only exactly with adaptive quantisation off).
std::map<std::string, std::string> x264_options(const DistortOptions& o, int64_t from, int64_t to) {
  std::map<std::string, std::string> opts{{"preset", o.preset}};
  const std::string flat = "ipratio=1.0:pbratio=1.0";  // I and B frames at the same QP as P
  std::vector<std::pair<int64_t, int>> runs;           // (first frame, qp), frames counted from `from`
  for (const int64_t point : change_points(o)) {
    if (point >= to) break;
    const int64_t i = std::max(point, from);
    const int qp = settings_at(o.base, o.schedule, i).qp;
    if (runs.empty() || runs.back().second != qp) runs.emplace_back(i - from, qp);
  }
  if (runs.size() == 1) {
    opts["qp"] = std::to_string(runs[0].second);
    opts["x264-params"] = flat;
    return opts;
  }
  std::ostringstream zones;
  for (size_t k = 0; k < runs.size(); ++k) {
    // The last zone runs to the end of the encode, however long the input is.
    const int64_t last = k + 1 < runs.size() ? runs[k + 1].first - 1 : kMaxScheduleFrame;
    zones << (k ? "/" : "") << runs[k].first << "," << last << ",q=" << runs[k].second;
  }
  // x264 codes the first frame from the rate factor, not its zone: start at the first zone's QP.
  opts["crf"] = std::to_string(runs[0].second);
  // No B-frames: x264 codes B-frames between references of two zones at an
  // interpolated QP, which would make the recorded per-frame QP untrue.
  opts["x264-params"] = flat + ":aq-mode=0:mbtree=0:bframes=0:zones=" + zones.str();
  return opts;
}

// Frames [from, to) coded at one size: one encode each.
struct Piece {
  int64_t from, to;
  int width, height;
};

// The schedule's runs of equal coded size; the last runs on to the input's end.
std::vector<Piece> plan_pieces(const DistortOptions& o, int width, int height) {
  std::vector<Piece> pieces;
  for (const int64_t point : change_points(o)) {
    const auto [w, h] = rendition_size(width, height, settings_at(o.base, o.schedule, point).resolution);
    if (pieces.empty() || pieces.back().width != w || pieces.back().height != h) {
      if (!pieces.empty()) pieces.back().to = point;
      pieces.push_back({point, std::numeric_limits<int64_t>::max(), w, h});
    }
  }
  return pieces;
}

bool is_mpegts_name(const std::string& path) {
  const auto dot = path.rfind('.');
  std::string ext = dot == std::string::npos ? "" : path.substr(dot + 1);
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  return ext == "ts" || ext == "m2ts" || ext == "mts";
}

// One encode per piece, in one MPEG-TS stream when the size changes (the
// renditions of an ABR stream, joined as a player receives them).
class RenditionWriter {
 public:
  RenditionWriter(const DistortOptions& o, int width, int height, double fps) : o_(o) {
    pieces_ = plan_pieces(o, width, height);
    if (pieces_.size() > 1 && !is_mpegts_name(o.output))
      fail(o.output, "the schedule changes the resolution: write MPEG-TS (.ts), which carries size changes");
    settings_.codec = "libx264";
    settings_.pix_fmt = "yuv420p";
    settings_.fps = fps;
    settings_.threads = o.threads;
  }

  cv::Size size_at(int64_t index) const {
    const Piece& p = piece_at(index);
    return {p.width, p.height};
  }

  void write(const cv::Mat& rgb, int64_t index) {
    const Piece& p = piece_at(index);
    if (!writer_ || &p != current_) {
      const auto options = x264_options(o_, index, p.to);
      if (!writer_) {
        settings_.options = options;
        writer_ = std::make_unique<VideoWriter>(o_.output, p.width, p.height, settings_);
      } else {
        writer_->next_rendition(p.width, p.height, options);
      }
      current_ = &p;
      records_.push_back({{"first_frame", index}, {"width", p.width}, {"height", p.height}, {"options", options}});
    }
    writer_->write(rgb);
  }

  void finish() {
    if (!writer_) fail(o_.input, "no frames decoded");
    writer_->finish();
  }

  json encoder_record() const {
    if (records_.size() == 1) return {{"codec", "libx264"}, {"options", records_[0]["options"]}};
    return {{"codec", "libx264"}, {"renditions", records_}};
  }

 private:
  const Piece& piece_at(int64_t index) const {
    for (const auto& p : pieces_)
      if (index >= p.from && index < p.to) return p;
    return pieces_.back();
  }

  const DistortOptions& o_;
  std::vector<Piece> pieces_;
  EncoderSettings settings_;
  const Piece* current_ = nullptr;
  std::unique_ptr<VideoWriter> writer_;
  json records_ = json::array();
};

void apply_effects(cv::Mat& rgb, const DistortSettings& s, uint64_t seed, int64_t index) {
  if (s.scale < 1) {
    cv::Mat small;
    const cv::Size size(std::max(1, static_cast<int>(rgb.cols * s.scale + 0.5)),
                        std::max(1, static_cast<int>(rgb.rows * s.scale + 0.5)));
    cv::resize(rgb, small, size, 0, 0, cv::INTER_AREA);
    cv::resize(small, rgb, rgb.size(), 0, 0, cv::INTER_LINEAR);
  }
  if (s.blur > 0) cv::GaussianBlur(rgb, rgb, cv::Size(0, 0), s.blur);
  if (s.brightness != 1 || s.noise > 0) {
    cv::Mat f;
    rgb.convertTo(f, CV_32FC3, s.brightness);
    if (s.noise > 0) {
      cv::RNG rng(seed * 0x9E3779B97F4A7C15ULL + static_cast<uint64_t>(index) + 1);
      cv::Mat n(f.size(), CV_32FC3);
      rng.fill(n, cv::RNG::NORMAL, 0.0, s.noise);
      f += n;
    }
    f.convertTo(rgb, CV_8UC3);  // saturating: over-exposure clips like a sensor
  }
}

}  // namespace

void distort_video(const DistortOptions& o) {
  validate_settings(o.base, "");
  if (std::find(x264_presets().begin(), x264_presets().end(), o.preset) == x264_presets().end())
    fail("--preset", "unknown libx264 preset \"" + o.preset + "\" (ultrafast ... veryslow, placebo)");
  if (o.threads < 0 || o.threads > 64) fail("--threads", "encoder threads must be 0..64 (0: automatic)");
  ReaderOptions ropt;
  ropt.measure = false;
  VideoReader reader(o.input, ropt);
  const VideoInfo info = reader.info();
  if (info.width % 2 || info.height % 2) fail(o.input, "frame size must be even for 4:2:0 H.264");
  RenditionWriter writer(o, info.width, info.height, info.fps > 0 ? info.fps : 10);
  Progress progress("gearnn distort", info.frame_count, o.progress && Progress::stderr_is_terminal());
  json per_frame = json::array();
  DecodedFrame frame;
  int64_t written = 0;
  while ((o.max_frames < 0 || written < o.max_frames) && reader.read(frame)) {
    if (frame.rgb.cols != info.width || frame.rgb.rows != info.height)
      fail(o.input, "frame " + std::to_string(frame.index) + " changes size; distort needs a source of one size");
    const DistortSettings s = settings_at(o.base, o.schedule, frame.index);
    apply_effects(frame.rgb, s, o.seed, frame.index);
    const cv::Size coded = writer.size_at(frame.index);
    if (coded != frame.rgb.size()) cv::resize(frame.rgb, frame.rgb, coded, 0, 0, cv::INTER_AREA);
    writer.write(frame.rgb, frame.index);
    ++written;
    json rec = s.to_json();
    rec["frame"] = frame.index;
    rec["width"] = coded.width;
    rec["height"] = coded.height;
    per_frame.push_back(rec);
    progress.update(frame.index + 1);
  }
  writer.finish();
  progress.finish();
  const json encoder = writer.encoder_record();
  write_json_file(o.output + ".schedule.json", {{"input", o.input},
                                                {"output", o.output},
                                                {"encoder", encoder},
                                                {"seed", o.seed},
                                                {"frames", per_frame}});
}

}  // namespace gearnn
