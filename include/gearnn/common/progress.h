#pragma once
// A one-line progress bar on stderr, drawn only when stderr is a terminal.
#include <chrono>
#include <cstdint>
#include <string>

namespace gearnn {

class Progress {
 public:
  Progress(std::string label, int64_t total, bool enabled);
  ~Progress();
  // `extra` is appended to the line (e.g. the current loss).
  void update(int64_t done, const std::string& extra = "");
  void finish();
  static bool stderr_is_terminal();

 private:
  std::string label_;
  int64_t total_;
  bool enabled_, finished_ = false;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

// One line per finished step of a long command (a ladder level, an epoch),
// printed whether or not stderr is a terminal so log files show it too:
// "LABEL 2/5 TEXT (41 s, ETA 2:03)", the ETA from the mean time per step.
class StepLog {
 public:
  StepLog(std::string label, int64_t total, bool enabled);
  void done(const std::string& text);

 private:
  std::string label_;
  int64_t total_, done_ = 0;
  bool enabled_;
  std::chrono::steady_clock::time_point start_, last_;
};

std::string format_duration(double seconds);

}  // namespace gearnn
