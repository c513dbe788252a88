#include "run_report.h"

#include <sys/resource.h>

namespace gearnn {

double peak_rss_mib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024.0;  // ru_maxrss is in KiB on Linux
}

namespace {

json input_json(const RunFacts& f) {
  return {{"path", f.options.input},
          {"sha256", f.input_sha256 ? json(*f.input_sha256) : json(nullptr)},
          {"codec", f.input.codec},
          {"width", f.input.width},
          {"height", f.input.height},
          {"fps", f.input.fps},
          {"end_error", f.input_end_error.empty() ? json(nullptr) : json(f.input_end_error)}};
}

json model_json(const RunFacts& f) {
  return {{"dir", f.model.card().dir},
          {"hash", f.model.hash()},
          {"format", f.model.card().format},
          {"classes", f.model.card().classes},
          {"weight_bytes", f.model.weight_bytes()}};
}

json gears_json(const RunFacts& f) {
  if (!f.gears) return nullptr;
  return {{"dir", f.gears->config().dir},
          {"hash", f.gears->hash()},
          {"count", f.gears->config().gears.size()},
          {"gear_bytes", f.gears->gear_bytes()},
          {"backup_bytes", f.gears->backup_bytes()}};
}

json options_json(const RunOptions& o) {
  return {{"hold", o.hold},
          {"batch", o.batch},
          {"blend", o.blend},
          {"check_neighbours", o.check_neighbours},
          {"check_every", o.check_every},
          {"masks", o.masks},
          {"max_frames", o.max_frames},
          {"overlay", o.overlay_path.empty() ? json(nullptr) : json(o.overlay_path)}};
}

json gear_usage_json(const RunFacts& f) {
  json use = json::object();
  for (const auto& [g, count] : f.tally.gear_usage) use[g >= 0 ? f.gears->config().gears[g].name : "base"] = count;
  return use;
}

// what() of the error; empty for an exception that is not a std::exception.
std::string error_text(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
  }
  return "";
}

}  // namespace

json build_run_report(const RunFacts& f) {
  const RunOptions& o = f.options;
  const int64_t n = f.tally.frames;
  json report;
  report["tool"] = "gearnn";
  report["version"] = GEARNN_VERSION;
  report["complete"] = !f.error;
  report["input"] = input_json(f);
  report["output"] = {{"width", f.output_size.width}, {"height", f.output_size.height}};
  json renditions = json::array();
  for (const auto& [size, frames] : f.tally.renditions)
    renditions.push_back({{"width", size.first}, {"height", size.second}, {"frames", frames}});
  report["renditions"] = renditions;
  report["model"] = model_json(f);
  report["gears"] = gears_json(f);
  report["gt"] = o.gt_dir.empty() ? json(nullptr) : json({{"dir", o.gt_dir}});
  report["reference"] =
      o.reference_dir.empty() ? json(nullptr) : json({{"path", o.reference_dir}, {"masks", f.reference_masks}});
  if (!o.tag.is_null()) report["tag"] = o.tag;
  report["threads"] = {{"torch_intra_op", f.torch_threads}, {"decoder", o.decode_threads}, {"pipeline", 3}};
  report["options"] = options_json(o);
  report["frames"] = n;
  report["seconds"] = f.seconds;
  report["fps"] = f.seconds > 0 ? n / f.seconds : 0.0;
  report["mean_infer_ms"] = n ? f.tally.infer_ms / n : 0.0;
  report["mean_estimate_ms"] = n ? f.tally.estimate_ms / n : 0.0;
  report["gear_usage"] = gear_usage_json(f);
  report["gear_switches"] = f.tally.gear_switches;
  // With --check-neighbours: frames that kept another gear than the features chose.
  if (f.options.check_neighbours > 0) {
    report["checked_frames"] = f.tally.checked_frames;
    report["check_changed_frames"] = f.tally.check_changed_frames;
  }
  report["peak_rss_mib"] = peak_rss_mib();
  if (!f.metrics.is_null()) report["metrics"] = f.metrics;
  if (!f.agreement.is_null()) report["agreement"] = f.agreement;
  if (f.error) report["error"] = error_text(f.error);
  return report;
}

}  // namespace gearnn
