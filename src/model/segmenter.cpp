#include "gearnn/model/segmenter.h"

#include <cstring>
#include <opencv2/imgproc.hpp>

#include "gearnn/common/errors.h"
#include "gearnn/common/hashing.h"
#include "gearnn/model/torch_model.h"

namespace gearnn {

// ---- Segmenter ---------------------------------------------------------------

void set_torch_threads(int threads) {
  at::set_num_threads(std::max(1, threads));
}

int torch_threads() { return at::get_num_threads(); }

void create_builtin_model(const ModelCard& card, uint64_t seed) { TorchModel::create_builtin(card, seed); }

struct Segmenter::Impl {
  std::unique_ptr<TorchModel> model;
  std::string hash;
};

Segmenter::Segmenter(const std::string& model_dir) : impl_(new Impl) {
  ModelCard card = load_model_card(model_dir);
  impl_->model = std::make_unique<TorchModel>(card);
  impl_->hash = model_hash(card);
}

Segmenter::~Segmenter() = default;

const ModelCard& Segmenter::card() const { return impl_->model->card(); }
const std::string& Segmenter::hash() const { return impl_->hash; }
TorchModel& Segmenter::torch_model() { return *impl_->model; }

bool Segmenter::prepare_inference(const std::vector<std::string>& live_tensors) {
  return impl_->model->freeze_for_inference(live_tensors);
}

int64_t Segmenter::weight_bytes() const {
  int64_t bytes = 0;
  for (const auto& [name, t] : impl_->model->named_tensors()) bytes += t.numel() * t.element_size();
  return bytes;
}

cv::Mat Segmenter::preprocess(const cv::Mat& rgb) const {
  const ModelCard& c = card();
  cv::Mat small;
  const bool shrink = rgb.cols > c.input_width || rgb.rows > c.input_height;
  if (rgb.cols == c.input_width && rgb.rows == c.input_height)
    small = rgb;
  else
    cv::resize(rgb, small, cv::Size(c.input_width, c.input_height), 0, 0, shrink ? cv::INTER_AREA : cv::INTER_LINEAR);
  // Planar CHW float, normalised, laid out so torch can wrap it without a copy.
  cv::Mat chw(3 * c.input_height, c.input_width, CV_32FC1);
  std::vector<cv::Mat> planes(3);
  for (int k = 0; k < 3; ++k) planes[k] = chw.rowRange(k * c.input_height, (k + 1) * c.input_height);
  cv::Mat f;
  small.convertTo(f, CV_32FC3, 1.0 / 255.0);
  cv::split(f, planes.data());
  for (int k = 0; k < 3; ++k) planes[k] = (planes[k] - c.mean[k]) / c.std[k];
  return chw;
}

cv::Mat Segmenter::forward(const cv::Mat& chw) { return forward_batch({chw}).front(); }

std::vector<cv::Mat> Segmenter::forward_batch(const std::vector<cv::Mat>& inputs) {
  const ModelCard& c = card();
  const int64_t n = static_cast<int64_t>(inputs.size());
  const int64_t plane = 3 * int64_t{c.input_height} * c.input_width;
  if (n == 0) return {};
  for (const cv::Mat& in : inputs)
    if (in.type() != CV_32FC1 || in.rows != 3 * c.input_height || in.cols != c.input_width || !in.isContinuous())
      fail(c.dir, "model input is not a preprocessed frame of " + std::to_string(c.input_width) + "x" +
                      std::to_string(c.input_height));
  torch::Tensor logits;
  {
    c10::InferenceMode guard;
    torch::Tensor x;
    if (n == 1) {  // no copy for a single frame
      x = torch::from_blob(const_cast<float*>(inputs[0].ptr<float>()), {1, 3, c.input_height, c.input_width},
                           torch::kFloat32);
    } else {
      x = torch::empty({n, 3, c.input_height, c.input_width}, torch::kFloat32);
      for (int64_t i = 0; i < n; ++i)
        std::memcpy(x.data_ptr<float>() + i * plane, inputs[i].ptr<float>(), plane * sizeof(float));
    }
    logits = impl_->model->forward(x).to(torch::kFloat32).contiguous();
  }
  const int dims[3] = {static_cast<int>(logits.size(1)), static_cast<int>(logits.size(2)),
                       static_cast<int>(logits.size(3))};
  const size_t bytes = logits[0].numel() * sizeof(float);
  std::vector<cv::Mat> out;
  for (int64_t i = 0; i < n; ++i) {
    cv::Mat m(3, dims, CV_32F);
    std::memcpy(m.data, reinterpret_cast<const char*>(logits.data_ptr<float>()) + i * bytes, bytes);
    out.push_back(m);
  }
  return out;
}

cv::Mat Segmenter::infer(const cv::Mat& chw, cv::Size frame_size) { return logits_to_ids(forward(chw), frame_size); }

cv::Mat Segmenter::predict(const cv::Mat& rgb) { return infer(preprocess(rgb), rgb.size()); }

}  // namespace gearnn
