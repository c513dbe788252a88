#include "html_text.h"

#include <cstdio>

namespace gearnn {

std::string html_escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

namespace html {

std::string fmt(double v, int prec) {
  char b[64];
  std::snprintf(b, sizeof b, "%.*f", prec, v);
  return b;
}

std::string fmt(const std::optional<double>& v, int prec) { return v ? fmt(*v, prec) : std::string("–"); }

std::string px(double v) { return fmt(v, 1); }

}  // namespace html
}  // namespace gearnn
