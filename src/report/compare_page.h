#pragma once
// The page setting two runs side by side (`gearnn report RUN_A --compare
// RUN_B`): their summary figures in one table, and each per-frame score both
// runs have (mIoU with labels, agreement with a reference) for both on one
// chart, with the frames where they differ most marked and listed.
#include <string>
#include <vector>

#include "gearnn/report/html_report.h"
#include "report_inputs.h"
#include "svg_charts.h"

namespace gearnn::html {

// The frames both runs scored whose values of `field` differ, the largest
// absolute difference first (ties in frame order), at most `k`.
std::vector<MarkedFrame> largest_differences(const std::vector<FrameRow>& a, const std::vector<FrameRow>& b,
                                             Opt FrameRow::*field, int k);

std::string render_compare_page(const RunInputs& a, const RunInputs& b, const HtmlReportOptions& options);

}  // namespace gearnn::html
