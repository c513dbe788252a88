// Gears without labels: teacher targets (the model's own prediction on the
// pristine frames), unlabelled dataset entries with frame ranges, and
// BatchNorm statistics as the shift a distortion causes.
#include <catch2/catch.hpp>
#include <filesystem>

#include "gearnn/common/errors.h"
#include "gearnn/common/hashing.h"
#include "gearnn/common/json_io.h"
#include "gearnn/io/label_io.h"
#include "gearnn/model/torch_model.h"
#include "test_support.h"
#include "catch_with_torch.h"  // after LibTorch's headers

using namespace gearnn;
using namespace gearnn::test;
namespace fs = std::filesystem;

TEST_CASE("label-free: a TorchScript model's gears from an unlabelled video split by frame ranges",
          "[gears][train][torch][teacher]") {
  const std::string clip = synth_clip(16, 320, 192, 9);
  const std::string model = torchscript_model("tiny");
  const std::string dir = scratch_dir("label-free");
  // One unlabelled video: frames 0-9 to fit, 10-15 to validate.
  write_text_file(dir + "/fit.json", R"({"clips": [{"video": ")" + clip + R"(/video.mkv", "frames": [0, 10]}]})");
  write_text_file(dir + "/val.json", R"({"clips": [{"video": ")" + clip + R"(/video.mkv", "frames": [10, 16]}]})");
  write_text_file(dir + "/ladder.json", R"({"name": "t", "feature": "qp", "levels": [
      {"name": "q24", "qp": 24}, {"name": "q48", "qp": 48}]})");
  const std::string common = " --model " + model + " --dataset " + dir + "/fit.json --ladder " + dir +
                             "/ladder.json --cache " + dir + "/cache --quiet --threads 2 --stride 1";
  // Without labels, label targets are refused, naming the dataset file.
  const auto refused = run_command(gearnn_binary() + " sensitivity" + common + " --method fisher --out " + dir +
                                   "/s.json");
  CHECK(refused.exit_code != 0);
  CHECK(refused.output.find(dir + "/fit.json: clip " + clip + "/video.mkv has no labels") != std::string::npos);

  must(gearnn_binary() + " sensitivity" + common + " --targets teacher --method fisher --out " + dir + "/s.json");
  CHECK(read_json_file(dir + "/s.json")["targets"]["kind"] == "teacher");
  must(gearnn_binary() + " select --scores " + dir + "/s.json --budget 2% --out " + dir + "/sel.json");
  must(gearnn_binary() + " fit-gears" + common + " --targets teacher --val " + dir + "/val.json --selection " + dir +
       "/sel.json --epochs 2 --bn-stats shift --out " + dir + "/gears");
  const json gears = read_json_file(dir + "/gears/gears.json");
  CHECK(gears["targets"]["kind"] == "teacher");
  CHECK(gears["bn_stats"] == "shift");
  CHECK(gears["validation"].get<std::string>().find("agreement") != std::string::npos);
  REQUIRE(gears["gears"].size() == 2);
  for (const auto& g : gears["gears"]) CHECK(g["val_miou"].get<double>() >= g["base_val_miou"].get<double>());

  // The teacher's targets are exactly what `gearnn run` of the model writes on the pristine video.
  must(gearnn_binary() + " run " + clip + "/video.mkv --model " + model + " --out " + dir +
       "/pristine --quiet --max-frames 16");
  int teacher_dirs = 0;
  for (const auto& e : fs::directory_iterator(dir + "/cache")) {
    if (e.path().filename().string().rfind("teacher-", 0) != 0) continue;
    ++teacher_dirs;
    for (int i = 0; i < 10; ++i) {
      const std::string name = frame_png_path(e.path().string() + "/masks", i);
      CHECK(sha256_file(name) == sha256_file(frame_png_path(dir + "/pristine/masks", i)));
    }
  }
  CHECK(teacher_dirs == 2);  // the fitting part (frames 0-9) and the validation part (0-15)

  // The gear set runs on a distorted rendering of the clip.
  must(gearnn_binary() + " distort --quiet " + clip + "/video.mkv --out " + dir + "/q48.mp4 --qp 48");
  must(gearnn_binary() + " run " + dir + "/q48.mp4 --model " + model + " --gears " + dir + "/gears --out " + dir +
       "/run --quiet");
  CHECK(read_json_file(dir + "/run/report.json")["gear_usage"]["q48"] == 16);
}

TEST_CASE("label-free: shifted BatchNorm statistics stay near the base, re-estimated ones follow the scene",
          "[gears][train][torch][teacher]") {
  // The fixture model's statistics are its initial ones (mean 0, variance 1),
  // far from any scene's: re-estimation moves them there, the shift only by
  // what QP 40 changes on the same frames.
  const std::string clip = synth_clip(8, 320, 192, 4);
  const std::string model = builtin_model();
  const std::string dir = scratch_dir("bn-shift");
  write_text_file(dir + "/data.json", "{\"clips\": [\"" + clip + "\"]}");
  write_text_file(dir + "/ladder.json", R"({"name": "t", "feature": "qp", "levels": [{"name": "q40", "qp": 40}]})");
  const std::string common = " --model " + model + " --dataset " + dir + "/data.json --ladder " + dir +
                             "/ladder.json --cache " + dir + "/cache --quiet --threads 2 --stride 1 --kind bn";
  must(gearnn_binary() + " fit-gears" + common + " --bn-stats reestimate --out " + dir + "/re");
  must(gearnn_binary() + " fit-gears" + common + " --bn-stats shift --out " + dir + "/shift");
  TorchModel base(load_model_card(model));
  std::map<std::string, torch::Tensor> base_state;
  for (auto& [name, t] : base.named_tensors()) base_state[name] = t;
  const auto re = load_tensor_dict(dir + "/re/q40.pt");
  const auto shift = load_tensor_dict(dir + "/shift/q40.pt");
  double moved_re = 0, moved_shift = 0;
  int layers = 0;
  for (const auto& [name, t] : re) {
    if (name.find("running_mean") == std::string::npos) continue;
    moved_re += (t - base_state.at(name)).norm().item<double>();
    moved_shift += (shift.at(name) - base_state.at(name)).norm().item<double>();
    ++layers;
  }
  REQUIRE(layers > 3);
  INFO("re-estimated moved " << moved_re << ", shifted " << moved_shift);
  CHECK(moved_shift < 0.5 * moved_re);
  CHECK(moved_shift > 0);
}
