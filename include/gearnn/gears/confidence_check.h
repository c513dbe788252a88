#pragma once
// Choosing among adjacent gears by the network's own confidence
// (`gearnn run --check-neighbours`). The features pick a gear from ladder
// ranges, but a scene's own exposure or texture can make the next level's gear
// the better one (a dark tunnel read one brightness level off, a scene that
// compression barely harms). Each frame is then also segmented with the gears
// next to the chosen one, and the prediction with the lowest mean pixel
// entropy, averaged over the last few frames, is kept.
#include <cstdint>
#include <deque>
#include <map>
#include <vector>

#include "gearnn/gears/gear_set.h"

namespace gearnn {

// For each gear, the gears adjacent to it on one feature: their ranges of that
// feature touch (one's upper bound is the other's lower bound) and every other
// range of the two gears is the same. A combined set's QP gears are then each
// other's neighbours, and its brightness gears each other's, but not across.
std::vector<std::vector<int>> gear_neighbours(const GearSet& set);

class ConfidenceChooser {
 public:
  explicit ConfidenceChooser(int window) : window_(window) {}
  // Records each candidate's mean pixel entropy on frame `frame` and returns
  // the index (into candidates) of the lowest mean over the last `window`
  // frames that candidate was run on. Ties keep the earlier candidate, so the
  // features' gear (put first) wins a tie. Frames arrive in increasing order.
  size_t choose(int64_t frame, const std::vector<int>& candidates, const std::vector<double>& entropies);

 private:
  int window_;
  std::map<int, std::deque<std::pair<int64_t, double>>> recent_;  // gear -> (frame, entropy)
};

}  // namespace gearnn
