#include "gearnn/common/allocator.h"

#include <cstdlib>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace gearnn {

void keep_frame_buffers_in_heap() {
#if defined(__GLIBC__)
  // Below this size blocks come from the heap and are reused: a frame's
  // activations and per-pixel buffers are a few MiB each (about 8 at 1080p).
  constexpr int kMmapThreshold = 32 << 20;
  // Freed memory at the top of the heap is returned only past this much.
  constexpr int kTrimThreshold = 256 << 20;
  if (!std::getenv("MALLOC_MMAP_THRESHOLD_")) mallopt(M_MMAP_THRESHOLD, kMmapThreshold);
  if (!std::getenv("MALLOC_TRIM_THRESHOLD_")) mallopt(M_TRIM_THRESHOLD, kTrimThreshold);
#endif
}

}  // namespace gearnn
