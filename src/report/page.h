#pragma once
// The page around the sections: document head with the inline stylesheet,
// footer, and the small blocks every page uses (summary figures, notes).
#include <string>

namespace gearnn::html {

// A complete HTML document titled `title` around `body` (already HTML).
std::string page(const std::string& title, const std::string& body);

// One figure of a summary grid: key, value and an optional note under it;
// `small` for long values such as paths.
std::string stat(const std::string& key, const std::string& value, const std::string& note = "", bool small = false);

// A paragraph saying why something is not shown.
std::string note(const std::string& text);

}  // namespace gearnn::html
