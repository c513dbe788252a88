#pragma once
// gears.json: which gear applies to a frame, decided from its features, and a
// selector that adds hysteresis so noisy estimates do not thrash.
#include <string>
#include <vector>

#include "gearnn/common/json_io.h"
#include "gearnn/quality/frame_features.h"

namespace gearnn {

struct GearRange {
  std::string feature;
  double lo, hi;  // applies when lo <= value < hi; infinite when null in JSON
};

struct GearSpec {
  std::string name;
  std::string file;  // relative to the gear directory; empty ("file": null): the gear keeps the base weights
  std::vector<GearRange> when;
  bool matches(const FrameFeatures& f) const;
};

struct GearSet {
  std::string dir;
  std::vector<GearSpec> gears;
  json raw;  // the whole file, for extra fields (validation mIoU, budget...)

  std::string file_path(size_t i) const { return dir + "/" + gears[i].file; }
  // Index of the first gear whose ranges all hold; -1 for the base weights.
  int match(const FrameFeatures& f) const;
};

GearSet load_gear_set(const std::string& dir);
GearSet parse_gear_set(const json& j, const std::string& dir, const std::string& source);

class GearSelector {
 public:
  GearSelector(const GearSet& config, int hold);
  // Gear to use for this frame: a new gear takes over only after it matched
  // `hold` consecutive frames (the first frame picks its gear directly).
  int update(const FrameFeatures& f);
  int current() const { return current_; }
  int64_t switches() const { return switches_; }

 private:
  const GearSet& config_;
  int hold_;
  bool started_ = false;
  int current_ = -1, pending_ = -1, pending_count_ = 0;
  int64_t switches_ = 0;
};

}  // namespace gearnn
