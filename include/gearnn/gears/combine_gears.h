#pragma once
// One gear set for streams where two distortions vary at once (a tunnel: dark
// and compressed). The first set (e.g. brightness, switched on luma) keeps the
// gears that win on validation; its "neutral" gears, those that gain almost
// nothing over the base and the level where its own distortion is absent
// (brightness 1.0), are dropped, and over their feature range the second set
// (e.g. QP) takes over. Gear files are referenced, not copied.
#include <string>
#include <vector>

#include "gearnn/common/json_io.h"

namespace gearnn {

struct CombineGearsOptions {
  std::string first_dir, then_dir, out_dir;
  double min_gain = 0.005;             // a first-set gear gaining less validation mIoU is neutral
  std::vector<std::string> neutral;    // names; overrides min_gain when given
};

// Writes OUT/gears.json and returns it. Throws Error naming the file for sets
// made for different models, a first set not switched on one feature, a second
// set that uses that feature, clashing names, or neutral gears whose ranges are
// not adjacent.
json combine_gear_sets(const CombineGearsOptions& options);

}  // namespace gearnn
