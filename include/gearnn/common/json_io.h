#pragma once
// Reading JSON with errors that name the file, and writing any output file
// atomically: write "<path>.tmp", then rename, so readers never see half a file.
// Builds define JSON_DIAGNOSTICS (src/common/CMakeLists.txt), so a library error
// on a value carries the JSON pointer of that value.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "gearnn/common/errors.h"

namespace gearnn {

using json = nlohmann::json;

// Deeper nesting is refused while parsing: copying or printing a document
// recurses once per level, and a crafted file would overflow the stack.
constexpr int max_json_depth = 64;

// Parses untrusted JSON text. Every problem (syntax, nesting, a number out of
// range) is an Error naming `source`.
json parse_json(const std::string& text, const std::string& source);
json read_json_file(const std::string& path);

// The text of `value` (compact for indent -1). Bytes that are not UTF-8 (a file
// name given on the command line) become U+FFFD instead of failing the dump.
std::string json_text(const json& value, int indent = -1);
void write_json_file(const std::string& path, const json& value, int indent = 2);
void write_text_file(const std::string& path, const std::string& text);

// Temporary name used while an output is being written.
std::string temp_name(const std::string& path);
// Renames temp_name(path) to path; on failure removes the temporary and throws
// an Error naming path.
void commit_temp(const std::string& path);
// Creates `dir` and its parents; throws an Error naming it on failure.
void create_dirs(const std::string& dir);
// Checked before a command does any work, writing nothing: an output file can
// be made at `path` (it is no directory, and no file stands where its
// directories would go), or an output directory at `dir`. Errors name the path.
void check_output_file(const std::string& path);
void check_output_dir(const std::string& dir);

// "/frames: type must be number, but is string": a library error on a JSON
// value, led by the JSON pointer of the value when it is known.
std::string json_error_text(const json::exception& e);

// Runs fn, which interprets JSON read from `file`: a library type or range error
// it raises becomes an Error naming the file and the JSON pointer of the value.
template <typename Fn>
auto naming_json_errors(const std::string& file, Fn&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const json::exception& e) {
    throw Error(file, json_error_text(e));
  }
}

// Typed access with errors naming the file and key.
template <typename T>
T json_get(const json& j, const char* key, const std::string& file) {
  auto it = j.find(key);
  if (it == j.end()) throw Error(file, "missing key '" + std::string(key) + "'");
  try {
    return it->get<T>();
  } catch (const json::exception&) {
    throw Error(file, "key '" + std::string(key) + "' has the wrong type");
  }
}

// Checked numbers at a JSON pointer such as "/input/width": an integer (never a
// fraction or 1e9) or a finite number within [lo, hi]; errors name the file
// and the pointer. The *_or forms return `fallback` when the value is absent.
int64_t json_int(const json& root, const std::string& pointer, int64_t lo, int64_t hi, const std::string& file);
int64_t json_int_or(const json& root, const std::string& pointer, int64_t fallback, int64_t lo, int64_t hi,
                    const std::string& file);
double json_number(const json& root, const std::string& pointer, double lo, double hi, const std::string& file);
double json_number_or(const json& root, const std::string& pointer, double fallback, double lo, double hi,
                      const std::string& file);

}  // namespace gearnn
