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
  // Index of the gear named `name`; -1 when the set has none.
  int index_of(const std::string& name) const;
};

GearSet load_gear_set(const std::string& dir);
GearSet parse_gear_set(const json& j, const std::string& dir, const std::string& source);

// For sets made from other sets (combine-gears, cell-gears): a range end as
// gears.json writes it (null when open), and gear i's file as a path from
// `dir` to the source's file (null: the gear keeps the base weights).
json range_end_json(double v);
json gear_file_from(const GearSet& set, size_t i, const std::string& dir);
// Throws Error naming other's gears.json when the two sets record different
// base_model_hash (sets that record none are not checked).
void check_same_model(const GearSet& reference, const GearSet& other);

// Gears between levels (`gearnn run --blend`): the two gears whose levels lie
// either side of a frame's measured value, mixed linearly by where the value
// falls between the levels' measured positions.
struct GearBlend {
  int lo = -1, hi = -1;  // gear indices (-1 = base); lo == hi: that gear alone
  double t = 0;          // weight of hi, in [0, 1)
  bool operator==(const GearBlend& o) const { return lo == o.lo && hi == o.hi && t == o.t; }
  bool operator!=(const GearBlend& o) const { return !(*this == o); }
  int nearest() const { return t < 0.5 ? lo : hi; }
};

class GearBlender {
 public:
  // Needs a set whose gears each hold one range of the same feature and record
  // "measured_median" (where the level measured on that feature, as fit-gears
  // writes); throws Error naming gears.json otherwise. The weight is rounded to
  // multiples of 1/steps, so a value that wobbles does not change the tensors every frame.
  GearBlender(const GearSet& set, int steps);
  GearBlend blend(const FrameFeatures& f) const;  // base weights when the feature is missing
  const std::string& feature() const { return feature_; }

 private:
  std::string feature_;
  std::vector<std::pair<double, int>> points_;  // (measured position, gear index), ascending
  int steps_;
};

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
