#pragma once
// Reading JSON with errors that name the file, and writing any output file
// atomically: write "<path>.tmp", then rename, so readers never see half a file.
#include <nlohmann/json.hpp>
#include <string>

#include "gearnn/common/errors.h"

namespace gearnn {

using json = nlohmann::json;

json read_json_file(const std::string& path);
void write_json_file(const std::string& path, const json& value, int indent = 2);
void write_text_file(const std::string& path, const std::string& text);

// Temporary name used while an output is being written.
std::string temp_name(const std::string& path);
// Renames temp_name(path) to path; throws an Error naming path on failure.
void commit_temp(const std::string& path);

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

}  // namespace gearnn
