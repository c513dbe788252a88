#pragma once
// Groups of charts that run pages and batch / merge pages both show.
#include <string>
#include <vector>

#include "colours.h"
#include "report_inputs.h"

namespace gearnn::html {

// mIoU, agreement, QP and luma over frames with the gear timeline under
// them, or notes saying why a series is missing (none for agreement: most runs
// have no reference). `prefix` keeps ids unique when a page holds several
// runs; `height` below 130 gives compact charts; `reference` names what the
// agreement is with.
std::string time_charts(const std::vector<FrameRow>& rows, const std::string& prefix, const GearColours& colours,
                        double height, const std::string& reference = "");

// The "IoU per class" and "Confusion matrix" sections from a report's
// "metrics" object, or one section with a note when there is no ground truth.
// `what` says what the IoU was computed over.
std::string accuracy_sections(const json& metrics, const std::vector<std::string>& classes, const Palette& palette,
                              const std::string& what);

// The "Agreement per class" and "Confusion with the reference" sections from
// a report's "agreement" object, worded as agreement with `reference` (never
// as mIoU or truth); nothing when there is no agreement.
std::string agreement_sections(const json& agreement, const std::vector<std::string>& classes,
                               const Palette& palette, const std::string& reference, const std::string& what);

}  // namespace gearnn::html
