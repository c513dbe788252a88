#include "reference_masks.h"

#include <filesystem>

#include "gearnn/common/errors.h"
#include "gearnn/io/label_io.h"

namespace fs = std::filesystem;

namespace gearnn {

namespace {

std::string size_text(cv::Size s) { return std::to_string(s.width) + "x" + std::to_string(s.height); }

}  // namespace

std::string reference_mask_dir(const std::string& reference) {
  if (!fs::is_directory(reference)) fail(reference, "reference directory not found");
  const fs::path masks = fs::path(reference) / "masks";
  if (fs::is_directory(masks)) return masks.string();
  if (fs::exists(fs::path(reference) / "report.json"))
    fail(reference, "run directory without masks/ (was it run with --masks none?)");
  return reference;
}

cv::Mat read_reference_mask(const std::string& mask_dir, int64_t index, cv::Size size, const ModelCard& card) {
  const std::string path = frame_png_path(mask_dir, index);
  if (!fs::exists(path))
    fail(path, "reference mask missing for frame " + std::to_string(index) +
                   " (the reference must cover every frame of this run)");
  const cv::Mat mask = read_label_png(path);
  if (mask.size() != size)
    fail(path, "reference mask is " + size_text(mask.size()) + " but this run's output is " + size_text(size) +
                   " (references are never resized; --size sets the output size)");
  double top = 0;
  cv::Mat counted = mask != card.ignore_index;
  cv::minMaxLoc(mask, nullptr, &top, nullptr, nullptr, counted);
  if (top >= card.num_classes())
    fail(path, "class id " + std::to_string(static_cast<int>(top)) + " is not a class of the model (" +
                   std::to_string(card.num_classes()) + " classes, ignore id " + std::to_string(card.ignore_index) +
                   ")");
  return mask;
}

ConfusionMatrix score_against_reference(const std::string& mask_dir, int64_t index, const cv::Mat& ids,
                                        const ModelCard& card) {
  const cv::Mat reference = read_reference_mask(mask_dir, index, ids.size(), card);
  ConfusionMatrix cm(card.num_classes());
  cm.add(ids, reference, card.ignore_index, frame_png_path(mask_dir, index));
  return cm;
}

}  // namespace gearnn
