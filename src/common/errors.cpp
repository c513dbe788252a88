#include "gearnn/common/errors.h"

extern "C" {
#include <libavutil/error.h>
}

namespace gearnn {

static std::string one_line(std::string s) {
  for (char& c : s)
    if (c == '\n' || c == '\r') c = ' ';
  return s;
}

Error::Error(const std::string& path, const std::string& problem)
    : std::runtime_error(one_line(path.empty() ? problem : path + ": " + problem)), path_(path), problem_(problem) {}

void fail(const std::string& path, const std::string& problem) { throw Error(path, problem); }

std::string av_error_text(int code) {
  char buf[AV_ERROR_MAX_STRING_SIZE] = {0};
  av_strerror(code, buf, sizeof buf);
  return buf;
}

}  // namespace gearnn
