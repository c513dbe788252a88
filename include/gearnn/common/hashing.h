#pragma once
// SHA-256 through libavutil's hash API (no extra dependency), hex encoded.
#include <string>

struct AVHashContext;

namespace gearnn {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void update(const void* data, size_t size);
  void update(const std::string& s) { update(s.data(), s.size()); }
  std::string hex();  // finishes the hash

 private:
  ::AVHashContext* ctx_;
};

std::string sha256_file(const std::string& path);
std::string sha256_string(const std::string& text);
// SHA-256 over the sorted relative names and contents of every regular file
// under `dir` (recursively): the identity of a label or gear directory.
std::string sha256_directory(const std::string& dir);

}  // namespace gearnn
