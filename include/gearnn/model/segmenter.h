#pragma once
// A loaded model ready for inference, with no torch types in its interface so
// the pipeline compiles without torch headers.
#include <opencv2/core.hpp>
#include <memory>
#include <string>
#include <vector>

#include "gearnn/io/model_card.h"
#include "gearnn/model/postprocess.h"

namespace gearnn {

class TorchModel;

void set_torch_threads(int threads);  // intra-op threads of LibTorch
int torch_threads();

// Writes a new built-in StreetNet (card.arch) with seeded random weights to card.dir.
void create_builtin_model(const ModelCard& card, uint64_t seed);

class Segmenter {
 public:
  explicit Segmenter(const std::string& model_dir);  // throws Error naming the bad file
  ~Segmenter();

  const ModelCard& card() const;
  const std::string& hash() const;  // SHA-256 of the card and the weights file
  int64_t weight_bytes() const;     // bytes of all parameters and buffers
  TorchModel& torch_model();
  // Inference from now on with the fast path that keeps `live_tensors` (every
  // tensor a loaded gear touches) switchable: TorchModel::freeze_for_inference.
  // False when the module could not be frozen (it then runs as loaded).
  bool prepare_inference(const std::vector<std::string>& live_tensors);

  // Resized, normalised planar input (3*H rows of W floats). Thread-safe.
  cv::Mat preprocess(const cv::Mat& rgb) const;
  // Logits for one preprocessed input: a 3-d CV_32F Mat {classes, h, w}.
  cv::Mat forward(const cv::Mat& input);
  // Logits for several inputs in one forward (a batch): one Mat per input, in order.
  std::vector<cv::Mat> forward_batch(const std::vector<cv::Mat>& inputs);
  // Class ids at `frame_size`: forward, then logits_to_ids.
  cv::Mat infer(const cv::Mat& input, cv::Size frame_size);
  cv::Mat predict(const cv::Mat& rgb);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace gearnn
