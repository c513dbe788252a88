#include <unistd.h>

#include <climits>
#include <cstdio>
#include <memory>

#include "command_options.h"
#include "commands.h"
#include "common_options.h"
#include "exit_status.h"
#include "gearnn/common/errors.h"
#include "gearnn/common/json_io.h"
#include "gearnn/metrics/merge_reports.h"
#include "gearnn/report/html_report.h"

namespace gearnn::cli {

CLI::App* bind_batch_options(CLI::App& app, BatchArgs& a) {
  BatchOptions& o = a.options;
  CLI::App* cmd =
      add_command(app, "batch", "Run every item of a JSON Lines manifest into OUT/<id>/ (resumable, shardable)");
  cmd->add_option("manifest", o.manifest, "JSON Lines: {\"id\", \"input\", \"gt\"?, \"model\"?, \"gears\"?} per line")
      ->required();
  cmd->add_option("--out", o.out_dir, "Output directory")->required();
  cmd->add_option("--model", o.model, "Model directory for items that name none");
  cmd->add_option("--gears", o.gears, "Gear set directory for items that name none");
  add_masks_option(cmd, o.masks);
  add_hold_option(cmd, o.hold);
  add_batch_option(cmd, o.batch);
  add_check_options(cmd, o.check_neighbours, o.check_every, "; items without gears run without it");
  cmd->add_option("--jobs", o.jobs, "Items run at once")->check(CLI::Range(1, 256));
  add_threads_option(cmd, o.threads, "usable cores / jobs; with one job, usable cores but one", "LibTorch threads per item");
  cmd->add_option("--shard", a.shard, "Take slice I of N (0 <= I < N, by a hash of the id)");
  add_quiet_flag(cmd, a.quiet);
  cmd->add_option("--html", a.html, "Also write the HTML report of OUT (as gearnn report OUT) to this file");
  return tidy_defaults(cmd);
}

CLI::App* bind_merge_options(CLI::App& app, MergeArgs& a) {
  CLI::App* cmd = add_command(app, "merge", "Combine run reports (batch dirs, shards, run dirs) into one");
  cmd->add_option("dirs", a.dirs, "Batch or run directories")->required();
  cmd->add_option("--out", a.out, "Merged report (JSON)")->required();
  add_quiet_flag(cmd, a.quiet, "No summary line");
  cmd->add_option("--html", a.html, "Also write the HTML report of the merged file to this file");
  return tidy_defaults(cmd);
}

namespace {

std::string this_executable() {
  char buf[PATH_MAX];
  const ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) fail("/proc/self/exe", "cannot find the gearnn binary");
  return std::string(buf, static_cast<size_t>(n));
}

void run_batch_command(BatchArgs& a) {
  BatchOptions& o = a.options;
  check_output_dir(o.out_dir);
  check_output_file(a.html);
  o.shard = Shard::parse(a.shard);
  o.progress = !a.quiet;
  o.gearnn_exe = this_executable();
  const BatchSummary s = run_batch(o);
  if (!a.quiet)
    std::fprintf(stderr,
                 "batch: shard %d/%d, %d items: %d done, %d skipped (already complete), %d failed; "
                 "%lld frames in %.1f s; %s\n",
                 o.shard.index, o.shard.count, s.items, s.done, s.skipped, s.failed, static_cast<long long>(s.frames),
                 s.seconds, s.thread_plan.c_str());
  if (!a.html.empty()) {
    write_html_report(o.out_dir, a.html);
    if (!a.quiet) std::fprintf(stderr, "batch: HTML report -> %s\n", a.html.c_str());
  }
  // The failures are recorded there, one per item; the others are complete.
  if (s.failed)
    throw PartialError(Error(o.out_dir + "/failures.jsonl", std::to_string(s.failed) + " of " +
                                                               std::to_string(s.items) + " items failed"));
}

void run_merge_command(const MergeArgs& a) {
  check_output_file(a.out);
  check_output_file(a.html);
  const json merged = merge_reports(a.dirs);
  write_json_file(a.out, merged);
  if (!a.html.empty()) write_html_report(a.out, a.html);
  if (a.quiet) return;
  // The per-item table (also in the merged JSON and the HTML page).
  // An agreement column only when some item was scored against a reference.
  const bool agreement = merged["agreement"].is_object();
  auto figure = [](const json& v) { return v.is_number() ? std::to_string(v.get<double>()).substr(0, 6) : "-"; };
  auto column = [&](const std::string& text) {
    char cell[32] = "";
    if (agreement) std::snprintf(cell, sizeof cell, " %9s", text.c_str());
    return std::string(cell);
  };
  std::fprintf(stderr, "%-24s %8s %8s %8s%s  %s\n", "item", "frames", "fps", "mIoU", column("agreement").c_str(),
               "gears used");
  for (const auto& item : merged["items"]) {
    std::string gears;
    for (const auto& [name, count] : item["gear_usage"].items())
      gears += (gears.empty() ? "" : " ") + name + ":" + std::to_string(count.get<int64_t>());
    std::fprintf(stderr, "%-24s %8lld %8.1f %8s%s  %s\n", item["id"].get<std::string>().c_str(),
                 static_cast<long long>(item["frames"].get<int64_t>()), item["fps"].get<double>(),
                 figure(item["miou"]).c_str(), column(figure(item["agreement"])).c_str(), gears.c_str());
  }
  for (const auto& f : merged["failures"])
    std::fprintf(stderr, "%-24s FAILED: %s\n", f.value("id", "?").c_str(), f.value("error", "").c_str());
  std::fprintf(stderr, "merged %zu items (%zu failed), %lld frames", merged["items"].size(), merged["failures"].size(),
               static_cast<long long>(merged["frames"].get<int64_t>()));
  const bool miou = merged["metrics"].is_object() && merged["metrics"]["miou"].is_number();
  if (miou)
    std::fprintf(stderr, ": mIoU %.4f (summed confusion matrix), mean item mIoU %.4f",
                 merged["metrics"]["miou"].get<double>(), merged["metrics"]["mean_item_miou"].get<double>());
  if (merged["agreement"].is_object() && merged["agreement"]["agreement"].is_number())
    std::fprintf(stderr, "%s agreement with the references %.4f (summed confusion matrix)", miou ? ";" : ":",
                 merged["agreement"]["agreement"].get<double>());
  std::fprintf(stderr, " -> %s\n", a.out.c_str());
}

}  // namespace

void add_batch_commands(CLI::App& app) {
  auto batch = std::make_shared<BatchArgs>();
  bind_batch_options(app, *batch)->callback([batch] { run_batch_command(*batch); });
  auto merge = std::make_shared<MergeArgs>();
  bind_merge_options(app, *merge)->callback([merge] { run_merge_command(*merge); });
}

}  // namespace gearnn::cli
