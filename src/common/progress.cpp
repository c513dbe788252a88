#include "gearnn/common/progress.h"

#include <unistd.h>

#include <cstdio>

namespace gearnn {

bool Progress::stderr_is_terminal() { return isatty(STDERR_FILENO) == 1; }

std::string format_duration(double seconds) {
  if (!(seconds >= 0) || seconds > 1e7) return "--:--";
  const long s = static_cast<long>(seconds + 0.5);
  char buf[32];
  if (s >= 3600)
    std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, (s / 60) % 60, s % 60);
  else
    std::snprintf(buf, sizeof buf, "%ld:%02ld", s / 60, s % 60);
  return buf;
}

Progress::Progress(std::string label, int64_t total, bool enabled)
    : label_(std::move(label)), total_(total), enabled_(enabled), start_(std::chrono::steady_clock::now()) {}

Progress::~Progress() { finish(); }

void Progress::update(int64_t done, const std::string& extra) {
  if (!enabled_ || finished_) return;
  const auto now = std::chrono::steady_clock::now();
  if (done != total_ && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double rate = elapsed > 0 ? done / elapsed : 0;
  std::string bar;
  if (total_ > 0) {
    const int width = 24, filled = static_cast<int>(width * std::min<int64_t>(done, total_) / total_);
    bar = "[" + std::string(filled, '#') + std::string(width - filled, '.') + "] ";
  }
  const std::string count = total_ > 0 ? std::to_string(done) + "/" + std::to_string(total_) : std::to_string(done);
  const std::string eta = total_ > 0 && rate > 0 ? " ETA " + format_duration((total_ - done) / rate) : "";
  std::fprintf(stderr, "\r\033[K%s %s%s  %.1f/s%s%s%s", label_.c_str(), bar.c_str(), count.c_str(), rate,
               eta.c_str(), extra.empty() ? "" : "  ", extra.c_str());
  std::fflush(stderr);
}

StepLog::StepLog(std::string label, int64_t total, bool enabled)
    : label_(std::move(label)), total_(total), enabled_(enabled), start_(std::chrono::steady_clock::now()),
      last_(start_) {}

void StepLog::done(const std::string& text) {
  ++done_;
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  const double step = std::chrono::duration<double>(now - last_).count();
  const double mean = std::chrono::duration<double>(now - start_).count() / done_;
  last_ = now;
  const std::string eta = done_ < total_ ? ", ETA " + format_duration(mean * (total_ - done_)) : "";
  std::fprintf(stderr, "%s %lld/%lld %s (%.0f s%s)\n", label_.c_str(), static_cast<long long>(done_),
               static_cast<long long>(total_), text.c_str(), step, eta.c_str());
  std::fflush(stderr);
}

void Progress::finish() {
  if (!enabled_ || finished_) return;
  finished_ = true;
  std::fprintf(stderr, "\n");
}

}  // namespace gearnn
