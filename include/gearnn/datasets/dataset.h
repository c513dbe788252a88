#pragma once
// Labelled clips for training and evaluation, and their frames in memory.
#include <cstdint>
#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "gearnn/quality/frame_features.h"

namespace gearnn {

// Frames [first, end) of a clip; end -1: to the end of the input.
struct FrameRange {
  int64_t first = 0, end = -1;
  bool contains(int64_t index) const { return index >= first && (end < 0 || index < end); }
};

struct ClipRef {
  std::string video;   // any input libavformat opens
  std::string labels;  // directory of %06d.png named by frame index; empty: no labels
  FrameRange frames;
};

// A dataset file: {"clips": [{"video": "...", "labels": "...", "frames": [0, 300]}, "synth/dir", "cam.mp4", ...]}.
// A plain string names a `gearnn synth` directory (video.mkv + labels/) or,
// when it is not one, an input without labels. "labels" and "frames" are
// optional: one long video can be split by frame ranges into fitting,
// validation and test parts without copying. Unlabelled clips need teacher
// targets (`--targets teacher`). Relative paths are taken from the dataset
// file's directory.
std::vector<ClipRef> load_dataset(const std::string& path);

struct FrameSet {
  std::vector<cv::Mat> rgb;              // CV_8UC3
  std::vector<cv::Mat> labels;           // CV_8UC1, same size as rgb
  std::vector<std::string> label_files;  // each label's PNG, for errors (empty for teacher targets)
  size_t size() const { return rgb.size(); }
  void append(const FrameSet& other);
};

// Every label id is a class id (below num_classes) or ignore_index; else an
// Error naming the label's file. Training would fail deep inside LibTorch.
void check_label_ids(const FrameSet& frames, int num_classes, int ignore_index);

// Decodes every `stride`-th frame of the clip's range from `video` (the clip
// itself or a rendering of it) with its label, both resized to `size` (area or
// bilinear for images, nearest for labels) to keep memory small. A frame may
// be a smaller rendition of its label (same shape). With `features`, also
// records each kept frame's quality features.
FrameSet load_frames(const ClipRef& clip, const std::string& video, int stride, cv::Size size, int max_frames = -1,
                     std::vector<FrameFeatures>* features = nullptr);
// The same for a whole labelled video.
FrameSet load_frames(const std::string& video, const std::string& labels_dir, int stride, cv::Size size,
                     int max_frames = -1, std::vector<FrameFeatures>* features = nullptr);

}  // namespace gearnn
