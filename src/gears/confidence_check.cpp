#include "gearnn/gears/confidence_check.h"

#include <limits>

namespace gearnn {
namespace {

const GearRange* find_range(const GearSpec& g, const std::string& feature) {
  for (const GearRange& r : g.when)
    if (r.feature == feature) return &r;
  return nullptr;
}

// True when a and b differ on exactly one feature, where their ranges touch.
bool adjacent(const GearSpec& a, const GearSpec& b) {
  if (a.when.size() != b.when.size()) return false;
  int touching = 0;
  for (const GearRange& ra : a.when) {
    const GearRange* rb = find_range(b, ra.feature);
    if (!rb) return false;
    if (ra.lo == rb->lo && ra.hi == rb->hi) continue;
    if (ra.hi == rb->lo || rb->hi == ra.lo)
      ++touching;
    else
      return false;
  }
  return touching == 1;
}

}  // namespace

std::vector<std::vector<int>> gear_neighbours(const GearSet& set) {
  std::vector<std::vector<int>> out(set.gears.size());
  for (size_t i = 0; i < set.gears.size(); ++i)
    for (size_t j = 0; j < set.gears.size(); ++j)
      if (i != j && adjacent(set.gears[i], set.gears[j])) out[i].push_back(static_cast<int>(j));
  return out;
}

size_t ConfidenceChooser::choose(int64_t frame, const std::vector<int>& candidates,
                                 const std::vector<double>& entropies) {
  size_t best = 0;
  double best_mean = std::numeric_limits<double>::infinity();
  for (size_t c = 0; c < candidates.size(); ++c) {
    auto& seen = recent_[candidates[c]];
    seen.emplace_back(frame, entropies[c]);
    while (seen.front().first <= frame - window_) seen.pop_front();
    double sum = 0;
    for (const auto& [f, e] : seen) sum += e;
    const double mean = sum / static_cast<double>(seen.size());
    if (mean < best_mean) best_mean = mean, best = c;
  }
  return best;
}

}  // namespace gearnn
