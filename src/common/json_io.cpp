#include "gearnn/common/json_io.h"

#include <cerrno>
#include <cmath>
#include <cstring>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include "gearnn/common/errors.h"

namespace gearnn {

namespace {

struct TooDeep {};  // thrown by the parser callback to stop at once

// The message without the library's "[json.exception.type_error.302] " prefix.
std::string without_prefix(const std::string& what) {
  const auto end = what.find("] ");
  return what.rfind("[json.exception.", 0) == 0 && end != std::string::npos ? what.substr(end + 2) : what;
}

}  // namespace

std::string json_error_text(const json::exception& e) {
  std::string text = without_prefix(e.what());
  // JSON_DIAGNOSTICS puts the value's pointer first: "(/input/width) type must be ...".
  if (text.size() > 1 && text[0] == '(') {
    const auto close = text.find(") ");
    if (close != std::string::npos) {
      const std::string pointer = text.substr(1, close - 1);
      text = (pointer.empty() ? "" : pointer + ": ") + text.substr(close + 2);
    }
  }
  return text;
}

json parse_json(const std::string& text, const std::string& source) {
  // `depth` counts the objects and arrays around the one starting (0 for the outermost).
  const json::parser_callback_t limit_depth = [](int depth, json::parse_event_t event, json&) {
    const bool starts = event == json::parse_event_t::object_start || event == json::parse_event_t::array_start;
    if (starts && depth >= max_json_depth) throw TooDeep{};
    return true;
  };
  try {
    return json::parse(text, limit_depth);
  } catch (const TooDeep&) {
    fail(source, "JSON nested deeper than " + std::to_string(max_json_depth) + " levels");
  } catch (const json::parse_error& e) {
    std::string what = e.what();
    auto pos = what.find("parse error");
    fail(source, "malformed JSON (" + (pos == std::string::npos ? what : what.substr(pos)) + ")");
  } catch (const json::exception& e) {  // e.g. out_of_range.406: a number too large for a double
    fail(source, "malformed JSON (" + json_error_text(e) + ")");
  }
}

json read_json_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path, "cannot open file");
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_json(ss.str(), path);
}

std::string json_text(const json& value, int indent) {
  return value.dump(indent, ' ', false, json::error_handler_t::replace);
}

std::string temp_name(const std::string& path) { return path + ".tmp"; }

void commit_temp(const std::string& path) {
  if (std::rename(temp_name(path).c_str(), path.c_str()) == 0) return;
  const std::string why = std::strerror(errno);
  std::remove(temp_name(path).c_str());
  fail(path, "cannot rename temporary output into place (" + why + ")");
}

void create_dirs(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) fail(dir, "cannot create directory (" + ec.message() + ")");
}

namespace {

// The nearest ancestor of `path` that exists must be a directory.
void check_parents(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  for (fs::path p = fs::path(path).parent_path(); !p.empty(); p = p.parent_path()) {
    if (!fs::exists(p, ec)) {
      if (p == p.parent_path()) break;
      continue;
    }
    if (!fs::is_directory(p, ec)) fail(path, "cannot be written: " + p.string() + " is not a directory");
    return;
  }
}

}  // namespace

void check_output_file(const std::string& path) {
  if (path.empty()) return;
  if (std::filesystem::is_directory(path)) fail(path, "is a directory, not a file to write");
  check_parents(path);
}

void check_output_dir(const std::string& dir) {
  if (dir.empty()) return;
  if (std::filesystem::exists(dir) && !std::filesystem::is_directory(dir))
    fail(dir, "cannot be an output directory: a file of that name exists");
  check_parents(dir);
}

void write_text_file(const std::string& path, const std::string& text) {
  {
    std::ofstream out(temp_name(path), std::ios::binary);
    if (!out) fail(path, "cannot write file");
    out << text;
    if (!out.flush()) {
      out.close();
      std::remove(temp_name(path).c_str());
      fail(path, "write failed");
    }
  }
  commit_temp(path);
}

void write_json_file(const std::string& path, const json& value, int indent) {
  write_text_file(path, json_text(value, indent) + "\n");
}

// ---- checked numbers ------------------------------------------------------------

namespace {

// The value at `pointer`, or null when it is absent.
const json* find_at(const json& root, const std::string& pointer) {
  const json::json_pointer p(pointer);
  return root.contains(p) ? &root.at(p) : nullptr;
}

template <typename T>
std::string range_text(T lo, T hi) {
  std::ostringstream s;
  if (hi == std::numeric_limits<T>::max() || hi == std::numeric_limits<T>::infinity())
    s << "of at least " << lo;
  else
    s << "from " << lo << " to " << hi;
  return s.str();
}

int64_t checked_int(const json& v, const std::string& pointer, int64_t lo, int64_t hi, const std::string& file) {
  const bool fits = v.is_number_unsigned() ? v.get<uint64_t>() <= static_cast<uint64_t>(hi)
                                           : v.is_number_integer() && v.get<int64_t>() <= hi;
  if (!fits || v.get<int64_t>() < lo)
    fail(file, pointer + ": must be an integer " + range_text(lo, hi) + ", not " + json_text(v));
  return v.get<int64_t>();
}

double checked_number(const json& v, const std::string& pointer, double lo, double hi, const std::string& file) {
  if (!v.is_number() || !std::isfinite(v.get<double>()) || v.get<double>() < lo || v.get<double>() > hi)
    fail(file, pointer + ": must be a number " + range_text(lo, hi) + ", not " + json_text(v));
  return v.get<double>();
}

}  // namespace

int64_t json_int(const json& root, const std::string& pointer, int64_t lo, int64_t hi, const std::string& file) {
  const json* v = find_at(root, pointer);
  if (!v) fail(file, pointer + ": missing");
  return checked_int(*v, pointer, lo, hi, file);
}

int64_t json_int_or(const json& root, const std::string& pointer, int64_t fallback, int64_t lo, int64_t hi,
                    const std::string& file) {
  const json* v = find_at(root, pointer);
  return v ? checked_int(*v, pointer, lo, hi, file) : fallback;
}

double json_number(const json& root, const std::string& pointer, double lo, double hi, const std::string& file) {
  const json* v = find_at(root, pointer);
  if (!v) fail(file, pointer + ": missing");
  return checked_number(*v, pointer, lo, hi, file);
}

double json_number_or(const json& root, const std::string& pointer, double fallback, double lo, double hi,
                      const std::string& file) {
  const json* v = find_at(root, pointer);
  return v ? checked_number(*v, pointer, lo, hi, file) : fallback;
}

}  // namespace gearnn
