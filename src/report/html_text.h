#pragma once
// Text as the report shows it: escaped for HTML (html_escape, public in
// html_report.h) and numbers with a fixed precision.
#include <optional>
#include <string>

#include "gearnn/report/html_report.h"

namespace gearnn::html {

inline std::string esc(const std::string& text) { return html_escape(text); }

// `v` with `prec` decimals; a missing number shows as "–".
std::string fmt(double v, int prec);
std::string fmt(const std::optional<double>& v, int prec);

// An SVG coordinate: one decimal keeps the markup short.
std::string px(double v);

}  // namespace gearnn::html
