#include "gearnn/common/cores.h"

#include <sched.h>

#include <algorithm>
#include <thread>

namespace gearnn {

int usable_cores() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) == 0) return std::max(1, CPU_COUNT(&set));
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

int run_forward_threads(int requested) {
  if (requested > 0) return requested;
  return std::max(1, usable_cores() - 1);
}

}  // namespace gearnn
