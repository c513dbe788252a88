#include "gearnn/common/hashing.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <vector>

#include "gearnn/common/errors.h"

extern "C" {
#include <libavutil/hash.h>
}

namespace gearnn {

Sha256::Sha256() : ctx_(nullptr) {
  if (av_hash_alloc(&ctx_, "SHA256") < 0) throw std::runtime_error("cannot allocate SHA-256");
  av_hash_init(ctx_);
}

Sha256::~Sha256() { av_hash_freep(&ctx_); }

void Sha256::update(const void* data, size_t size) {
  av_hash_update(ctx_, static_cast<const uint8_t*>(data), size);
}

std::string Sha256::hex() {
  char out[2 * AV_HASH_MAX_SIZE + 1] = {0};
  av_hash_final_hex(ctx_, reinterpret_cast<uint8_t*>(out), sizeof out);
  return out;
}

std::string sha256_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path, "cannot open file");
  Sha256 h;
  std::vector<char> buf(1 << 20);
  while (in) {
    in.read(buf.data(), buf.size());
    h.update(buf.data(), static_cast<size_t>(in.gcount()));
  }
  return h.hex();
}

std::string sha256_string(const std::string& text) {
  Sha256 h;
  h.update(text);
  return h.hex();
}

std::string sha256_directory(const std::string& dir) {
  namespace fs = std::filesystem;
  if (!fs::is_directory(dir)) fail(dir, "directory not found");
  std::vector<std::string> names;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file()) names.push_back(fs::relative(e.path(), dir).generic_string());
  std::sort(names.begin(), names.end());
  Sha256 h;
  for (const auto& name : names) {
    h.update(name);
    h.update("\n" + sha256_file(dir + "/" + name) + "\n");
  }
  return h.hex();
}

}  // namespace gearnn
