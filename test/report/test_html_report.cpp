// `gearnn report`: the page's structure for run, batch and merged inputs.
// The rendering itself is checked in a browser by html_report_chromium.sh.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <regex>

#include "gearnn/common/errors.h"
#include "gearnn/common/json_io.h"
#include "gearnn/report/html_report.h"
#include "test_support.h"

using namespace gearnn;
using namespace gearnn::test;

namespace {

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t p = text.find(what); p != std::string::npos; p = text.find(what, p + what.size())) ++n;
  return n;
}

std::string street(const std::string& rel) { return source_dir() + "/data/" + rel; }

// The shipped model on 12 frames of the shipped clip, with gears, labels and masks.
std::string street_run() {
  return fixture("report-run-street-12", [](const std::string& dir) {
    must(gearnn_binary() + " run " + street("samples/street-dynamic/video.mp4") + " --model " +
         street("models/street") + " --gears " + street("models/street/gears/brightness") + " --gt " +
         street("samples/street-dynamic/labels") + " --max-frames 12 --quiet --out " + dir);
  });
}

// No labels, no masks.
std::string street_run_plain() {
  return fixture("report-run-street-plain-6", [](const std::string& dir) {
    must(gearnn_binary() + " run " + street("samples/street-dynamic/video.mp4") + " --model " +
         street("models/street") + " --masks none --max-frames 6 --quiet --out " + dir);
  });
}

void write(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
}

}  // namespace

TEST_CASE("html report: html_escape makes text safe for content and attributes", "[html]") {
  CHECK(html_escape("a<b>&\"c\"'d'") == "a&lt;b&gt;&amp;&quot;c&quot;&#39;d&#39;");
  CHECK(html_escape("plain") == "plain");
}

TEST_CASE("html report: run page: time charts, gear timeline, class bars, confusion matrix, samples", "[html]") {
  const std::string run = street_run();
  REQUIRE(report_source(run) == ReportSource::run);
  const std::string html = render_html_report(run);
  CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
  for (const char* id : {"chart-miou", "chart-qp", "chart-luma", "gear-timeline", "class-iou", "confusion"})
    CHECK(count(html, std::string("id=\"") + id + "\"") == 1);
  CHECK(count(html, "<polyline class=\"series\"") >= 3);
  CHECK(count(html, "<rect class=\"band\"") >= 1);
  CHECK(count(html, "<rect class=\"cell") == 64);  // 8 x 8 classes
  CHECK(count(html, "<img class=\"sample\"") == 6);
  CHECK(count(html, "src=\"data:image/jpeg;base64,") == 6);
  CHECK(html.find("class-legend") != std::string::npos);  // masks were overlaid
  // Self-contained: nothing fetched, nothing run.
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("http://") == std::string::npos);
  CHECK(html.find("https://") == std::string::npos);

  HtmlReportOptions three;
  three.samples = 3;
  CHECK(count(render_html_report(run, three), "<img class=\"sample\"") == 3);
  three.samples = 0;
  CHECK(count(render_html_report(run, three), "<img") == 0);
  // A path to report.json means its run directory.
  CHECK(report_source(run + "/report.json") == ReportSource::run);
}

TEST_CASE("html report: write_html_report writes DIR/report.html by default, atomically", "[html]") {
  const std::string dir = scratch_dir("html-write");
  fs::copy(street_run(), dir + "/run", fs::copy_options::recursive);
  CHECK(default_html_path(dir + "/run") == dir + "/run/report.html");
  CHECK(write_html_report(dir + "/run", "", 2) == dir + "/run/report.html");
  CHECK(fs::file_size(dir + "/run/report.html") > 10000);
  CHECK_FALSE(fs::exists(dir + "/run/report.html.tmp"));
  CHECK(write_html_report(dir + "/run", dir + "/sub/page.html", 1) == dir + "/sub/page.html");
  CHECK(count(read_file(dir + "/sub/page.html"), "<img class=\"sample\"") == 1);
}

TEST_CASE("html report: run without labels or masks: notes instead of accuracy charts, plain frames", "[html]") {
  const std::string html = render_html_report(street_run_plain());
  CHECK(html.find("id=\"chart-qp\"") != std::string::npos);
  CHECK(html.find("id=\"chart-luma\"") != std::string::npos);
  CHECK(html.find("id=\"gear-timeline\"") != std::string::npos);
  CHECK(html.find("id=\"chart-miou\"") == std::string::npos);
  CHECK(html.find("id=\"class-iou\"") == std::string::npos);
  CHECK(html.find("id=\"confusion\"") == std::string::npos);
  CHECK(html.find("no ground truth") != std::string::npos);
  CHECK(html.find("Masks were not saved (--masks none)") != std::string::npos);
  CHECK(count(html, "<img class=\"sample\"") == 6);
}

TEST_CASE("html report: text from reports is escaped, a vanished video leaves a note", "[html]") {
  const std::string dir = scratch_dir("html-escape") + "/run";
  fs::copy(street_run(), dir, fs::copy_options::recursive);
  json report = read_json_file(dir + "/report.json");
  report["input"]["path"] = "gone/<b>&\"clip\".mp4";
  report["model"]["classes"][7] = "<car>";
  write_json_file(dir + "/report.json", report);
  std::string frames = read_file(dir + "/frames.jsonl");
  frames = std::regex_replace(frames, std::regex("\"gear\":\"[^\"]*\""), "\"gear\":\"<g&1>\"");
  write(dir + "/frames.jsonl", frames);

  const std::string html = render_html_report(dir);
  CHECK(html.find("<car>") == std::string::npos);
  CHECK(html.find("&lt;car&gt;") != std::string::npos);
  CHECK(html.find("<g&1>") == std::string::npos);
  CHECK(html.find("&lt;g&amp;1&gt;") != std::string::npos);
  CHECK(html.find("<b>&") == std::string::npos);
  CHECK(html.find("gone/&lt;b&gt;&amp;&quot;clip&quot;.mp4") != std::string::npos);
  CHECK(html.find("cannot be found any more") != std::string::npos);
  CHECK(count(html, "<img") == 0);
  CHECK(html.find("id=\"confusion\"") != std::string::npos);  // the rest of the page is still there
}

TEST_CASE("html report: batch directory: summary, items, summed matrix, per-item charts, failures", "[html]") {
  const std::string dir = scratch_dir("html-batch");
  fs::copy(street_run(), dir + "/alpha", fs::copy_options::recursive);
  fs::copy(street_run(), dir + "/beta", fs::copy_options::recursive);
  write(dir + "/failures.jsonl", R"({"id":"gamma","input":"x.mp4","error":"x.mp4: <script>alert(1)</script>"})"
                                 "\n");
  REQUIRE(report_source(dir) == ReportSource::batch);
  CHECK(default_html_path(dir) == dir + "/report.html");
  const std::string html = render_html_report(dir);
  CHECK(html.find("gearnn batch report") != std::string::npos);
  CHECK(html.find("mIoU (summed matrix)") != std::string::npos);
  CHECK(html.find("mean item mIoU") != std::string::npos);
  CHECK(html.find("<td>alpha</td>") != std::string::npos);
  CHECK(html.find("<td>beta</td>") != std::string::npos);
  CHECK(html.find("id=\"class-iou\"") != std::string::npos);
  CHECK(html.find("id=\"confusion\"") != std::string::npos);
  for (const char* id : {"item-0-chart-miou", "item-0-chart-qp", "item-0-gear-timeline", "item-1-chart-luma"})
    CHECK(html.find(std::string("id=\"") + id + "\"") != std::string::npos);
  CHECK(html.find("<td>gamma</td>") != std::string::npos);
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
}

TEST_CASE("html report: merged report: item directories relative to the merged file, charts capped", "[html]") {
  const std::string dir = scratch_dir("html-merged");
  fs::create_directories(dir + "/runs");
  fs::copy(street_run(), dir + "/runs/one", fs::copy_options::recursive);
  const json r = read_json_file(dir + "/runs/one/report.json");
  json items = json::array();
  for (int i = 0; i < 13; ++i) {
    char id[16];
    std::snprintf(id, sizeof id, "item%02d", i);
    items.push_back({{"id", id}, {"dir", i == 12 ? "nowhere/x" : "../runs/one"}, {"input", "clip.mp4"},
                     {"frames", 12}, {"seconds", 1.0}, {"fps", 12.0}, {"complete", true},
                     {"miou", r["metrics"]["miou"]}, {"mean_frame_miou", r["metrics"]["mean_frame_miou"]},
                     {"pixel_acc", r["metrics"]["pixel_acc"]}, {"gear_usage", r["gear_usage"]},
                     {"gear_switches", r["gear_switches"]}});
  }
  json merged = {{"tool", "gearnn"},
                 {"kind", "merge"},
                 {"sources", {"runs"}},
                 {"classes", r["model"]["classes"]},
                 {"items", items},
                 {"failures", json::array({{{"id", "bad"}, {"input", "bad.mp4"}, {"error", "bad.mp4: not found"}}})},
                 {"frames", 156},
                 {"seconds", 13.0},
                 {"gear_usage", r["gear_usage"]},
                 {"gear_switches", 0},
                 {"metrics", r["metrics"]}};
  merged["metrics"]["mean_item_miou"] = r["metrics"]["miou"];
  fs::create_directories(dir + "/out");
  write_json_file(dir + "/out/merged.json", merged);

  REQUIRE(report_source(dir + "/out/merged.json") == ReportSource::merged);
  CHECK(default_html_path(dir + "/out/merged.json") == dir + "/out/merged.html");
  const std::string html = render_html_report(dir + "/out/merged.json");
  CHECK(html.find("gearnn merge report") != std::string::npos);
  CHECK(html.find("id=\"item-0-chart-miou\"") != std::string::npos);
  CHECK(html.find("id=\"item-11-gear-timeline\"") != std::string::npos);
  CHECK(html.find("id=\"item-12-") == std::string::npos);
  CHECK(html.find("first 12 of 13 items") != std::string::npos);
  CHECK(html.find("<td>item12</td>") != std::string::npos);  // still in the table
  CHECK(html.find("<td>bad</td>") != std::string::npos);
  CHECK(html.find("id=\"confusion\"") != std::string::npos);
  CHECK(write_html_report(dir + "/out/merged.json") == dir + "/out/merged.html");
  CHECK(fs::exists(dir + "/out/merged.html"));
}

TEST_CASE("html report: bad report inputs: one error naming the path", "[html]") {
  const std::string dir = scratch_dir("html-bad");
  CHECK_THROWS_WITH(render_html_report(dir + "/missing"), Catch::Contains(dir + "/missing") && Catch::Contains("not found"));
  fs::create_directories(dir + "/empty");
  CHECK_THROWS_AS(render_html_report(dir + "/empty"), Error);
  CHECK_THROWS_WITH(render_html_report(dir + "/empty"), Catch::Contains(dir + "/empty") && Catch::Contains("not a gearnn"));
  write(dir + "/other.json", "{\"kind\": \"something\"}");
  CHECK_THROWS_WITH(render_html_report(dir + "/other.json"), Catch::Contains(dir + "/other.json"));
  write(dir + "/broken.json", "{not json");
  CHECK_THROWS_WITH(render_html_report(dir + "/broken.json"), Catch::Contains(dir + "/broken.json"));
  fs::create_directories(dir + "/badrun");
  write(dir + "/badrun/report.json", "[");
  CHECK_THROWS_WITH(render_html_report(dir + "/badrun"), Catch::Contains(dir + "/badrun/report.json"));

  const CommandResult r = run_command(gearnn_binary() + " report " + dir + "/missing");
  CHECK(r.exit_code == 1);
  CHECK(r.output == "gearnn: error: " + dir + "/missing: not found\n");
  CHECK_FALSE(fs::exists(dir + "/missing"));
}

TEST_CASE("html report: gearnn report CLI writes the page", "[html]") {
  const std::string dir = scratch_dir("html-cli");
  fs::copy(street_run(), dir + "/run", fs::copy_options::recursive);
  const CommandResult r =
      run_command(gearnn_binary() + " report " + dir + "/run --out " + dir + "/page.html --samples 2");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK(r.output.find(dir + "/page.html") != std::string::npos);
  CHECK(count(read_file(dir + "/page.html"), "<img class=\"sample\"") == 2);
}
