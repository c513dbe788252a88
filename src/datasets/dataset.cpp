#include "gearnn/datasets/dataset.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <opencv2/imgproc.hpp>

#include "gearnn/common/errors.h"
#include "gearnn/common/json_io.h"
#include "gearnn/io/label_io.h"
#include "gearnn/io/video_reader.h"

namespace fs = std::filesystem;

namespace gearnn {

namespace {

FrameRange read_range(const json& frames, const std::string& path) {
  if (!frames.is_array() || frames.size() != 2 || !frames[0].is_number_integer() ||
      !(frames[1].is_number_integer() || frames[1].is_null()))
    fail(path, "\"frames\" must be [first, end] (integers; end null for the whole input)");
  FrameRange r{frames[0].get<int64_t>(), frames[1].is_null() ? -1 : frames[1].get<int64_t>()};
  if (r.first < 0 || (r.end >= 0 && r.end <= r.first)) fail(path, "\"frames\" must satisfy 0 <= first < end");
  return r;
}

}  // namespace

std::vector<ClipRef> load_dataset(const std::string& path) {
  const json j = read_json_file(path);
  return naming_json_errors(path, [&] {
    if (!j.is_object() || !j.contains("clips") || !j["clips"].is_array() || j["clips"].empty())
      fail(path, "expected {\"clips\": [...]} with at least one clip");
    const fs::path base = fs::path(path).parent_path();
    auto resolve = [&](const std::string& p) {
      return fs::path(p).is_absolute() || p.find("://") != std::string::npos ? p : (base / p).string();
    };
    std::vector<ClipRef> clips;
    for (const json& c : j["clips"]) {
      ClipRef ref;
      if (c.is_string()) {
        const std::string entry = resolve(c.get<std::string>());
        if (fs::is_directory(entry) && fs::exists(entry + "/video.mkv"))
          ref = {entry + "/video.mkv", entry + "/labels", {}};
        else
          ref.video = entry;
      } else if (c.is_object() && c.contains("video") && c["video"].is_string() &&
                 (!c.contains("labels") || c["labels"].is_string())) {
        ref.video = resolve(c["video"].get<std::string>());
        if (c.contains("labels")) ref.labels = resolve(c["labels"].get<std::string>());
        if (c.contains("frames")) ref.frames = read_range(c["frames"], path);
      } else {
        fail(path,
             "each clip is a synth directory, an input, or {\"video\": ..., \"labels\"?: ..., \"frames\"?: [first, "
             "end]}");
      }
      if (!ref.labels.empty() && !fs::is_directory(ref.labels))
        fail(ref.labels, "label directory not found (listed in " + path + ")");
      clips.push_back(ref);
    }
    return clips;
  });
}

void FrameSet::append(const FrameSet& other) {
  rgb.insert(rgb.end(), other.rgb.begin(), other.rgb.end());
  labels.insert(labels.end(), other.labels.begin(), other.labels.end());
  label_files.insert(label_files.end(), other.label_files.begin(), other.label_files.end());
}

void check_label_ids(const FrameSet& frames, int num_classes, int ignore_index) {
  for (size_t i = 0; i < frames.labels.size(); ++i) {
    const cv::Mat& label = frames.labels[i];
    for (int r = 0; r < label.rows; ++r) {
      const uint8_t* id = label.ptr<uint8_t>(r);
      for (int c = 0; c < label.cols; ++c)
        if (id[c] >= num_classes && id[c] != ignore_index)
          fail(i < frames.label_files.size() ? frames.label_files[i] : "labels",
               "unknown class id " + std::to_string(id[c]) + " (the model has " + std::to_string(num_classes) +
                   " classes, ignore index " + std::to_string(ignore_index) + ")");
    }
  }
}

// A frame may be a smaller rendition of its label (an ABR stream): same shape,
// up to the even rounding of each side.
static bool same_aspect(cv::Size frame, cv::Size label) {
  const double expected_height = static_cast<double>(frame.width) * label.height / label.width;
  return std::abs(frame.height - expected_height) <= std::max(2.0, 0.02 * frame.height);
}

FrameSet load_frames(const ClipRef& clip, const std::string& video, int stride, cv::Size size, int max_frames,
                     std::vector<FrameFeatures>* features) {
  if (clip.labels.empty()) fail(clip.video, "this clip has no labels (give \"labels\", or use --targets teacher)");
  // Labels are at the output size: `scale` is each frame's coded height against theirs.
  const cv::Mat first_label = read_label_png(frame_png_path(clip.labels, clip.frames.first));
  ReaderOptions ropt;
  ropt.measure = features != nullptr;
  ropt.output_height = first_label.rows;
  VideoReader reader(video, ropt);
  FrameSet out;
  DecodedFrame f;
  while ((max_frames < 0 || static_cast<int>(out.size()) < max_frames) && reader.read(f)) {
    if (clip.frames.end >= 0 && f.index >= clip.frames.end) break;
    if (!clip.frames.contains(f.index) || (f.index - clip.frames.first) % std::max(1, stride) != 0) continue;
    const std::string label_path = frame_png_path(clip.labels, f.index);
    cv::Mat label = read_label_png(label_path);
    if (f.rgb.size() != label.size() && !(f.rgb.cols <= label.cols && same_aspect(f.rgb.size(), label.size())))
      fail(label_path, "label size " + std::to_string(label.cols) + "x" + std::to_string(label.rows) +
                           " is neither the frame size nor a larger size of the same shape (frame " +
                           std::to_string(f.index) + " of " + video + " is " + std::to_string(f.rgb.cols) + "x" +
                           std::to_string(f.rgb.rows) + ")");
    cv::Mat rgb, lab;
    // As the segmenter does: area averaging to shrink, bilinear to enlarge a small rendition.
    const bool shrink = f.rgb.cols > size.width || f.rgb.rows > size.height;
    cv::resize(f.rgb, rgb, size, 0, 0, shrink ? cv::INTER_AREA : cv::INTER_LINEAR);
    cv::resize(label, lab, size, 0, 0, cv::INTER_NEAREST);
    out.rgb.push_back(rgb);
    out.labels.push_back(lab);
    out.label_files.push_back(label_path);
    if (features) features->push_back(f.features);
  }
  if (out.size() == 0) fail(video, "no frames loaded");
  return out;
}

FrameSet load_frames(const std::string& video, const std::string& labels_dir, int stride, cv::Size size,
                     int max_frames, std::vector<FrameFeatures>* features) {
  return load_frames(ClipRef{video, labels_dir, {}}, video, stride, size, max_frames, features);
}

}  // namespace gearnn
