// `gearnn report` for runs made with --reference: agreement shown under its
// own name (never as mIoU), on run, batch and compare pages.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>

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

// text from the first `from` up to the next `to` (inclusive); "" when absent.
std::string between(const std::string& text, const std::string& from, const std::string& to) {
  const size_t a = text.find(from);
  if (a == std::string::npos) return "";
  const size_t b = text.find(to, a);
  return text.substr(a, b == std::string::npos ? std::string::npos : b + to.size() - a);
}

std::string street(const std::string& rel) { return source_dir() + "/data/" + rel; }

std::string run_street(const std::string& model, const std::string& extra, const std::string& out, int frames = 12) {
  must(gearnn_binary() + " run " + street("samples/street-dynamic/video.mp4") + " --model " + street(model) +
       " --max-frames " + std::to_string(frames) + " --quiet --out " + out + " " + extra);
  return out;
}

// The street model on the clip: the reference for the runs below.
std::string reference() {
  return fixture("report-agree-ref-12", [](const std::string& dir) { run_street("models/street", "", dir); });
}

// The same model and input with labels: agreement exactly 1 on every frame.
std::string run_a() {
  return fixture("report-agree-a-12", [](const std::string& dir) {
    run_street("models/street", "--gt " + street("samples/street-dynamic/labels") + " --reference " + reference(), dir);
  });
}

// Another model: its masks move away from the reference's.
std::string run_b() {
  return fixture("report-agree-b-12", [](const std::string& dir) {
    run_street("models/street-robust", "--gt " + street("samples/street-dynamic/labels") + " --reference " + reference(),
               dir);
  });
}

std::vector<json> lines_of(const std::string& path) {
  std::vector<json> out;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) out.push_back(json::parse(line));
  return out;
}

}  // namespace

TEST_CASE("html report: a run with --reference shows agreement with it, never as mIoU", "[html][agreement]") {
  const std::string html = render_html_report(run_b());
  for (const char* id : {"chart-agreement", "agreement-class-iou", "agreement-confusion", "chart-miou", "class-iou",
                         "confusion"})
    CHECK(count(html, std::string("id=\"") + id + "\"") == 1);
  CHECK(html.find("agreement with " + reference()) != std::string::npos);        // summary figure
  CHECK(html.find("Per-frame agreement with " + reference()) != std::string::npos);  // chart title
  CHECK(html.find("Agreement per class with " + reference()) != std::string::npos);
  CHECK(count(html, " · agreement 0.") == 6);  // sample captions
  // The agreement parts use their own words only.
  const std::string parts = between(html, "<section id=\"agreement-per-class\"", "</section>") +
                            between(html, "<section id=\"agreement-matrix\"", "</section>") +
                            between(html, "<svg id=\"chart-agreement\"", "</svg>");
  REQUIRE(parts.size() > 1000);
  for (const char* word : {"mIoU", "truth", "predicted", "IoU per class"}) {
    INFO(word);
    CHECK(parts.find(word) == std::string::npos);
  }
  CHECK(count(parts, "<rect class=\"cell") == 64);
  CHECK(parts.find("reference road → this run ") != std::string::npos);
}

TEST_CASE("html report: a run without --reference has no trace of agreement", "[html][agreement]") {
  const std::string html = render_html_report(reference());
  CHECK(html.find("id=\"chart-qp\"") != std::string::npos);
  CHECK(html.find("agreement") == std::string::npos);
}

TEST_CASE("html report: compare page: both runs on one chart, the frames that differ most marked",
          "[html][agreement][compare]") {
  const std::string html = render_compare_report(run_a(), run_b());
  CHECK(html.find("<h1>gearnn comparison</h1>") != std::string::npos);
  for (const char* id : {"compare-summary", "compare-miou", "compare-agreement", "compare-agreement-frames",
                         "compare-miou-frames", "a-gear-timeline", "b-gear-timeline"})
    CHECK(count(html, std::string("id=\"") + id + "\"") == 1);
  const std::string chart = between(html, "<svg id=\"compare-agreement\"", "</svg>");
  CHECK(count(chart, "<polyline class=\"series\" stroke=\"#2563eb\"") == 1);  // A
  CHECK(count(chart, "<polyline class=\"series\" stroke=\"#ea580c\"") == 1);  // B
  CHECK(count(chart, "<rect class=\"diff-mark\"") == 5);
  CHECK(html.find("Per-frame agreement with " + reference()) != std::string::npos);
  CHECK(html.find("mIoU") != std::string::npos);  // both have labels: mIoU charted too
  CHECK(chart.find("mIoU") == std::string::npos);

  // A agrees exactly (same model and input as the reference): the marks are B's lowest frames.
  for (const auto& line : lines_of(run_a() + "/frames.jsonl")) CHECK(line["agreement"] == 1.0);
  std::vector<std::pair<double, int64_t>> b_frames;
  for (const auto& line : lines_of(run_b() + "/frames.jsonl"))
    b_frames.emplace_back(line["agreement"].get<double>(), line["frame"].get<int64_t>());
  std::stable_sort(b_frames.begin(), b_frames.end(),
                   [](const auto& x, const auto& y) { return x.first < y.first; });
  const std::string table = between(html, "id=\"compare-agreement-frames\"", "</table>");
  size_t at = 0;
  for (int i = 0; i < 5; ++i) {  // listed largest difference first
    const std::string row = "<tr><td class=\"num\">" + std::to_string(b_frames[i].second) + "</td>";
    INFO(row);
    const size_t found = table.find(row, at);
    REQUIRE(found != std::string::npos);
    at = found + row.size();
  }
  // The summary table: figures side by side with B − A.
  const std::string summary = between(html, "<section id=\"compare-summary\"", "</section>");
  CHECK(summary.find("B − A") != std::string::npos);
  CHECK(summary.find("<th>agreement</th><td class=\"num\">1.0000</td>") != std::string::npos);
  CHECK(summary.find("<th>mIoU</th>") != std::string::npos);
  CHECK(html.find("<script") == std::string::npos);
}

TEST_CASE("html report: compare page of runs that agree, or that share no score", "[html][agreement][compare]") {
  const std::string same = render_compare_report(run_b(), run_b());
  CHECK(count(same, "<rect class=\"diff-mark\"") == 0);
  CHECK(same.find("The runs give the same agreement on every frame both have.") != std::string::npos);

  const std::string dir = scratch_dir("html-compare-plain");
  run_street("models/street", "--masks none", dir + "/plain", 6);
  const std::string html = render_compare_report(dir + "/plain", run_b());
  CHECK(html.find("Only run B has per-frame agreement (the other ran without --reference)") != std::string::npos);
  CHECK(html.find("Only run B has per-frame mIoU (the other ran without --gt)") != std::string::npos);
  CHECK(html.find("No per-frame score both runs have") != std::string::npos);
  CHECK(html.find("A has 6 frames, B 12") != std::string::npos);
  CHECK(html.find("id=\"compare-agreement\"") == std::string::npos);
}

TEST_CASE("html report: compare: bad inputs and the CLI", "[html][agreement][compare]") {
  const std::string dir = scratch_dir("html-compare-cli");
  CHECK(error_of([&] { render_compare_report(run_a(), dir + "/missing"); }) == dir + "/missing: not found");
  json merged = {{"kind", "merge"}};
  write_json_file(dir + "/merged.json", merged);
  CHECK(error_of([&] { render_compare_report(dir + "/merged.json", run_a()); }) ==
        dir + "/merged.json: not a run directory (--compare takes two runs)");

  CommandResult r = run_command(gearnn_binary() + " report " + run_a() + " --compare " + run_b() + " --out " + dir +
                                "/sub/compare.html");
  INFO(r.output);
  CHECK(r.exit_code == 0);
  CHECK(count(read_file(dir + "/sub/compare.html"), "<rect class=\"diff-mark\"") >= 5);
  CHECK_FALSE(fs::exists(run_a() + "/report.html"));  // neither run's own page is touched
  r = run_command(gearnn_binary() + " report " + run_a() + " --compare " + run_b());
  CHECK(r.exit_code != 0);
  CHECK(r.output.find("--compare requires --out") != std::string::npos);
  r = run_command(gearnn_binary() + " report " + run_a() + " --compare " + dir + "/missing --out " + dir + "/x.html");
  CHECK(r.exit_code == 1);
  CHECK(r.output == "gearnn: error: " + dir + "/missing: not found\n");
  CHECK_FALSE(fs::exists(dir + "/x.html"));
}

TEST_CASE("html report: batch page sums agreement apart from mIoU, each item's reference named",
          "[html][agreement]") {
  const std::string dir = scratch_dir("html-agree-batch");
  fs::copy(run_a(), dir + "/a", fs::copy_options::recursive);
  fs::copy(run_b(), dir + "/b", fs::copy_options::recursive);
  std::string html = render_html_report(dir);
  CHECK(html.find("agreement with " + reference()) != std::string::npos);
  CHECK(html.find("<th class=\"num\">agreement with " + reference() + "</th>") != std::string::npos);
  CHECK(html.find("mean item agreement") != std::string::npos);
  for (const char* id : {"agreement-class-iou", "agreement-confusion", "item-0-chart-agreement",
                         "item-1-chart-agreement", "class-iou", "confusion"})
    CHECK(count(html, std::string("id=\"") + id + "\"") == 1);

  json report = read_json_file(dir + "/b/report.json");
  report["agreement"]["reference"] = "elsewhere";
  write_json_file(dir + "/b/report.json", report);
  html = render_html_report(dir);
  CHECK(html.find("agreement with each item&#39;s reference") != std::string::npos);
  CHECK(html.find("title=\"with elsewhere\"") != std::string::npos);
}
