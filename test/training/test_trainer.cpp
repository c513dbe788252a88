// Training and gear building on small real data (synthetic clips, real
// libx264 renderings), for the built-in network and a TorchScript module.
#include <catch2/catch.hpp>

#include "gearnn/common/hashing.h"
#include "gearnn/model/gear_bank.h"
#include "gearnn/training/trainer.h"
#include "test_support.h"
#include "catch_with_torch.h"  // after LibTorch's headers

using namespace gearnn;
using namespace gearnn::test;

namespace {

FrameSet clip_frames(const ModelCard& card) {
  const std::string clip = synth_clip(12, 320, 192, 7);
  return load_frames(clip + "/video.mkv", clip + "/labels", 1, cv::Size(card.input_width, card.input_height));
}

TrainResult short_training(TorchModel& model, const FrameSet& frames, int epochs) {
  std::vector<TrainSample> samples;
  for (size_t i = 0; i < frames.size(); ++i) samples.push_back({&frames.rgb[i], &frames.labels[i], {}});
  TrainOptions o;
  o.epochs = epochs;
  o.batch = 4;
  o.lr = 5e-3;
  o.min_crop = 1.0;  // no crops: the same frames every epoch, so the loss must fall
  o.flip = false;
  o.progress = false;
  return train_model(model, samples, FrameSet{}, o);
}

}  // namespace

TEST_CASE("a tiny training run of the built-in network lowers the loss", "[train][torch]") {
  set_torch_threads(2);
  TorchModel model(load_model_card(builtin_model()));
  const FrameSet frames = clip_frames(model.card());
  const TrainResult r = short_training(model, frames, 6);
  REQUIRE(r.history.size() == 6);
  INFO("first loss " << r.history.front().loss << ", last " << r.history.back().loss);
  CHECK(r.history.back().loss < 0.8 * r.history.front().loss);
}

TEST_CASE("training a TorchScript module's parameters in C++ works", "[train][torch]") {
  set_torch_threads(2);
  TorchModel model(load_model_card(torchscript_model("tiny")));
  const auto before = clone_state(model);
  const FrameSet frames = clip_frames(model.card());
  const TrainResult r = short_training(model, frames, 6);
  CHECK(r.history.back().loss < r.history.front().loss);
  bool changed = false;
  for (auto& [name, t] : model.named_parameters()) changed = changed || !torch::equal(t, before.at(name));
  CHECK(changed);
  // The trained module saves and loads again as a TorchScript model directory.
  const std::string dir = scratch_dir("ts-trained");
  model.save(dir + "/m");
  TorchModel again(load_model_card(dir + "/m"));
  const auto trained = clone_state(model);
  for (auto& [name, t] : again.named_tensors()) CHECK(torch::equal(t, trained.at(name)));
}

TEST_CASE("sensitivity, select and fit-gears make a gear set that gearnn run uses", "[gears][train][torch]") {
  const std::string model = builtin_model();
  const std::string dir = scratch_dir("fit-gears");
  const std::string clip = two_level_dataset(dir);
  const std::string weights_hash = sha256_file(model + "/weights.pt");
  const std::string common = " --dataset " + dir + "/data.json --ladder " + dir + "/ladder.json --cache " + dir +
                             "/cache --quiet --threads 2 --stride 2";
  must(gearnn_binary() + " sensitivity --model " + model + common + " --epochs 1 --out " + dir + "/scores.json");
  const json scores = read_json_file(dir + "/scores.json");
  REQUIRE(scores["levels"].size() == 2);
  CHECK(std::filesystem::exists(dir + "/scores.json.txt"));
  // The Fisher score: parameter scores and buffer scores each sum to 1.
  // Without --quiet, long commands report each level as it finishes, with the time left.
  std::string loud = common;
  loud.erase(loud.find(" --quiet"), 8);
  const auto scored = run_command(gearnn_binary() + " sensitivity --model " + model + loud + " --method fisher --out " +
                                  dir + "/fisher.json");
  REQUIRE(scored.exit_code == 0);
  CHECK(scored.output.find("loading level 1/2 q22:") != std::string::npos);
  CHECK(scored.output.find("sensitivity 1/2 q22 scored") != std::string::npos);
  CHECK(scored.output.find("ETA") != std::string::npos);
  CHECK(scored.output.find("sensitivity 2/2 q46 scored") != std::string::npos);
  const json fisher = read_json_file(dir + "/fisher.json");
  for (const auto& level : fisher["levels"]) {
    double params = 0, buffers = 0;
    for (const auto& t : fisher["tensors"])
      (t["buffer"].get<bool>() ? buffers : params) += level["scores"][t["name"].get<std::string>()].get<double>();
    CHECK(params == Approx(1.0));
    CHECK(buffers == Approx(1.0));
  }
  must(gearnn_binary() + " select --scores " + dir + "/scores.json --budget 1% --out " + dir + "/sel.json");
  const json sel = read_json_file(dir + "/sel.json");
  for (const auto& l : sel["levels"]) CHECK(l["bytes"].get<int64_t>() <= sel["budget_bytes"].get<int64_t>());
  const auto fitted = run_command(gearnn_binary() + " fit-gears --model " + model + loud + " --val " + dir +
                                  "/data.json --selection " + dir + "/sel.json --epochs 2 --out " + dir + "/gears");
  REQUIRE(fitted.exit_code == 0);
  CHECK(fitted.output.find("fit q22 epoch 1/2:") != std::string::npos);
  CHECK(fitted.output.find("gear 1/2 q22:") != std::string::npos);
  CHECK(fitted.output.find("gear 2/2 q46:") != std::string::npos);
  // The base model on disk is untouched, and each gear holds exactly its selection.
  CHECK(sha256_file(model + "/weights.pt") == weights_hash);
  const json gears = read_json_file(dir + "/gears/gears.json");
  REQUIRE(gears["gears"].size() == 2);
  CHECK(gears["gears"][0]["when"]["qp"][0].is_null());
  CHECK(gears["gears"][0]["when"]["qp"][1].get<double>() == Approx(34).margin(1));
  for (size_t i = 0; i < 2; ++i) {
    const json& g = gears["gears"][i];
    CHECK(g["val_miou"].get<double>() >= g["base_val_miou"].get<double>());
    std::set<std::string> want;
    for (const auto& l : sel["levels"])
      if (l["name"] == g["name"]) want = l["tensors"].get<std::set<std::string>>();
    std::set<std::string> got;
    for (const auto& [name, t] : load_tensor_dict(dir + "/gears/" + g["file"].get<std::string>())) got.insert(name);
    CHECK(got == want);
  }
  // A dynamic clip switches between the two gears.
  write_text_file(dir + "/sched.json", R"({"segments": [{"frames": [0, 6], "qp": 22}, {"frames": [6, 12], "qp": 46}]})");
  must(gearnn_binary() + " distort --quiet " + clip + "/video.mkv --out " + dir + "/dyn.mp4 --schedule " + dir +
       "/sched.json");
  must(gearnn_binary() + " run " + dir + "/dyn.mp4 --model " + model + " --gears " + dir + "/gears --gt " + clip +
       "/labels --out " + dir + "/out --quiet");
  const json report = read_json_file(dir + "/out/report.json");
  CHECK(report["gear_usage"]["q22"] == 6);
  CHECK(report["gear_usage"]["q46"] == 6);
  CHECK(report["gear_switches"] == 1);
  // An interrupted or repeated fit reuses levels already fitted with the same settings.
  const std::string first_gear = sha256_file(dir + "/gears/" + gears["gears"][0]["file"].get<std::string>());
  std::filesystem::remove(dir + "/gears/gears.json");
  const auto again = run_command(gearnn_binary() + " fit-gears --model " + model + common + " --val " + dir +
                                 "/data.json --selection " + dir + "/sel.json --epochs 2 --out " + dir + "/gears");
  CHECK(again.exit_code == 0);
  CHECK(read_json_file(dir + "/gears/gears.json") == gears);
  CHECK(sha256_file(dir + "/gears/" + gears["gears"][0]["file"].get<std::string>()) == first_gear);
  // Other settings fit again (the run is --quiet, so compare what it wrote).
  must(gearnn_binary() + " fit-gears --model " + model + common + " --val " + dir + "/data.json --selection " + dir +
       "/sel.json --epochs 1 --out " + dir + "/gears");
  CHECK(read_json_file(dir + "/gears/gears.json")["gears"][0]["history"].size() !=
        gears["gears"][0]["history"].size());
  // --val-stride thins the validation clips apart from --stride (12 frames: every 2nd is 6,
  // every 3rd 4), and a fit with another validation stride is not reused.
  for (const auto& g : gears["gears"]) {
    CHECK(g["train_frames"] == 6);
    CHECK(g["val_frames"] == 6);
  }
  must(gearnn_binary() + " fit-gears --model " + model + common + " --val " + dir + "/data.json --selection " + dir +
       "/sel.json --epochs 2 --val-stride 3 --out " + dir + "/gears");
  for (const auto& g : read_json_file(dir + "/gears/gears.json")["gears"]) {
    CHECK(g["train_frames"] == 6);
    CHECK(g["val_frames"] == 4);
  }
}
