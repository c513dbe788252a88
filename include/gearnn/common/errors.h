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
  const std::string& problem() const { return problem_; }

 private:
  std::string path_, problem_;
};

// An error after part of the work was finished and kept (a run's frames
// before a bad label): the output is usable but incomplete. gearnn exits 3.
class PartialError : public Error {
 public:
  explicit PartialError(const Error& cause) : Error(cause.path(), cause.problem()) {}
};

[[noreturn]] void fail(const std::string& path, const std::string& problem);

// Text of an FFmpeg error code.
std::string av_error_text(int code);

}  // namespace gearnn
