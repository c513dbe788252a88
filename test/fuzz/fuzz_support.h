#pragma once
// Shared by the fuzz targets (test/fuzz/fuzz_*.cpp). The loaders read files,
// so each input is written to a file in a directory of this process's own.
// The one documented answer to bad input is a gearnn::Error whose one-line
// message names the file read; the targets catch only that. Anything else (a
// crash, a sanitizer report, any other exception, which escapes the target and
// ends in std::terminate) is a finding.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "gearnn/common/errors.h"

namespace gearnn::fuzz {

// Made once per process under $TMPDIR (scripts/fuzz.sh points it into the
// build tree) and removed at a normal exit.
struct ScratchDir {
  std::string path = (std::filesystem::temp_directory_path() / "gearnn-fuzz-XXXXXX").string();
  ScratchDir() {
    if (!mkdtemp(path.data())) {
      std::perror("gearnn fuzz: mkdtemp");
      std::abort();
    }
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

inline const std::string& scratch_dir() {
  static const ScratchDir dir;
  return dir.path;
}

// An empty directory `name` in the scratch directory, emptied of the last input's files.
inline std::string fresh_dir(const std::string& name) {
  const std::string dir = scratch_dir() + "/" + name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

inline void write_file(const std::string& path, const uint8_t* data, size_t size) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  if (!out.flush()) {
    std::fprintf(stderr, "gearnn fuzz: cannot write %s\n", path.c_str());
    std::abort();
  }
}

// The input cut at NUL bytes, for targets whose loader reads several files
// (JSON text never holds a NUL).
inline std::vector<std::string> split_at_nul(const uint8_t* data, size_t size) {
  std::vector<std::string> parts(1);
  for (size_t i = 0; i < size; ++i)
    if (data[i] == 0)
      parts.emplace_back();
    else
      parts.back() += static_cast<char>(data[i]);
  return parts;
}

// Runs `load`; a gearnn::Error is a clean rejection when its message is one
// line naming `named` (the file or directory read), or an option the target
// passes ("--budget"). An Error that names neither is a finding too: the user
// could not tell which input is wrong.
template <typename Load>
void load_or_reject(const std::string& named, Load&& load) {
  try {
    load();
  } catch (const Error& e) {
    const std::string what = e.what();
    if (what.find('\n') == std::string::npos &&
        (what.find(named) != std::string::npos || what.rfind("--", 0) == 0))
      return;
    std::fprintf(stderr, "gearnn fuzz: an error that does not name %s on one line: %s\n", named.c_str(), e.what());
    std::abort();
  }
}

}  // namespace gearnn::fuzz
