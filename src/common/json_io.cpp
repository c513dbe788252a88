#include "gearnn/common/json_io.h"

#include <cstdio>
#include <fstream>
#include <sstream>

#include "gearnn/common/errors.h"

namespace gearnn {

json read_json_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) fail(path, "cannot open file");
  std::stringstream ss;
  ss << in.rdbuf();
  try {
    return json::parse(ss.str());
  } catch (const json::parse_error& e) {
    std::string what = e.what();
    auto pos = what.find("parse error");
    fail(path, "malformed JSON (" + (pos == std::string::npos ? what : what.substr(pos)) + ")");
  }
}

std::string temp_name(const std::string& path) { return path + ".tmp"; }

void commit_temp(const std::string& path) {
  if (std::rename(temp_name(path).c_str(), path.c_str()) != 0) fail(path, "cannot rename temporary output into place");
}

void write_text_file(const std::string& path, const std::string& text) {
  {
    std::ofstream out(temp_name(path), std::ios::binary);
    if (!out) fail(path, "cannot write file");
    out << text;
    if (!out.flush()) fail(path, "write failed");
  }
  commit_temp(path);
}

void write_json_file(const std::string& path, const json& value, int indent) {
  write_text_file(path, value.dump(indent) + "\n");
}

}  // namespace gearnn
