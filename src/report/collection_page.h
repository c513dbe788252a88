#pragma once
// The page for many runs (a batch directory or a merged report): summary,
// items table, summed accuracy and agreement, charts per item (capped), failures.
#include <string>

#include "gearnn/report/html_report.h"
#include "report_inputs.h"

namespace gearnn::html {

// `kind` ("batch" or "merge") and `title_path` only name the page.
std::string render_collection_page(const CollectionInputs& in, const std::string& kind, const std::string& title_path,
                                   const HtmlReportOptions& options);

}  // namespace gearnn::html
