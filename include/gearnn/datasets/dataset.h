#pragma once
// Labelled clips for training and evaluation, and their frames in memory.
#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "gearnn/quality/frame_features.h"

namespace gearnn {

struct ClipRef {
  std::string video;   // any input libavformat opens
  std::string labels;  // directory of %06d.png, frame 0 first
};

// A dataset file: {"clips": [{"video": "...", "labels": "..."}, "synth/dir", ...]}.
// A plain string names a `gearnn synth` directory (video.mkv + labels/).
// Relative paths are taken from the dataset file's directory.
std::vector<ClipRef> load_dataset(const std::string& path);

struct FrameSet {
  std::vector<cv::Mat> rgb;     // CV_8UC3
  std::vector<cv::Mat> labels;  // CV_8UC1, same size as rgb
  size_t size() const { return rgb.size(); }
  void append(const FrameSet& other);
};

// Decodes every `stride`-th frame of `video` with its label, both resized to
// `size` (area for images, nearest for labels) to keep memory small.
// `labels_dir` is read for the same frame indices.
// With `features`, also records each kept frame's quality features.
FrameSet load_frames(const std::string& video, const std::string& labels_dir, int stride, cv::Size size,
                     int max_frames = -1, std::vector<FrameFeatures>* features = nullptr);

}  // namespace gearnn
