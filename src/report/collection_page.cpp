#include "collection_page.h"

#include <set>
#include <sstream>

#include "chart_sections.h"
#include "colours.h"
#include "html_text.h"
#include "page.h"
#include "svg_charts.h"

namespace gearnn::html {

namespace {

// Gears in the summed usage or on a charted item's frames: one colour per
// gear across the whole page.
GearColours gear_colours(const CollectionInputs& in) {
  std::set<std::string> names;
  for (const auto& [k, v] : in.gear_usage) names.insert(k);
  for (const auto& frames : in.item_frames)
    for (const auto& r : frames.rows) names.insert(r.gear);
  return GearColours(names);
}

// What the items' agreement is with: their one reference, or each its own.
std::string references_of(const json& agreement) {
  const json refs = agreement.is_object() ? agreement.value("references", json::array()) : json::array();
  if (refs.size() == 1 && refs[0].is_string()) return refs[0].get<std::string>();
  return "each item's reference";
}

std::string summary_section(const CollectionInputs& in, const GearColours& colours) {
  const json& metrics = in.metrics;
  std::ostringstream b;
  b << "<section id=\"summary\"><h2>Summary</h2><div class=\"stats\">";
  b << stat("items", std::to_string(in.items.size()), std::to_string(in.failures.size()) + " failed");
  b << stat("frames", fmt(in.frames, 0), fmt(in.seconds, 1) + " s of processing");
  if (metrics.is_object()) {
    b << stat("mIoU (summed matrix)", fmt(number(metrics, "miou"), 4),
              "from the confusion matrices summed over items");
    b << stat("mean item mIoU", fmt(number(metrics, "mean_item_miou"), 4), "mean of per-item mIoUs");
    b << stat("mean frame mIoU", fmt(number(metrics, "mean_frame_miou"), 4), "mean of per-frame mIoUs");
    b << stat("pixel accuracy", fmt(number(metrics, "pixel_acc"), 4));
  } else {
    b << stat("mIoU", "–", "no item had ground truth");
  }
  if (in.agreement.is_object()) {
    b << stat("agreement with " + references_of(in.agreement), fmt(number(in.agreement, "agreement"), 4),
              "from the confusion matrices with the references summed over items; not accuracy");
    b << stat("mean item agreement", fmt(number(in.agreement, "mean_item_agreement"), 4),
              "mean of per-item agreements");
    b << stat("mean frame agreement", fmt(number(in.agreement, "mean_frame_agreement"), 4),
              "mean of per-frame agreements");
  }
  b << stat("gear switches", fmt(in.gear_switches, 0));
  b << "</div>";
  if (!in.gear_usage.empty()) b << "<h3>Gear usage (frames)</h3>" << gear_legend(in.gear_usage, colours);
  b << "</section>\n";
  return b.str();
}

// `agreement_with`: what the items' agreement is with; empty when no item has
// a reference (then the table has no agreement column).
std::string items_section(const json& items, const std::string& agreement_with) {
  const bool agreement = !agreement_with.empty();
  std::ostringstream b;
  b << "<section id=\"items\"><h2>Items</h2>";
  if (items.empty()) {
    b << note("No completed items.");
  } else {
    b << "<table class=\"items\"><thead><tr><th>id</th><th>input</th><th class=\"num\">frames</th>"
         "<th class=\"num\">fps</th><th class=\"num\">mIoU</th><th class=\"num\">mean frame mIoU</th>"
         "<th class=\"num\">pixel acc</th>"
      << (agreement ? "<th class=\"num\">agreement with " + esc(agreement_with) + "</th>" : "")
      << "<th>gear usage</th><th class=\"num\">switches</th></tr></thead><tbody>";
    for (const auto& it : items) {
      std::string use;
      for (const auto& [g, n] : usage_of(it.value("gear_usage", json::object())))
        use += (use.empty() ? "" : " · ") + g + " " + std::to_string(n);
      b << "<tr><td>" << esc(text(it, "id")) << "</td><td class=\"path\">" << esc(text(it, "input"))
        << "</td><td class=\"num\">" << fmt(number(it, "frames"), 0) << "</td><td class=\"num\">"
        << fmt(number(it, "fps"), 1) << "</td><td class=\"num\">" << fmt(number(it, "miou"), 4)
        << "</td><td class=\"num\">" << fmt(number(it, "mean_frame_miou"), 4) << "</td><td class=\"num\">"
        << fmt(number(it, "pixel_acc"), 4) << "</td>";
      if (agreement) {
        const std::string ref = text(it, "reference");
        b << "<td class=\"num\"" << (ref.empty() ? "" : " title=\"with " + esc(ref) + "\"") << ">"
          << fmt(number(it, "agreement"), 4) << "</td>";
      }
      b << "<td>" << esc(use) << "</td><td class=\"num\">"
        << fmt(number(it, "gear_switches"), 0) << "</td></tr>";
    }
    b << "</tbody></table>";
  }
  b << "</section>\n";
  return b.str();
}

// Time charts for the items whose frames were read (the first few), with a
// note for each one whose directory or frames.jsonl is gone.
std::string item_charts_section(const CollectionInputs& in, const GearColours& colours,
                                const HtmlReportOptions& options) {
  const json& items = in.items;
  const size_t charted = in.item_frames.size();
  std::ostringstream b;
  b << "<section id=\"item-charts\"><h2>Items over time</h2>";
  if (options.samples > 0 && !items.empty())
    b << note("Sample frames with masks are on each run's own page (gearnn report RUN_DIR).");
  if (items.size() > charted)
    b << note("Charts for the first " + std::to_string(charted) + " of " + std::to_string(items.size()) +
              " items (by id); run gearnn report on an item's directory for the others.");
  for (size_t i = 0; i < charted; ++i) {
    const json& it = items[i];
    b << "<div class=\"item\" id=\"item-" << i << "\"><h3>" << esc(text(it, "id")) << " <span class=\"meta\">mIoU "
      << fmt(number(it, "miou"), 4);
    if (number(it, "agreement")) b << " · agreement " << fmt(number(it, "agreement"), 4);
    b << " · " << fmt(number(it, "frames"), 0) << " frames</span></h3>";
    if (in.item_dirs[i].empty())
      b << note("Run directory " + text(it, "dir") + " not found (looked in the current directory and in " +
                in.base_dir + "), so no charts.");
    else if (!in.item_frames[i].found)
      b << note("No frames.jsonl in " + in.item_dirs[i] + ".");
    else
      b << time_charts(in.item_frames[i].rows, "item-" + std::to_string(i) + "-", colours, 110, text(it, "reference"));
    b << "</div>";
  }
  if (items.empty()) b << note("No completed items.");
  b << "</section>\n";
  return b.str();
}

std::string failures_section(const json& failures) {
  std::ostringstream b;
  b << "<section id=\"failures\"><h2>Failures</h2>";
  if (failures.empty()) {
    b << note("None.");
  } else {
    b << "<table class=\"failures\"><thead><tr><th>id</th><th>input</th><th>error</th></tr></thead><tbody>";
    for (const auto& f : failures)
      b << "<tr><td>" << esc(text(f, "id")) << "</td><td class=\"path\">" << esc(text(f, "input"))
        << "</td><td class=\"err\">" << esc(text(f, "error")) << "</td></tr>";
    b << "</tbody></table>";
  }
  b << "</section>\n";
  return b.str();
}

}  // namespace

std::string render_collection_page(const CollectionInputs& in, const std::string& kind, const std::string& title_path,
                                   const HtmlReportOptions& options) {
  const GearColours colours = gear_colours(in);
  std::ostringstream b;
  b << "<h1>gearnn " << kind << " report</h1><p class=\"sub\">" << esc(title_path) << "</p>\n";
  b << summary_section(in, colours);
  b << items_section(in.items, in.agreement.is_object() ? references_of(in.agreement) : "");
  b << accuracy_sections(in.metrics, in.classes, in.palette, "IoU from the confusion matrices summed over all items.");
  b << agreement_sections(in.agreement, in.classes, in.palette, references_of(in.agreement),
                          "Agreement from the confusion matrices with the references summed over all items.");
  b << item_charts_section(in, colours, options);
  b << failures_section(in.failures);
  return page("gearnn " + kind + " report: " + title_path, b.str());
}

}  // namespace gearnn::html
