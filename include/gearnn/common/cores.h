#pragma once
// How many cores this process may use, and how the run pipeline shares them.

namespace gearnn {

// Logical cores this process may use (its CPU affinity, e.g. a Slurm
// allocation or taskset), not the machine's count.
int usable_cores();

// LibTorch threads for a video run: `requested` when > 0, else every usable
// core but one, left to the decoder, feature, post-processing and writer
// threads (at least one). With the forward on every core, its OpenMP workers
// spin between layers on the core those stages need; docs/benchmarks.md
// ("Thread plan") has the measurements.
int run_forward_threads(int requested);

}  // namespace gearnn
