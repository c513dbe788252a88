#pragma once
// A `gearnn run` child process of a batch, and its one-line error.
#include <string>
#include <vector>

namespace gearnn {

struct ChildResult {
  int exit_code = -1;  // -1 if killed by a signal
  int signal = 0;
  std::string stderr_text;
};

// Runs argv[0] with stdout discarded and stderr captured; the child dies with us.
ChildResult run_child(const std::vector<std::string>& argv);

// The child's one-line error, without the "gearnn: error: " prefix.
std::string child_error(const ChildResult& r);

}  // namespace gearnn
