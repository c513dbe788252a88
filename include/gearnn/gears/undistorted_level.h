#pragma once
// The level of a ladder (or gear set) where its own distortion is absent: each
// setting that varies across the levels is at its undistorted value (b1.00 of
// a brightness ladder rendered at QP 22). A gear fitted there learns only the
// rest of its rendering (QP 22), which streams do not share.
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "gearnn/common/json_io.h"

namespace gearnn {

// `levels`: (name, distortion settings as `gearnn distort` takes them). QP has
// no undistorted value (every QP compresses), so a QP ladder has no such level.
std::set<std::string> undistorted_levels(const std::vector<std::pair<std::string, json>>& levels);

}  // namespace gearnn
