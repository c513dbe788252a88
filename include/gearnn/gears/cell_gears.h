#pragma once
// Gears per cell of two distortions (dark *and* compressed). A set's gears
// switched without a range on a second feature (brightness gears fitted at
// QP 22, switched on luma) become cells on it: the same level's gears from
// sets fitted at other values of that feature (the brightness ladder at QP 34
// and 46), each over the feature's range nearest its value, cut half-way
// between neighbouring values, or where the caller says when the setting is
// not in the feature's units (QP gears fitted at brightness 1.0 and 1.4,
// switched on luma). Sets that differ in their fitting scenes rather than
// in a setting (QP gears fitted on dark scenes and on bright ones) are given
// their values on the feature. Gears without a counterpart in every added set,
// or already switched on the feature, are kept as they are. Gear files are
// referenced, not copied.
#include <string>
#include <vector>

#include "gearnn/common/json_io.h"

namespace gearnn {

struct CellGearsOptions {
  std::string base_dir;               // the set whose gears get cells (e.g. street-joint/gears/all)
  std::vector<std::string> add_dirs;  // sets fitted at other values of the feature, gears named as the base's
  std::string feature = "qp";         // the frame feature the cells switch on
  std::string setting;                // the settings key holding each set's value on it (default: feature)
  std::vector<double> values;          // each set's value on the feature (base, then add_dirs), instead of a
                                       // setting: sets fitted at one setting on different scenes (QP gears
                                       // fitted on dark and on bright scenes: their scenes' median luma)
  std::vector<double> cuts;            // the feature's values between the sets, rising; without: half-way between
                                       // their settings (needs the setting in the feature's units, as qp)
  std::string out_dir;
};

// Writes OUT/gears.json and returns it. Throws Error naming the file for sets
// made for different models, a set whose gears disagree on (or lack) the
// setting, two sets at the same value, or a base gear that no added set has;
// and with Error naming --cuts for cuts of the wrong count or order, or none
// where the setting is not the feature; --values of the wrong count or
// with --setting.
json cell_gear_sets(const CellGearsOptions& options);

}  // namespace gearnn
