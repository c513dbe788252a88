#pragma once
// The report's charts as inline SVG: series over frames (one run's, or two
// runs' on one chart), the gear timeline, IoU per class and the confusion
// matrix, plus their legends. Each returns one <svg> (or legend <div>); `id`
// must be unique on the page.
#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "colours.h"
#include "report_inputs.h"

namespace gearnn::html {

constexpr double kChartWidth = 1000, kChartLeft = 56, kChartRight = 16;
constexpr size_t kMaxPoints = 1500;      // longer runs are averaged into this many buckets
constexpr size_t kMaxSwitchLines = 40;   // more gear switches than this: no switch lines

// Frames along x: frame lo starts at lo, frame hi-1 ends at hi.
struct Domain {
  double lo = 0, hi = 1;
  double x(double frame) const {
    return kChartLeft + (frame - lo) / (hi - lo) * (kChartWidth - kChartLeft - kChartRight);
  }
};
Domain domain_of(const std::vector<FrameRow>& rows);

// One value per frame and how to draw it.
struct SeriesSpec {
  std::string id, cls, label, colour;
  Opt FrameRow::*field;
  double ymin, ymax;
  std::vector<double> yticks;
  int prec;  // decimals on the axis (one more in tooltips)
};

// One series over frames: a line broken where values are missing, dashed
// lines where the gear changes, dots with tooltips for short runs.
std::string time_chart(const SeriesSpec& s, const std::vector<FrameRow>& rows, const Domain& d, double height);

// A frame where two compared runs differ, with both values.
struct MarkedFrame {
  int64_t frame;
  double a, b;
};

// Two runs' values of one score (s.field, s.label; s.colour unused) over
// frames on one chart, A in `colour_a` and B in `colour_b`, each `marks`
// frame shaded behind the lines with both values in its tooltip.
std::string compare_chart(const SeriesSpec& s, const std::vector<FrameRow>& a, const std::vector<FrameRow>& b,
                          const Domain& d, const std::vector<MarkedFrame>& marks, const std::string& colour_a,
                          const std::string& colour_b, double height);

// Runs of consecutive frames on one gear as coloured bands.
std::string gear_timeline(const std::string& id, const std::vector<FrameRow>& rows, const Domain& d,
                          const GearColours& colours);

std::string gear_legend(const std::map<std::string, int64_t>& usage, const GearColours& colours);
std::string class_legend(const std::vector<std::string>& classes, const Palette& palette);

// What the class charts call their score and their matrix's rows and
// columns: accuracy against labels, or agreement with a reference run.
struct ScoreWords {
  std::string score;   // one class's figure: "IoU"
  std::string mean;    // the dashed line: "mIoU"
  std::string absent;  // a class in neither mask
  std::string rows, columns;  // matrix tooltips: "truth road → predicted car"
  std::string axis;           // under the matrix
};
extern const ScoreWords kLabelWords, kAgreementWords;

// Horizontal IoU bar per class, in class order, with the mean marked.
std::string class_iou_chart(const std::string& id, const std::vector<std::string>& classes, const json& per_class,
                            const Palette& palette, const Opt& mean, const ScoreWords& words = kLabelWords);

// Row-normalised confusion matrix (rows = truth or reference), counts in the tooltips.
std::string confusion_chart(const std::string& id, const std::vector<std::string>& classes, const json& matrix,
                            const ScoreWords& words = kLabelWords);

}  // namespace gearnn::html
