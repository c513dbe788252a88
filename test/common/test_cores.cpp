// Core counts follow the process's CPU affinity (taskset, a Slurm allocation),
// and the run pipeline's forward leaves one of them to the other stages.
#include <sched.h>

#include <catch2/catch.hpp>
#include <thread>
#include <vector>

#include "gearnn/common/cores.h"

using namespace gearnn;

namespace {

// Runs `f` in a new thread pinned to the first `n` CPUs this process may use
// (affinity is per thread, and a new thread starts with its creator's).
template <class F>
void on_cpus(int n, F f) {
  cpu_set_t all;
  CPU_ZERO(&all);
  REQUIRE(sched_getaffinity(0, sizeof all, &all) == 0);
  cpu_set_t some;
  CPU_ZERO(&some);
  for (int cpu = 0, taken = 0; cpu < CPU_SETSIZE && taken < n; ++cpu)
    if (CPU_ISSET(cpu, &all)) CPU_SET(cpu, &some), ++taken;
  std::thread t([&] {
    REQUIRE(sched_setaffinity(0, sizeof some, &some) == 0);
    f();
  });
  t.join();
}

}  // namespace

TEST_CASE("cores: usable cores follow the affinity, the forward leaves one to the pipeline", "[cores]") {
  const int cores = usable_cores();
  REQUIRE(cores >= 1);
  CHECK(run_forward_threads(0) == std::max(1, cores - 1));
  CHECK(run_forward_threads(3) == 3);  // asked for: taken as it is, even above the cores
  on_cpus(1, [] {
    CHECK(usable_cores() == 1);
    CHECK(run_forward_threads(0) == 1);  // one core: the forward shares it
  });
  if (cores >= 2)
    on_cpus(2, [] {
      CHECK(usable_cores() == 2);
      CHECK(run_forward_threads(0) == 1);
    });
}
