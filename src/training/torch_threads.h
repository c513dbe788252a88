#pragma once
// LibTorch threads for the training commands: as many as asked, or one per usable core.
#include "gearnn/common/cores.h"
#include "gearnn/model/segmenter.h"

namespace gearnn {

inline void use_torch_threads(int requested) {
  set_torch_threads(requested > 0 ? requested : usable_cores());
}

}  // namespace gearnn
