#pragma once
// LibTorch threads for the training commands: as many as asked, or one per core.
#include <algorithm>
#include <thread>

#include "gearnn/model/segmenter.h"

namespace gearnn {

inline void use_torch_threads(int requested) {
  set_torch_threads(requested > 0 ? requested : static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
}

}  // namespace gearnn
