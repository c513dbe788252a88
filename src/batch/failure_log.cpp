#include "failure_log.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;

namespace gearnn {

namespace {

// An exclusive flock on a lock file, held for the object's lifetime.
struct Locked {
  explicit Locked(const std::string& path) : fd(open(path.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0644)) {
    if (fd < 0) fail(path, "cannot open the lock file");
    while (flock(fd, LOCK_EX) != 0 && errno == EINTR) {
    }
  }
  ~Locked() { close(fd); }
  Locked(const Locked&) = delete;
  Locked& operator=(const Locked&) = delete;
  int fd;
};

}  // namespace

FailureLog::FailureLog(const std::string& out_dir)
    : path_(out_dir + "/failures.jsonl"), lock_path_(out_dir + "/.failures.lock") {}

void FailureLog::forget(const std::set<std::string>& ids) {
  Locked lock(lock_path_);
  if (!fs::exists(path_)) return;
  std::ifstream in(path_);
  std::string line, kept;
  while (std::getline(in, line)) {
    try {
      const json record = parse_json(line, path_);
      if (record.is_object() && record.contains("id") && record["id"].is_string() &&
          ids.count(record["id"].get<std::string>()))
        continue;
    } catch (const Error&) {
      continue;  // a torn line from a killed writer
    }
    kept += line + "\n";
  }
  write_text_file(path_, kept);
}

void FailureLog::append(const json& record) {
  Locked lock(lock_path_);
  std::ofstream out(path_, std::ios::app);
  out << json_text(record) << "\n";
  out.flush();
  if (!out) fail(path_, "cannot append a failure record");
}

}  // namespace gearnn
