#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <mutex>
#include <set>
#include <thread>

#include "child_process.h"
#include "failure_log.h"
#include "gearnn/batch/batch.h"
#include "gearnn/common/cores.h"
#include "gearnn/common/progress.h"

namespace fs = std::filesystem;

namespace gearnn {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

std::string now_utc() {
  const std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

std::vector<BatchItem> items_of_shard(const BatchOptions& o) {
  std::vector<BatchItem> items;
  for (const auto& item : read_manifest(o.manifest, o.model, o.gears))
    if (o.shard.contains(item.id)) items.push_back(item);
  return items;
}

// LibTorch threads per item: --threads; else one item at a time runs as
// `gearnn run` would (every usable core but one), and several share the cores.
struct ThreadPlan {
  int threads;
  std::string text;
};

ThreadPlan plan_threads(const BatchOptions& o) {
  const int cores = usable_cores();
  ThreadPlan plan;
  plan.threads = o.threads > 0 ? o.threads : o.jobs == 1 ? run_forward_threads(0) : std::max(1, cores / o.jobs);
  plan.text = std::to_string(o.jobs) + " job(s) x " + std::to_string(plan.threads) +
              " LibTorch thread(s) (+1 decoder, +1 writer each) on " + std::to_string(cores) + " usable core(s)";
  if (o.jobs * plan.threads > cores) plan.text += " (oversubscribed: more threads than cores)";
  return plan;
}

// ---- one item ----

bool complete_with_key(const std::string& report_path, const std::string& key) {
  if (!fs::exists(report_path)) return false;
  try {
    const json r = read_json_file(report_path);
    return r.value("complete", false) && r.contains("tag") && r["tag"].is_object() &&
           r["tag"].value("key", "") == key;
  } catch (const std::exception&) {
    return false;  // unreadable: redo it
  }
}

struct ItemOutcome {
  bool skipped = false;  // already complete with the same key
  std::string error;     // empty: done or skipped
  int64_t frames = 0;    // segmented now
  double seconds = 0;
};

std::vector<std::string> gearnn_run_argv(const BatchItem& item, const std::string& key, const std::string& out_dir,
                                         const BatchOptions& o, int threads) {
  std::vector<std::string> argv = {o.gearnn_exe, "run", item.input, "--model", item.model, "--out", out_dir,
                                   "--masks", o.masks, "--hold", std::to_string(o.hold), "--batch", std::to_string(o.batch), "--threads",
                                   std::to_string(threads), "--quiet", "--tag",
                                   json_text(json{{"batch_id", item.id}, {"key", key}})};
  if (!item.gears.empty()) argv.insert(argv.end(), {"--gears", item.gears});
  if (!item.gears.empty() && o.check_neighbours > 0)
    argv.insert(argv.end(), {"--check-neighbours", std::to_string(o.check_neighbours), "--check-every",
                             std::to_string(o.check_every)});
  if (!item.gt.empty()) argv.insert(argv.end(), {"--gt", item.gt});
  return argv;
}

// Whatever the run left (a partial report keeps finished frames) replaces the old outputs.
void replace_outputs(const std::string& partial, const std::string& dir, const std::string& old) {
  if (!fs::exists(partial)) return;
  fs::remove_all(old);
  if (fs::exists(dir)) fs::rename(dir, old);
  fs::rename(partial, dir);
  fs::remove_all(old);
}

// `gearnn run` into OUT/.partial-ID, then moved to OUT/ID.
ItemOutcome run_item(const BatchItem& item, const std::string& key, const BatchOptions& o, int threads) {
  const std::string dir = o.out_dir + "/" + item.id;
  const std::string partial = o.out_dir + "/.partial-" + item.id;
  fs::remove_all(partial);
  const ChildResult r = run_child(gearnn_run_argv(item, key, partial, o, threads));
  replace_outputs(partial, dir, o.out_dir + "/.old-" + item.id);
  ItemOutcome outcome;
  if (r.exit_code != 0 || !complete_with_key(dir + "/report.json", key))
    outcome.error = child_error(r);
  else
    outcome.frames =
        json_int_or(read_json_file(dir + "/report.json"), "/frames", 0, 0, INT64_MAX, dir + "/report.json");
  return outcome;
}

// Skips an item whose complete report carries the same key, else runs it; errors become the outcome.
ItemOutcome process_item(const BatchItem& item, const BatchOptions& o, int threads) {
  const auto t0 = Clock::now();
  ItemOutcome outcome;
  try {
    const std::string key = item_key(item, o, threads);
    if (complete_with_key(o.out_dir + "/" + item.id + "/report.json", key))
      outcome.skipped = true;
    else
      outcome = run_item(item, key, o, threads);
  } catch (const std::exception& e) {
    outcome.error = e.what();
  }
  outcome.seconds = seconds_since(t0);
  return outcome;
}

json failure_record(const BatchItem& item, const std::string& error, const Shard& shard) {
  return {{"id", item.id},
          {"input", item.input},
          {"error", error},
          {"shard", std::to_string(shard.index) + "/" + std::to_string(shard.count)},
          {"time", now_utc()}};
}

// ---- the workers ----

// What the workers share: the next item, the counts and the status line.
class BatchRun {
 public:
  BatchRun(const std::vector<BatchItem>& items, const BatchOptions& o, BatchSummary& summary)
      : items_(items), o_(o), summary_(summary), tty_(o.progress && Progress::stderr_is_terminal()) {}

  // False when every item has been handed out.
  bool next(BatchItem& item) {
    std::lock_guard<std::mutex> lock(mu_);
    if (next_ >= items_.size()) return false;
    item = items_[next_++];
    return true;
  }

  void finished(const BatchItem& item, const ItemOutcome& outcome) {
    std::lock_guard<std::mutex> lock(mu_);
    ++finished_;
    if (outcome.skipped) {
      ++summary_.skipped;
      status_line(item.id + ": skipped, already complete");
      return;
    }
    run_seconds_ += outcome.seconds;
    if (outcome.error.empty()) {
      ++summary_.done;
      summary_.frames += outcome.frames;
      status_line(item.id + ": done, " + std::to_string(outcome.frames) + " frames");
    } else {
      ++summary_.failed;
      status_line(item.id + ": FAILED: " + outcome.error);
    }
  }

  // Ends the updating status line on a terminal.
  void end() const {
    if (tty_) std::fprintf(stderr, "\n");
  }

  double elapsed() const { return seconds_since(t0_); }

 private:
  void status_line(const std::string& event) {  // called with mu_ held
    if (!o_.progress) return;
    const double secs = elapsed();
    const int ran = summary_.done + summary_.failed;
    const int remaining = summary_.items - finished_;
    std::string eta = "?";
    if (ran > 0) eta = format_duration(remaining * (run_seconds_ / ran) / o_.jobs);
    char buf[512];
    std::snprintf(buf, sizeof buf, "batch %d/%d items: %d done, %d skipped, %d failed | %.1f frames/s | ETA %s",
                  finished_, summary_.items, summary_.done, summary_.skipped, summary_.failed,
                  secs > 0 ? summary_.frames / secs : 0.0, remaining ? eta.c_str() : format_duration(0).c_str());
    if (tty_)
      std::fprintf(stderr, "\r\033[K%s", buf);
    else
      std::fprintf(stderr, "%s  [%s]\n", buf, event.c_str());
  }

  const std::vector<BatchItem>& items_;
  const BatchOptions& o_;
  BatchSummary& summary_;
  const bool tty_;
  const Clock::time_point t0_ = Clock::now();
  std::mutex mu_;
  size_t next_ = 0;
  int finished_ = 0;         // done + failed + skipped
  double run_seconds_ = 0;   // summed over items actually run
};

// A record of this shard's run; it also marks OUT as a batch directory for
// `gearnn merge` when the shard happened to hold no items.
void write_shard_record(const BatchOptions& o, const BatchSummary& summary) {
  write_json_file(o.out_dir + "/shard-" + std::to_string(o.shard.index) + "-of-" + std::to_string(o.shard.count) +
                      ".json",
                  {{"manifest", o.manifest}, {"shard", {{"index", o.shard.index}, {"count", o.shard.count}}},
                   {"items", summary.items}, {"done", summary.done}, {"skipped", summary.skipped},
                   {"failed", summary.failed}, {"frames", summary.frames}, {"seconds", summary.seconds},
                   {"thread_plan", summary.thread_plan}, {"finished", now_utc()}});
}

}  // namespace

BatchSummary run_batch(const BatchOptions& o) {
  if (o.jobs < 1) fail("--jobs", "must be at least 1");
  if (o.gearnn_exe.empty()) fail("gearnn", "batch needs the path of the gearnn binary");
  const std::vector<BatchItem> items = items_of_shard(o);
  create_dirs(o.out_dir);
  BatchSummary summary;
  summary.items = static_cast<int>(items.size());
  const ThreadPlan plan = plan_threads(o);
  summary.thread_plan = plan.text;

  FailureLog failures(o.out_dir);
  std::set<std::string> ids;
  for (const auto& item : items) ids.insert(item.id);
  failures.forget(ids);

  BatchRun run(items, o, summary);
  auto work = [&] {
    BatchItem item;
    while (run.next(item)) {
      const ItemOutcome outcome = process_item(item, o, plan.threads);
      if (!outcome.error.empty()) failures.append(failure_record(item, outcome.error, o.shard));
      run.finished(item, outcome);
    }
  };
  std::vector<std::thread> workers;
  for (int i = 0; i < std::min<int>(o.jobs, std::max<int>(1, summary.items)); ++i) workers.emplace_back(work);
  for (auto& w : workers) w.join();
  run.end();
  summary.seconds = run.elapsed();
  write_shard_record(o, summary);
  return summary;
}

}  // namespace gearnn
