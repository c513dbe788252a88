#include "page.h"

#include <sstream>

#include "html_text.h"

namespace gearnn::html {

namespace {

// Inline so the page stays one self-contained file.
const char* kStyle = R"(
*{box-sizing:border-box}
body{margin:0;background:#f3f4f6;color:#1f2937;font:14px/1.45 "DejaVu Sans",system-ui,sans-serif}
main{max-width:1080px;margin:0 auto;padding:24px 20px 40px}
h1{font-size:22px;margin:0 0 2px}
h2{font-size:16px;margin:0 0 12px;color:#111827}
h3{font-size:14px;margin:18px 0 6px}
.sub{color:#6b7280;margin:0 0 16px;word-break:break-all}
section{background:#fff;border:1px solid #e5e7eb;border-radius:8px;padding:16px 18px;margin:0 0 16px}
.stats{display:grid;grid-template-columns:repeat(auto-fill,minmax(190px,1fr));gap:10px}
.stat{background:#f9fafb;border:1px solid #eef0f3;border-radius:6px;padding:8px 10px}
.stat .k{font-size:12px;color:#6b7280;word-break:break-all}
.stat .v{font-size:18px;font-weight:600;word-break:break-all}
.stat .v.small{font-size:13px;font-weight:normal}
.stat .n{font-size:11px;color:#6b7280}
.note{color:#6b7280;font-style:italic;margin:6px 0}
.banner{background:#fef2f2;border:1px solid #fecaca;color:#991b1b;border-radius:8px;padding:10px 14px;margin:0 0 16px}
.chart-title{font-weight:600;margin:10px 0 2px}
.chart-title span{font-weight:normal;color:#6b7280;margin-left:8px}
svg.chart{display:block;max-width:100%;height:auto}
svg text{font-family:"DejaVu Sans",system-ui,sans-serif}
.plot{fill:#fff;stroke:#d1d5db}
.grid{stroke:#eceef1;stroke-width:1}
.tick{font-size:11px;fill:#6b7280}
.axis-name{font-size:11px;fill:#374151}
.label{font-size:12px;fill:#1f2937}
.value{font-size:11px;fill:#374151}
.muted{fill:#9ca3af;font-style:italic}
.series{fill:none;stroke-width:1.8;stroke-linejoin:round}
.switch{stroke:#6b7280;stroke-width:1;stroke-dasharray:3 3}
.mean{stroke:#111827;stroke-width:1.5;stroke-dasharray:4 3}
.bar{stroke:rgba(0,0,0,.25)}
.band{stroke:#fff;stroke-width:.5}
.cell{stroke:#fff;stroke-width:1}
.cell.diag{stroke:#111827;stroke-width:1.2}
.cell-text{font-size:11px}
.legend{display:flex;flex-wrap:wrap;gap:6px 16px;margin:6px 0 4px 56px;font-size:12px}
.legend span{display:inline-flex;align-items:center;gap:6px}
.legend i{display:inline-block;width:14px;height:14px;border-radius:3px;border:1px solid rgba(0,0,0,.2)}
.class-legend{margin-left:0}
.samples{display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));gap:14px}
figure{margin:0}
figure img{display:block;width:100%;border-radius:4px;border:1px solid #e5e7eb}
figcaption{font-size:12px;color:#4b5563;margin-top:4px}
table{border-collapse:collapse;width:100%;font-size:12.5px}
th,td{text-align:left;padding:5px 8px;border-bottom:1px solid #eef0f3;vertical-align:top}
th{background:#f9fafb;font-weight:600}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
td.path{word-break:break-all;color:#4b5563}
td.err{color:#991b1b;word-break:break-word}
.item{border-top:1px solid #eef0f3;padding-top:4px}
h3 .meta{font-weight:normal;color:#6b7280;margin-left:8px}
#summary .gear-legend{margin-left:0}
.diff-mark{fill:#fde68a;opacity:.75}
.legend i.mark{background:#fde68a}
table.compare th{width:22%}
table.compare-frames{width:auto;margin:4px 0 10px 56px}
footer{color:#9ca3af;font-size:12px;text-align:center}
)";

}  // namespace

std::string page(const std::string& title, const std::string& body) {
  std::ostringstream o;
  o << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
    << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
    << "<meta name=\"generator\" content=\"gearnn " << GEARNN_VERSION << "\">"
    << "<title>" << esc(title) << "</title><style>" << kStyle << "</style></head>\n<body><main>\n"
    << body << "<footer>Written by gearnn " << GEARNN_VERSION
    << " report. Self-contained: no scripts, fonts or network.</footer>\n</main></body></html>\n";
  return o.str();
}

std::string stat(const std::string& key, const std::string& value, const std::string& note, bool small) {
  std::ostringstream o;
  o << "<div class=\"stat\"><div class=\"k\">" << esc(key) << "</div><div class=\"v" << (small ? " small" : "")
    << "\">" << esc(value) << "</div>";
  if (!note.empty()) o << "<div class=\"n\">" << esc(note) << "</div>";
  o << "</div>";
  return o.str();
}

std::string note(const std::string& t) { return "<p class=\"note\">" + esc(t) + "</p>"; }

}  // namespace gearnn::html
