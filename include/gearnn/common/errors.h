#pragma once
// One error type for every bad input: it names the file and the problem, so the
// CLI can print it as a single line and exit non-zero.
#include <stdexcept>
#include <string>

namespace gearnn {

class Error : public std::runtime_error {
 public:
  Error(const std::string& path, const std::string& problem);
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

[[noreturn]] void fail(const std::string& path, const std::string& problem);

// Text of an FFmpeg error code.
std::string av_error_text(int code);

}  // namespace gearnn
