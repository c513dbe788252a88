#include "gearnn/io/shipped_data.h"

#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <filesystem>

#include "gearnn/common/errors.h"
#include "gearnn/common/json_io.h"

// Where share/gearnn sits relative to the installed binary (from GNUInstallDirs).
#ifndef GEARNN_SHARE_FROM_BIN
#define GEARNN_SHARE_FROM_BIN "../share/gearnn"
#endif

namespace fs = std::filesystem;

namespace gearnn {

namespace {

std::string running_executable() {
  char buf[PATH_MAX];
  const ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

// A name, not a path: looked up in the shipped data rather than the current directory.
bool is_bare_name(const std::string& s) {
  return !s.empty() && s != "." && s != ".." && s.find('/') == std::string::npos;
}

std::string joined(const std::vector<std::string>& places) {
  std::string s;
  for (const auto& p : places) s += (s.empty() ? "" : ", ") + p;
  return s;
}

}  // namespace

std::vector<DataRoot> shipped_data_roots(const std::string& exe_path, const char* data_dir_env) {
  std::vector<DataRoot> roots;
  if (data_dir_env && *data_dir_env) roots.push_back({data_dir_env, (fs::path(data_dir_env) / "configs").string()});
  if (!exe_path.empty()) {
    const fs::path bin = fs::path(exe_path).parent_path();
    const fs::path share = (bin / GEARNN_SHARE_FROM_BIN).lexically_normal();
    roots.push_back({share.string(), (share / "configs").string()});
    const fs::path source = (bin / "..").lexically_normal();
    roots.push_back({(source / "data").string(), (source / "configs").string()});
  }
  return roots;
}

std::vector<DataRoot> shipped_data_roots() {
  return shipped_data_roots(running_executable(), std::getenv("GEARNN_DATA_DIR"));
}

std::string find_model_dir(const std::string& arg, const std::vector<DataRoot>& roots) {
  if (fs::is_directory(arg) || !is_bare_name(arg)) return arg;
  std::vector<std::string> searched{arg};
  for (const auto& root : roots) {
    const std::string dir = (fs::path(root.dir) / "models" / arg).string();
    if (fs::is_directory(dir)) return dir;
    searched.push_back(dir);
  }
  fail(arg, "no such model directory or shipped model (searched " + joined(searched) + ")");
}

std::string find_gear_set_dir(const std::string& arg, const std::string& model_dir,
                              const std::vector<DataRoot>& roots) {
  if (arg.empty() || fs::is_directory(arg)) return arg;
  std::vector<std::string> searched{arg};
  if (is_bare_name(arg) && !model_dir.empty()) {
    const std::string dir = (fs::path(model_dir) / "gears" / arg).string();
    if (fs::is_directory(dir)) return dir;
    searched.push_back(dir);
  } else if (is_bare_name(arg)) {
    fail(arg, "no such gear set directory (without a model, name a shipped gear set MODEL/SET, e.g. street/qp)");
  } else {
    const fs::path p(arg);
    const std::string model = p.parent_path().string(), set = p.filename().string();
    if (!is_bare_name(model) || !is_bare_name(set)) return arg;  // a path: load_gear_set reports it
    for (const auto& root : roots) {
      const std::string dir = (fs::path(root.dir) / "models" / model / "gears" / set).string();
      if (fs::is_directory(dir)) return dir;
      searched.push_back(dir);
    }
  }
  fail(arg, "no such gear set directory or shipped gear set (searched " + joined(searched) + ")");
}

DefaultModel find_default_model(const std::vector<DataRoot>& roots) {
  std::vector<std::string> searched;
  for (const auto& root : roots) {
    const fs::path file = fs::path(root.dir) / "models" / "default.json";
    if (!fs::is_regular_file(file)) {
      searched.push_back(file.string());
      continue;
    }
    const json j = read_json_file(file.string());
    return naming_json_errors(file.string(), [&] {
      auto resolve = [&](const std::string& p) { return (file.parent_path() / p).lexically_normal().string(); };
      DefaultModel d;
      d.file = file.string();
      d.model_dir = resolve(j.at("model").get<std::string>());
      if (j.contains("gears") && !j.at("gears").is_null()) d.gears_dir = resolve(j.at("gears").get<std::string>());
      if (j.contains("check_neighbours")) {
        const json& n = j.at("check_neighbours");
        if (!n.is_number_integer() || n.get<int64_t>() < 0 || n.get<int64_t>() > 1000)
          fail(d.file, "check_neighbours must be an integer from 0 to 1000");
        d.check_neighbours = n.get<int>();
        if (d.check_neighbours > 0 && d.gears_dir.empty()) fail(d.file, "check_neighbours needs a gear set");
      }
      if (!fs::is_directory(d.model_dir)) fail(d.file, "model " + d.model_dir + " is not a directory");
      if (!d.gears_dir.empty() && !fs::is_directory(d.gears_dir))
        fail(d.file, "gear set " + d.gears_dir + " is not a directory");
      return d;
    });
  }
  fail("--model", "not given, and no shipped default model (searched " + joined(searched) + ")");
}

std::string find_config_file(const std::string& arg, const std::string& kind, const std::vector<DataRoot>& roots) {
  if (fs::is_regular_file(arg) || !is_bare_name(arg)) return arg;
  std::vector<std::string> searched{arg};
  std::vector<std::string> names{arg};
  if (fs::path(arg).extension() != ".json") names.push_back(arg + ".json");
  for (const auto& root : roots) {
    const fs::path dir = fs::path(root.configs_dir) / kind;
    for (const std::string& name : names) {
      const std::string file = (dir / name).string();
      if (fs::is_regular_file(file)) return file;
      searched.push_back(file);
    }
  }
  fail(arg, "no such file or shipped config in " + kind + "/ (searched " + joined(searched) + ")");
}

}  // namespace gearnn
