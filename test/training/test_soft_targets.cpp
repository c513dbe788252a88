// Teacher targets in training. Soft (--temperature): the distillation loss
// against a plain computation, zero when the student is its teacher (also
// through the training loop's crops and flips), and the commands end to end.
// Hard: the teacher's argmax on each augmented view, never the labels.
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <opencv2/core.hpp>

#include "gearnn/common/json_io.h"
#include "gearnn/model/segmenter.h"
#include "gearnn/training/distillation.h"
#include "gearnn/training/train_command.h"
#include "gearnn/training/trainer.h"
#include "test_support.h"
#include "catch_with_torch.h"  // after LibTorch's headers

using namespace gearnn;
using namespace gearnn::test;
namespace fs = std::filesystem;

namespace {

// T^2 * sum_c p_c (log p_c - log q_c), p = softmax(teacher / T), q = softmax(student / T),
// averaged over pixels: in double, one pixel at a time.
double reference_loss(const torch::Tensor& student, const torch::Tensor& teacher, double T) {
  const auto s = student.detach().to(torch::kFloat64).contiguous(), t = teacher.detach().to(torch::kFloat64).contiguous();
  const int64_t n = s.size(0), c = s.size(1), h = s.size(2), w = s.size(3);
  auto S = s.accessor<double, 4>(), P = t.accessor<double, 4>();
  double total = 0;
  for (int64_t i = 0; i < n; ++i)
    for (int64_t y = 0; y < h; ++y)
      for (int64_t x = 0; x < w; ++x) {
        double zs = 0, zt = 0;
        for (int64_t k = 0; k < c; ++k) {
          zs += std::exp(S[i][k][y][x] / T);
          zt += std::exp(P[i][k][y][x] / T);
        }
        for (int64_t k = 0; k < c; ++k) {
          const double p = std::exp(P[i][k][y][x] / T) / zt, q = std::exp(S[i][k][y][x] / T) / zs;
          total += p * (std::log(p) - std::log(q));
        }
      }
  return T * T * total / static_cast<double>(n * h * w);
}

std::string shipped_street_model() { return source_dir() + "/data/models/street"; }

// A labelled clip's frames at 1.25x the model input, as training keeps them (crops need room).
FrameSet clip_frames(const ModelCard& card) {
  const std::string clip = synth_clip(12, 320, 192, 7);
  return load_frames(clip + "/video.mkv", clip + "/labels", 1,
                     cv::Size(storage_dim(card.input_width), storage_dim(card.input_height)));
}

// The frames in negative: inputs the teacher answers differently.
std::vector<cv::Mat> negatives(const std::vector<cv::Mat>& rgb) {
  std::vector<cv::Mat> out;
  for (const auto& m : rgb) {
    cv::Mat n;
    cv::bitwise_not(m, n);
    out.push_back(n);
  }
  return out;
}

// One epoch distilling `teacher` into `model` on the frames, with `pristine`
// as what the teacher sees (temperature 0: its argmax); BatchNorm fixed as when fitting gears. Learning
// rate 0: the student keeps its weights (Adam would turn the rounding noise
// of a ~0 gradient into full-size steps).
TrainResult one_epoch_at_lr0(TorchModel& model, const FrameSet& frames, const std::vector<cv::Mat>* pristine,
                             TeacherTargets targets) {
  std::vector<TrainSample> samples;
  for (size_t i = 0; i < frames.size(); ++i)
    samples.push_back({&frames.rgb[i], &frames.labels[i], {}, pristine ? &(*pristine)[i] : nullptr});
  TrainOptions o;
  o.epochs = 1;
  o.batch = 4;
  o.lr = 0;
  o.freeze_bn = true;
  o.progress = false;
  o.soft = targets;
  return train_model(model, samples, FrameSet{}, o);
}

TrainResult distil_one_epoch(TorchModel& model, TorchModel& teacher, const FrameSet& frames,
                             const std::vector<cv::Mat>& pristine, double temperature = 2.0) {
  return one_epoch_at_lr0(model, frames, &pristine, {&teacher, temperature});
}

}  // namespace

TEST_CASE("soft targets: the loss is T^2 KL(teacher || student) per pixel, averaged", "[train][torch][teacher]") {
  torch::manual_seed(5);
  for (const double T : {1.0, 2.0, 4.5}) {
    INFO("T = " << T);
    auto student = (3 * torch::randn({2, 5, 3, 4})).requires_grad_(true);
    auto teacher = (3 * torch::randn({2, 5, 3, 4})).requires_grad_(true);
    const auto loss = distillation_loss(student, teacher, T);
    CHECK(loss.dim() == 0);
    CHECK(loss.item<double>() == Approx(reference_loss(student, teacher, T)).epsilon(1e-5));
    CHECK(loss.item<double>() > 0.01);
    // Gradient: T (q - p) / pixels on the student; none reaches the teacher.
    loss.backward();
    const auto expected =
        T * (torch::softmax(student.detach() / T, 1) - torch::softmax(teacher.detach() / T, 1)) / (2 * 3 * 4);
    CHECK(torch::allclose(student.grad(), expected, 1e-4, 1e-7));
    CHECK_FALSE(teacher.grad().defined());
  }
  CHECK_THROWS_AS(distillation_loss(torch::zeros({1, 3, 2, 2}), torch::zeros({1, 4, 2, 2}), 1.0), std::logic_error);
}

TEST_CASE("soft targets: the loss is ~0 when the student is the teacher", "[train][torch][teacher]") {
  torch::manual_seed(6);
  const auto logits = 4 * torch::randn({2, 8, 6, 5});
  for (const double T : {0.5, 1.0, 3.0}) {
    CHECK(std::abs(distillation_loss(logits, logits, T).item<double>()) < 1e-6);
    // Softmax ignores a per-pixel offset: the same distribution, the same target.
    CHECK(std::abs(distillation_loss(logits + torch::randn({2, 1, 6, 5}), logits, T).item<double>()) < 1e-5);
    CHECK(distillation_loss(logits.flip({1}), logits, T).item<double>() > 0.01);
  }

  // A real model taught by a second copy of itself: the teacher's forward (its
  // own instance, eval mode, resized logits) gives the student's logits. The
  // shipped model, whose outputs, unlike a random network's, depend on the input.
  set_torch_threads(2);
  const std::string dir = shipped_street_model();
  TorchModel student(load_model_card(dir)), teacher(load_model_card(dir));
  const ModelCard& card = student.card();
  const FrameSet frames = clip_frames(card);
  const std::vector<cv::Mat> rgb = frames_at_input_size(frames, 0, 4, card);
  student.train(false);
  const auto out = student.forward(to_input_batch(rgb, card));
  const cv::Size size(card.input_width, card.input_height);
  namespace F = torch::nn::functional;
  const auto logits_in = F::interpolate(out, F::InterpolateFuncOptions()
                                                 .size(std::vector<int64_t>{size.height, size.width})
                                                 .mode(torch::kBilinear)
                                                 .align_corners(false));
  const TeacherTargets soft{&teacher, 2.0};
  CHECK(std::abs(target_loss(logits_in, {}, rgb, card, soft).item<double>()) < 1e-6);
  // Other frames as "pristine" are other targets.
  const double other = target_loss(logits_in, {}, negatives(rgb), card, soft).item<double>();
  INFO("loss against the negatives " << other);
  CHECK(other > 1e-3);

  // Through the training loop: the teacher sees each sample's pristine frame
  // with the sample's own crop and flip, so a student at the teacher's weights
  // starts at ~0 loss; the teacher seeing other frames gives another.
  TorchModel same(load_model_card(dir));
  const TrainResult matched = distil_one_epoch(same, teacher, frames, frames.rgb);
  REQUIRE(matched.history.size() == 1);
  CHECK(matched.history[0].loss < 1e-5);
  TorchModel taught(load_model_card(dir));
  const TrainResult mismatched = distil_one_epoch(taught, teacher, frames, negatives(frames.rgb));
  INFO("loss against the negatives " << mismatched.history[0].loss);
  CHECK(mismatched.history[0].loss > 1e-3);
}

TEST_CASE("hard teacher targets: the teacher's argmax on each augmented view, not the labels",
          "[train][torch][teacher]") {
  // The labels say class 0 everywhere: a loop that trained towards them (or
  // towards a full-frame mask cropped like a label) would see a large loss. A
  // student at the teacher's weights, given the teacher's own views, sees only
  // its own argmax: the loss of its confidence, small.
  set_torch_threads(2);
  const std::string dir = shipped_street_model();
  TorchModel teacher(load_model_card(dir));
  FrameSet frames = clip_frames(teacher.card());
  for (auto& l : frames.labels) l.setTo(0);
  TorchModel same(load_model_card(dir));
  const double matched = distil_one_epoch(same, teacher, frames, frames.rgb, 0.0).history.at(0).loss;
  TorchModel other(load_model_card(dir));
  const double mismatched = distil_one_epoch(other, teacher, frames, negatives(frames.rgb), 0.0).history.at(0).loss;
  INFO("own views " << matched << ", negatives " << mismatched);
  CHECK(matched < 0.5);
  CHECK(mismatched > 2 * matched);
  // Against the all-zero labels the same student scores far worse.
  TorchModel labelled(load_model_card(dir));
  const double to_labels = one_epoch_at_lr0(labelled, frames, nullptr, {}).history.at(0).loss;
  INFO("against the labels " << to_labels);
  CHECK(to_labels > 2 * matched);
}

TEST_CASE("soft targets: sensitivity, fit-gears and train with --temperature, and gearnn run uses the gears",
          "[gears][train][torch][teacher]") {
  // A TorchScript student (64x48) taught by the shipped built-in network
  // (384x224): a larger teacher of another kind and input size.
  const std::string clip = synth_clip(16, 320, 192, 9);
  const std::string student = torchscript_model("tiny");
  const std::string teacher = shipped_street_model();
  const std::string dir = scratch_dir("soft-targets");
  write_text_file(dir + "/fit.json", R"({"clips": [{"video": ")" + clip + R"(/video.mkv", "frames": [0, 10]}]})");
  write_text_file(dir + "/val.json", R"({"clips": [{"video": ")" + clip + R"(/video.mkv", "frames": [10, 16]}]})");
  write_text_file(dir + "/ladder.json", R"({"name": "t", "feature": "qp", "levels": [
      {"name": "q24", "qp": 24}, {"name": "q48", "qp": 48}]})");
  // The gears hold parameters, so fitting trains with the soft loss.
  write_text_file(dir + "/sel.json", R"({"levels": [{"name": "q24", "tensors": ["conv2.weight", "conv2.bias"]},
      {"name": "q48", "tensors": ["conv2.weight", "conv2.bias", "bn1.running_mean", "bn1.running_var"]}]})");
  const std::string common = " --model " + student + " --dataset " + dir + "/fit.json --ladder " + dir +
                             "/ladder.json --cache " + dir + "/cache --quiet --threads 2 --stride 1";
  const std::string soft = " --targets teacher --teacher " + teacher + " --temperature 2";

  // Without --targets teacher: a usage error before any work.
  const auto refused = run_command(gearnn_binary() + " fit-gears" + common + " --temperature 2 --out " + dir + "/no");
  CHECK(refused.exit_code == 2);
  CHECK(refused.output.find("gearnn: error: --temperature: needs --targets teacher") != std::string::npos);
  CHECK_FALSE(fs::exists(dir + "/no"));
  CHECK_FALSE(fs::exists(dir + "/cache"));

  // Fisher scores from the soft loss: gradients flow (the parameter scores sum to 1, not 0).
  must(gearnn_binary() + " sensitivity" + common + soft + " --method fisher --out " + dir + "/s.json");
  const json scores = read_json_file(dir + "/s.json");
  CHECK(scores["targets"] == json{{"kind", "teacher"}, {"teacher", teacher}, {"view", "augmented"}, {"temperature", 2.0}});
  for (const auto& level : scores["levels"]) {
    double params = 0;
    for (const auto& t : scores["tensors"])
      if (!t["buffer"].get<bool>()) params += level["scores"][t["name"].get<std::string>()].get<double>();
    CHECK(params == Approx(1.0));
  }

  const std::string fit = gearnn_binary() + " fit-gears" + common + " --val " + dir + "/val.json --selection " + dir +
                          "/sel.json --epochs 2";
  must(fit + soft + " --out " + dir + "/gears");
  const json gears = read_json_file(dir + "/gears/gears.json");
  CHECK(gears["targets"] == scores["targets"]);
  CHECK(gears["validation"].get<std::string>().find("agreement") != std::string::npos);
  REQUIRE(gears["gears"].size() == 2);
  for (const auto& g : gears["gears"]) {
    INFO(g.dump());
    CHECK(g["val_miou"].get<double>() >= g["base_val_miou"].get<double>());
    REQUIRE(g["history"].size() == 2);
    for (const auto& h : g["history"]) CHECK((std::isfinite(h["loss"].get<double>()) && h["loss"].get<double>() > 0));
    CHECK(fs::exists(dir + "/gears/" + g["file"].get<std::string>()));
  }
  // The temperature is part of each level's fingerprint: the same settings are
  // reused, another temperature fits again.
  CHECK(read_json_file(dir + "/gears/.q24.done.json")["fingerprint"]["targets"]["temperature"] == 2.0);
  must(fit + soft + " --out " + dir + "/gears");
  CHECK(read_json_file(dir + "/gears/gears.json") == gears);
  must(fit + " --targets teacher --teacher " + teacher + " --temperature 4 --out " + dir + "/gears");
  const json refit = read_json_file(dir + "/gears/gears.json");
  CHECK(refit["targets"]["temperature"] == 4.0);
  CHECK(refit["gears"][0]["history"] != gears["gears"][0]["history"]);

  // The gear set runs on a distorted rendering of the clip.
  must(gearnn_binary() + " distort --quiet " + clip + "/video.mkv --out " + dir + "/q48.mp4 --qp 48");
  must(gearnn_binary() + " run " + dir + "/q48.mp4 --model " + student + " --gears " + dir + "/gears --out " + dir +
       "/run --quiet");
  CHECK(read_json_file(dir + "/run/report.json")["gear_usage"]["q48"] == 16);

  // train --mode augment distils each distorted frame from its clean one.
  must(gearnn_binary() + " train --init " + student + " --dataset " + dir + "/fit.json --mode augment --ladder " + dir +
       "/ladder.json --cache " + dir + "/cache --quiet --threads 2 --stride 1 --epochs 1 --batch 4" + soft +
       " --out " + dir + "/trained");
  const json record = read_json_file(dir + "/trained/model.json")["training"];
  CHECK(record["targets"] == scores["targets"]);
  CHECK(record["samples"] == 30);  // 10 clean frames and their 2 renderings
  CHECK(record["history"][0]["loss"].get<double>() > 0);
}
