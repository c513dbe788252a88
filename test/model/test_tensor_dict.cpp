// Tensor dict files from hostile bytes: layouts reaching outside their storage,
// storages shorter than their pickle claims, an empty gear. Every file is made
// here, by torch::pickle_save of a tensor whose metadata was set past the checks
// LibTorch applies to tensors it builds itself.
#include <cstdint>

#include "catch_with_torch.h"  // after LibTorch's headers
#include "gearnn/common/errors.h"
#include "gearnn/model/gear_bank.h"
#include "gearnn/model/tensor_dict.h"
#include "test_support.h"

using namespace gearnn;
using namespace gearnn::test;

namespace {

// An 8-float storage viewed with any offset, sizes and strides, as a crafted file describes it.
torch::Tensor on_eight_floats(int64_t offset, std::vector<int64_t> sizes, std::vector<int64_t> strides) {
  torch::Tensor t = torch::arange(8, torch::kFloat32);
  t.unsafeGetTensorImpl()->set_storage_offset(offset);
  t.unsafeGetTensorImpl()->set_sizes_and_strides(sizes, strides);
  return t;
}

// Saves the tensor as it is (save_tensor_dict would make it contiguous first).
std::string write_raw(const std::string& path, const torch::Tensor& t) {
  c10::Dict<std::string, at::Tensor> dict;
  dict.insert("cls4.bias", t);
  dict.insert("cls8.bias", torch::zeros({8}));
  const std::vector<char> bytes = torch::pickle_save(dict);
  write_text_file(path, std::string(bytes.begin(), bytes.end()));
  return path;
}

}  // namespace

TEST_CASE("tensor dicts: layouts reaching past their storage, or sharing it, are refused when read", "[gears][torch][errors]") {
  const std::string dir = scratch_dir("tensor-layout");
  const struct {
    const char* name;
    torch::Tensor tensor;
  } hostile[] = {
      {"offset", on_eight_floats(1000000, {8}, {1})},  // crashed gearnn run (SIGSEGV)
      {"stride", on_eight_floats(0, {8}, {100})},      // read out of bounds, exit 0
      {"edge", on_eight_floats(1, {8}, {1})},          // one element too far
      {"overflow", on_eight_floats(0, {2, 2}, {INT64_MAX / 2, 1})},
      // Zero strides: 2^32 elements on 8 stored values (gearnn run was killed at 22 GB).
      {"broadcast", on_eight_floats(0, {1 << 16, 1 << 16}, {0, 0})},
      {"overlap", on_eight_floats(0, {8, 2}, {1, 0})},  // 16 elements on 8
  };
  for (const auto& h : hostile) {
    const std::string path = write_raw(dir + "/" + h.name + ".pt", h.tensor);
    INFO(h.name);
    const std::string what = error_of([&] { load_tensor_dict(path); });
    CHECK_THAT(what, Catch::StartsWith(path + ": tensor 'cls4.bias' "));
  }
  // A view that stays inside its storage is fine: every other element from the third.
  const auto ok = load_tensor_dict(write_raw(dir + "/view.pt", on_eight_floats(2, {3}, {2})));
  CHECK(torch::equal(ok.at("cls4.bias").contiguous(), torch::tensor({2.0f, 4.0f, 6.0f})));
  CHECK(load_tensor_dict(write_raw(dir + "/empty-view.pt", on_eight_floats(8, {0}, {1}))).at("cls4.bias").numel() == 0);
}

TEST_CASE("tensor dicts: a dtype that is not a plain number type is refused", "[gears][torch][errors]") {
  const std::string dir = scratch_dir("tensor-dtype");
  const std::string path = write_raw(dir + "/complex.pt", torch::zeros({8}, torch::kComplexFloat));
  CHECK_THAT(error_of([&] { load_tensor_dict(path); }),
             Catch::StartsWith(path + ": tensor 'cls4.bias' has an unsupported dtype"));
}

TEST_CASE("tensor dicts: files Python crafted past torch.save's own checks are refused", "[gears][torch][errors]") {
  const std::string dir = scratch_dir("tensor-crafted");
  auto crafted = [&](const std::string& kind) {
    must("/usr/bin/python3 " + source_dir() + "/test/craft_tensor_file.py " + kind + " " + dir + "/" + kind + ".pt");
    return error_of([&] { load_tensor_dict(dir + "/" + kind + ".pt"); });
  };
  // The pickle claims 2^20 floats per storage while each data record holds 8,
  // and the tensor sits at the claimed end: the record's size is what counts.
  CHECK_THAT(crafted("numel"),
             Catch::StartsWith(dir + "/numel.pt: tensor 'cls16.bias' reaches past the end of its storage"));
  CHECK_THAT(crafted("offset"), Catch::StartsWith(dir + "/offset.pt: tensor 'cls16.bias' reaches past the end"));
}

TEST_CASE("gear bank: a gear file holding no tensors is refused, and a gear without a file keeps the base",
          "[gears][torch][errors]") {
  Segmenter model(builtin_model());
  const std::string dir = scratch_dir("empty-gear");
  save_tensor_dict(dir + "/empty.pt", {});
  CHECK(load_tensor_dict(dir + "/empty.pt").empty());  // a training checkpoint may hold none
  write_json_file(dir + "/gears.json", {{"gears", {{{"name", "g"}, {"file", "empty.pt"}}}}});
  CHECK_THROWS_WITH(
      GearBank(load_gear_set(dir), model),
      dir + "/empty.pt: holds no tensors (a gear that changes none has \"file\": null in " + dir + "/gears.json)");
  // What fit-gears writes for a level whose selection is empty.
  write_json_file(dir + "/gears.json", {{"gears", {{{"name", "g"}, {"file", nullptr}}}}});
  const GearSet cfg = load_gear_set(dir);
  GearBank bank(cfg, model);
  bank.apply(0);
  CHECK(bank.active() == 0);
  CHECK(bank.gear_bytes() == 0);
  write_json_file(dir + "/gears.json", {{"gears", {{{"name", "g"}, {"file", ""}}}}});
  CHECK_THROWS_WITH(load_gear_set(dir), dir + "/gears.json: gear g: \"file\" must name a file, or be null");
}

TEST_CASE("tensor dicts: a pickle declaring more bytes than it holds is refused before LibTorch reads it",
          "[gears][torch][errors]") {
  // Found by fuzzing (test/fuzz/regressions/tensor_file): a 787-byte gear file whose
  // pickle declares a 4 GB string took gearnn run to 4.3 GB before its error.
  const std::string dir = source_dir() + "/test/fuzz/regressions/tensor_file/";
  CHECK_THAT(error_of([&] { load_tensor_dict(dir + "string-length-4g.pt"); }),
             Catch::StartsWith(dir + "string-length-4g.pt: corrupt tensor file (pickle opcode 0x58 at byte 6: declares "
                                     "4294967294 bytes, 226 are left)"));
  CHECK_THAT(error_of([&] { load_tensor_dict(dir + "memo-index-4g.pt"); }),
             Catch::Contains("memo index 4294967280 skips past the 0 entries stored"));
}
