// Agreement with a reference run's masks: named apart from mIoU everywhere,
// and summed by `gearnn merge` into its own block next to the metrics.
#include <catch2/catch.hpp>
#include <filesystem>

#include "gearnn/common/json_io.h"
#include "gearnn/metrics/agreement.h"
#include "gearnn/metrics/merge_reports.h"
#include "test_support.h"

using namespace gearnn;
using namespace gearnn::test;
namespace fs = std::filesystem;

namespace {

const std::vector<std::string> kClasses = {"road", "car", "sky"};

// Reference (rows) against run (columns): road 3 equal + 1 as car; car 2 equal.
ConfusionMatrix small_matrix(uint64_t scale = 1) {
  ConfusionMatrix cm(3);
  cm.at(0, 0) = 3 * scale;
  cm.at(0, 1) = 1 * scale;
  cm.at(1, 1) = 2 * scale;
  return cm;
}

// A complete run report as `gearnn run` writes it, with the blocks given.
json run_report(const json& metrics, const json& agreement, int64_t frames) {
  json r = {{"tool", "gearnn"},
            {"complete", true},
            {"input", {{"path", "clip.mp4"}}},
            {"model", {{"classes", kClasses}, {"hash", "m"}}},
            {"gears", nullptr},
            {"frames", frames},
            {"seconds", 1.0},
            {"fps", double(frames)},
            {"gear_usage", {{"base", frames}}},
            {"gear_switches", 0}};
  if (!metrics.is_null()) r["metrics"] = metrics;
  if (!agreement.is_null()) r["agreement"] = agreement;
  return r;
}

json agreement_block(const ConfusionMatrix& cm, double mean_frame, const std::string& reference) {
  json a = agreement_json(cm, kClasses);
  a["mean_frame_agreement"] = mean_frame;
  a["reference"] = reference;
  a["reference_masks"] = reference + "/masks";
  return a;
}

void write_run(const std::string& dir, const json& report) {
  fs::create_directories(dir);
  write_json_file(dir + "/report.json", report);
}

}  // namespace

TEST_CASE("agreement: the scores of the matrix, named agreement and never mIoU", "[metrics][agreement]") {
  const json a = agreement_json(small_matrix(), kClasses);
  // road: TP 3, FN 1 -> 3/4; car: TP 2, FP 1 -> 2/3; sky absent from both.
  CHECK(a["agreement"].get<double>() == Approx((3.0 / 4 + 2.0 / 3) / 2));
  CHECK(a["agreement_pixel"].get<double>() == Approx(5.0 / 6));
  CHECK(a["agreement_iou"]["road"].get<double>() == Approx(0.75));
  CHECK(a["agreement_iou"]["sky"].is_null());
  CHECK(a["confusion_matrix"] == small_matrix().to_json());
  CHECK(a.size() == 4);
  const json scores = agreement_scores(small_matrix(), kClasses);
  CHECK(scores.size() == 3);
  CHECK_FALSE(scores.contains("confusion_matrix"));
  CHECK(a.dump().find("miou") == std::string::npos);
}

TEST_CASE("merge: agreement blocks sum their matrices into their own block", "[metrics][agreement][merge]") {
  const std::string dir = scratch_dir("merge-agreement");
  const json labels = metrics_json(small_matrix(), kClasses);
  write_run(dir + "/a", run_report(labels, agreement_block(small_matrix(), 0.5, "ref-a"), 4));
  write_run(dir + "/b", run_report(nullptr, agreement_block(small_matrix(10), 0.9, "ref-b"), 6));
  write_run(dir + "/c", run_report(labels, nullptr, 2));

  const json m = merge_reports({dir + "/a", dir + "/b", dir + "/c"});
  ConfusionMatrix summed = small_matrix();
  summed.add(small_matrix(10));
  const json& a = m["agreement"];
  CHECK(a["confusion_matrix"] == summed.to_json());
  CHECK(a["agreement"] == agreement_json(summed, kClasses)["agreement"]);
  CHECK(a["agreement_iou"] == agreement_json(summed, kClasses)["agreement_iou"]);
  CHECK(a["mean_item_agreement"].get<double>() ==
        Approx(agreement_json(small_matrix(), kClasses)["agreement"].get<double>()));  // both items score the same
  CHECK(a["mean_frame_agreement"].get<double>() == Approx((0.5 * 4 + 0.9 * 6) / 10));  // frame-weighted
  CHECK(a["references"] == json({"ref-a", "ref-b"}));
  // The metrics are only the labelled items', untouched by agreement.
  ConfusionMatrix labelled = small_matrix();
  labelled.add(small_matrix());
  CHECK(m["metrics"]["confusion_matrix"] == labelled.to_json());
  CHECK_FALSE(m["metrics"].contains("agreement"));

  REQUIRE(m["items"].size() == 3);
  CHECK(m["items"][0]["reference"] == "ref-a");
  CHECK(m["items"][0]["miou"].is_number());
  CHECK(m["items"][1]["agreement"] == agreement_json(small_matrix(10), kClasses)["agreement"]);
  CHECK(m["items"][1]["mean_frame_agreement"] == 0.9);
  CHECK(m["items"][1]["miou"].is_null());
  CHECK(m["items"][2]["agreement"].is_null());
  CHECK(m["items"][2]["reference"].is_null());

  // Without any reference there is no agreement block, as there are no metrics without labels.
  CHECK(merge_reports({dir + "/c"})["agreement"].is_null());
}

TEST_CASE("merge: agreement of reports with other classes is refused, naming the report", "[metrics][agreement][merge]") {
  const std::string dir = scratch_dir("merge-agreement-classes");
  write_run(dir + "/a", run_report(nullptr, agreement_block(small_matrix(), 0.5, "r"), 1));
  json other = run_report(nullptr, agreement_block(small_matrix(), 0.5, "r"), 1);
  other["model"]["classes"] = {"road", "car", "tree"};
  write_run(dir + "/b", other);
  CHECK_THAT(error_of([&] { merge_reports({dir + "/a", dir + "/b"}); }),
             Catch::StartsWith(dir + "/b/report.json: its classes differ"));
  json broken = run_report(nullptr, agreement_block(small_matrix(), 0.5, "r"), 1);
  broken["agreement"].erase("confusion_matrix");
  write_run(dir + "/c", broken);
  CHECK(error_of([&] { merge_reports({dir + "/c"}); }) == dir + "/c/report.json: /agreement/confusion_matrix: missing");
}
