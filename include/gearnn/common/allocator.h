#pragma once
// How the process allocates memory, set once at start-up.

namespace gearnn {

// Keeps freed blocks of up to 32 MiB in the heap instead of unmapping them.
// glibc's default (a dynamic mmap threshold, trimming at 128 KiB) hands every
// frame's large activation and logit buffers back to the kernel and faults them
// in again on the next frame. Environment settings (MALLOC_MMAP_THRESHOLD_,
// MALLOC_TRIM_THRESHOLD_) win, so a user can still choose. No effect with
// another allocator (sanitizers, jemalloc preloaded).
void keep_frame_buffers_in_heap();

}  // namespace gearnn
