// JSON from untrusted files: nesting limits, numbers out of range, checked
// integers, library errors named with file and pointer, non-UTF-8 text out.
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>

#include "gearnn/common/errors.h"
#include "gearnn/common/json_io.h"
#include "test_support.h"

using namespace gearnn;
using gearnn::test::error_of;

TEST_CASE("json: nesting deeper than the limit is refused, naming the file", "[json]") {
  auto nested = [](int depth) { return std::string(depth, '[') + std::string(depth, ']'); };
  CHECK_NOTHROW(parse_json(nested(max_json_depth), "ok.json"));
  CHECK_THROWS_AS(parse_json(nested(max_json_depth + 1), "deep.json"), Error);
  // 200000 levels overflowed the stack (SIGSEGV) in gears.json and model.json.
  CHECK(error_of([&] { parse_json(nested(200000), "gears.json"); }) ==
        "gears.json: JSON nested deeper than " + std::to_string(max_json_depth) + " levels");
  std::string objects;
  for (int i = 0; i < 100; ++i) objects += "{\"a\":";
  objects += "1" + std::string(100, '}');
  CHECK_THAT(error_of([&] { parse_json(objects, "model.json"); }), Catch::StartsWith("model.json: JSON nested deeper"));
}

TEST_CASE("json: a number too large for a double names the file", "[json]") {
  CHECK(error_of([] { parse_json("{\"frames\": 1e999999}", "report.json"); }) ==
        "report.json: malformed JSON (number overflow parsing '1e999999')");
  CHECK_THAT(error_of([] { parse_json("{\"a\": ", "m.jsonl:3"); }),
             Catch::StartsWith("m.jsonl:3: malformed JSON (parse error"));
}

TEST_CASE("json: checked integers and numbers name the file and the pointer", "[json]") {
  const json card =
      parse_json(R"({"input": {"width": 1e9, "height": 384.5, "depth": "3", "n": 20, "big": 18446744073709551615},
                                   "mean": [0.5, null]})",
                 "model.json");
  CHECK(error_of([&] { json_int(card, "/input/width", 8, 8192, "model.json"); }) ==
        "model.json: /input/width: must be an integer from 8 to 8192, not 1000000000.0");
  CHECK(error_of([&] { json_int(card, "/input/height", 8, 8192, "model.json"); }) ==
        "model.json: /input/height: must be an integer from 8 to 8192, not 384.5");
  CHECK(error_of([&] { json_int(card, "/input/depth", 1, 9, "model.json"); }) ==
        "model.json: /input/depth: must be an integer from 1 to 9, not \"3\"");
  CHECK(error_of([&] { json_int(card, "/input/big", 0, INT64_MAX, "model.json"); }) ==
        "model.json: /input/big: must be an integer of at least 0, not 18446744073709551615");
  CHECK(error_of([&] { json_int(card, "/input/none", 1, 9, "model.json"); }) == "model.json: /input/none: missing");
  CHECK(error_of([&] { json_int(card, "/input/width/x", 1, 9, "model.json"); }) ==
        "model.json: /input/width/x: missing");
  CHECK(json_int(card, "/input/n", 8, 8192, "model.json") == 20);
  CHECK(json_int_or(card, "/input/none", 7, 1, 9, "model.json") == 7);
  CHECK(json_number(card, "/mean/0", 0, 1, "model.json") == 0.5);
  CHECK(error_of([&] { json_number(card, "/mean/1", 0, 1, "model.json"); }) ==
        "model.json: /mean/1: must be a number from 0 to 1, not null");
}

TEST_CASE("json: a library error while reading a file names it and the bad value's pointer", "[json]") {
  const json r = parse_json(R"({"items": [{"frames": 3}, {"frames": "many"}]})", "merged.json");
  const std::string what = error_of([&] {
    naming_json_errors("merged.json", [&] {
      int64_t n = 0;
      for (const auto& item : r["items"]) n += item["frames"].get<int64_t>();
      return n;
    });
  });
  CHECK(what == "merged.json: /items/1/frames: type must be number, but is string");
  CHECK(error_of([&] { naming_json_errors("r.json", [&] { return r.at("model"); }); }) ==
        "r.json: key 'model' not found");
}

TEST_CASE("json: text with bytes that are not UTF-8 is written, not thrown", "[json]") {
  const json report = {{"input", {{"path", std::string("clip-\xff.mkv")}}}};
  CHECK(json_text(report) == "{\"input\":{\"path\":\"clip-\xEF\xBF\xBD.mkv\"}}");
  const std::string dir = gearnn::test::scratch_dir("json-utf8");
  write_json_file(dir + "/report.json", report);
  CHECK(read_json_file(dir + "/report.json")["input"]["path"] == "clip-\xEF\xBF\xBD.mkv");
}

TEST_CASE("create_dirs names the directory it cannot create", "[json]") {
  const std::string dir = gearnn::test::scratch_dir("create-dirs");
  write_text_file(dir + "/file", "x");
  CHECK(error_of([&] { create_dirs(dir + "/file/out"); }) ==
        dir + "/file/out: cannot create directory (Not a directory)");
  create_dirs(dir + "/a/b");
  CHECK(std::filesystem::is_directory(dir + "/a/b"));
}
