#pragma once
// The page for one run: summary, charts over time, accuracy, agreement with
// a reference, sample frames.
#include <string>

#include "gearnn/report/html_report.h"
#include "report_inputs.h"

namespace gearnn::html {

std::string render_run_page(const RunInputs& run, const HtmlReportOptions& options);

}  // namespace gearnn::html
