#include "gearnn/batch/batch.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <ctime>
#include <map>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <regex>
#include <set>
#include <thread>

#include "gearnn/common/hashing.h"
#include "gearnn/common/progress.h"
#include "gearnn/gears/gear_set.h"
#include "gearnn/io/model_card.h"
#include "gearnn/io/shipped_data.h"

namespace fs = std::filesystem;

namespace gearnn {

Shard Shard::parse(const std::string& text) {
  static const std::regex form(R"((\d{1,6})/(\d{1,6}))");
  std::smatch m;
  if (!std::regex_match(text, m, form)) fail("--shard " + text, "expected I/N with 0 <= I < N");
  Shard s{std::stoi(m[1]), std::stoi(m[2])};
  if (s.count < 1 || s.index >= s.count) fail("--shard " + text, "expected I/N with 0 <= I < N");
  return s;
}

bool Shard::contains(const std::string& id) const {
  // A hash of the id, not its line number: editing the manifest moves no other item.
  const uint64_t h = std::stoull(sha256_string(id).substr(0, 15), nullptr, 16);
  return static_cast<int>(h % static_cast<uint64_t>(count)) == index;
}

bool valid_item_id(const std::string& id) {
  static const std::regex form(R"([A-Za-z0-9_-][A-Za-z0-9._-]{0,199})");
  return std::regex_match(id, form);
}

std::vector<BatchItem> read_manifest(const std::string& path, const std::string& default_model,
                                     const std::string& default_gears) {
  std::ifstream in(path);
  if (!in) fail(path, "manifest not found or unreadable");
  const fs::path base = fs::path(path).parent_path();
  auto resolve = [&](const std::string& p) {
    if (p.empty() || fs::path(p).is_absolute()) return p;
    return (base / p).lexically_normal().string();
  };
  std::vector<BatchItem> items;
  std::map<std::string, int> seen;
  std::string text;
  for (int line = 1; std::getline(in, text); ++line) {
    if (text.find_first_not_of(" \t\r") == std::string::npos) continue;
    const std::string where = path + ":" + std::to_string(line);
    json j;
    try {
      j = json::parse(text);
    } catch (const json::exception&) {
      fail(where, "not a JSON object");
    }
    if (!j.is_object()) fail(where, "not a JSON object");
    for (const auto& entry : j.items())
      if (entry.key() != "id" && entry.key() != "input" && entry.key() != "gt" && entry.key() != "model" &&
          entry.key() != "gears")
        fail(where, "unknown key '" + entry.key() + "' (expected id, input, gt, model, gears)");
    BatchItem item;
    item.line = line;
    item.id = json_get<std::string>(j, "id", where);
    if (!valid_item_id(item.id))
      fail(where, "id '" + item.id + "' must be letters, digits, '.', '_' or '-' and not start with '.'");
    if (auto [it, fresh] = seen.emplace(item.id, line); !fresh)
      fail(where, "id '" + item.id + "' already used on line " + std::to_string(it->second));
    item.input = resolve(json_get<std::string>(j, "input", where));
    auto optional = [&](const char* key, const std::string& fallback) {
      if (!j.contains(key) || j[key].is_null()) return fallback;
      return resolve(json_get<std::string>(j, key, where));
    };
    item.gt = optional("gt", "");
    item.model = optional("model", default_model);
    item.gears = optional("gears", default_gears);
    if (item.model.empty()) fail(where, "no model: give one in the item or with --model");
    items.push_back(std::move(item));
  }
  if (items.empty()) fail(path, "manifest has no items");
  return items;
}

std::string item_key(const BatchItem& item, const BatchOptions& options) {
  json parts;
  if (fs::is_regular_file(item.input))
    parts["input"] = sha256_file(item.input);
  else if (item.input.find('%') != std::string::npos && fs::is_directory(fs::path(item.input).parent_path()))
    parts["input"] = sha256_directory(fs::path(item.input).parent_path().string());  // image sequence
  else
    fail(item.input, "input file not found");
  parts["gt"] = item.gt.empty() ? json(nullptr) : json(sha256_directory(item.gt));
  const ModelCard card = load_model_card(item.model);
  parts["model"] = model_hash(card);
  if (item.gears.empty()) {
    parts["gears"] = nullptr;
  } else {  // gears.json and every file it names (a combined set names files outside its directory)
    const GearSet cfg = load_gear_set(find_gear_set_dir(item.gears, card.dir));
    Sha256 h;
    h.update(sha256_file(cfg.dir + "/gears.json"));
    for (size_t i = 0; i < cfg.gears.size(); ++i) h.update(sha256_file(cfg.file_path(i)));
    parts["gears"] = h.hex();
  }
  parts["options"] = {{"masks", options.masks}, {"hold", options.hold}};
  return sha256_string(parts.dump());
}

int usable_cores() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) == 0) return std::max(1, CPU_COUNT(&set));
  return std::max(1u, std::thread::hardware_concurrency());
}

namespace {

struct ChildResult {
  int exit_code = -1;      // -1 if killed by a signal
  int signal = 0;
  std::string stderr_text;
};

// Runs argv[0] with stdout discarded and stderr captured; the child dies with us.
ChildResult run_child(const std::vector<std::string>& argv) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) fail(argv[0], "cannot create a pipe");
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) fail(argv[0], "cannot fork");
  if (pid == 0) {
    // Only async-signal-safe calls between fork and exec.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(126);
    dup2(fds[1], 2);
    const int devnull = open("/dev/null", O_WRONLY);
    if (devnull >= 0) dup2(devnull, 1);
    execv(args[0], args.data());
    const char msg[] = "gearnn: error: cannot start the gearnn binary\n";
    ssize_t ignored = write(2, msg, sizeof msg - 1);
    (void)ignored;
    _exit(127);
  }
  close(fds[1]);
  ChildResult r;
  char buf[4096];
  ssize_t n;
  while ((n = read(fds[0], buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR))
    if (n > 0) r.stderr_text.append(buf, static_cast<size_t>(n));
  close(fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) r.signal = WTERMSIG(status);
  return r;
}

// The child's one-line error, without the "gearnn: error: " prefix.
std::string child_error(const ChildResult& r) {
  if (r.signal) return "gearnn run was killed by signal " + std::to_string(r.signal);
  std::string last;
  size_t start = 0;
  while (start < r.stderr_text.size()) {
    size_t end = r.stderr_text.find('\n', start);
    if (end == std::string::npos) end = r.stderr_text.size();
    const std::string line = r.stderr_text.substr(start, end - start);
    if (line.find_first_not_of(" \r\t") != std::string::npos) last = line;
    start = end + 1;
  }
  const std::string prefix = "gearnn: error: ";
  if (last.rfind(prefix, 0) == 0) last = last.substr(prefix.size());
  if (last.empty()) last = "gearnn run exited with code " + std::to_string(r.exit_code);
  return last;
}

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

// OUT/failures.jsonl, shared by shards that may run at once: every change
// happens under an exclusive lock on OUT/.failures.lock.
class FailureLog {
 public:
  explicit FailureLog(const std::string& out_dir)
      : path_(out_dir + "/failures.jsonl"), lock_path_(out_dir + "/.failures.lock") {}

  // Drops earlier records of the items this run is about to retry.
  void forget(const std::set<std::string>& ids) {
    Locked lock(lock_path_);
    if (!fs::exists(path_)) return;
    std::ifstream in(path_);
    std::string line, kept;
    while (std::getline(in, line)) {
      try {
        if (ids.count(json::parse(line).value("id", ""))) continue;
      } catch (const json::exception&) {
        continue;  // a torn line from a killed writer
      }
      kept += line + "\n";
    }
    write_text_file(path_, kept);
  }

  void append(const json& record) {
    Locked lock(lock_path_);
    std::ofstream out(path_, std::ios::app);
    out << record.dump() << "\n";
    out.flush();
    if (!out) fail(path_, "cannot append a failure record");
  }

 private:
  struct Locked {
    explicit Locked(const std::string& path) : fd(open(path.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0644)) {
      if (fd < 0) fail(path, "cannot open the lock file");
      while (flock(fd, LOCK_EX) != 0 && errno == EINTR) {
      }
    }
    ~Locked() { close(fd); }
    int fd;
  };
  std::string path_, lock_path_;
};

std::string now_utc() {
  const std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

}  // namespace

BatchSummary run_batch(const BatchOptions& o) {
  if (o.jobs < 1) fail("--jobs", "must be at least 1");
  if (o.gearnn_exe.empty()) fail("gearnn", "batch needs the path of the gearnn binary");
  const auto all = read_manifest(o.manifest, o.model, o.gears);
  std::vector<BatchItem> items;
  for (const auto& item : all)
    if (o.shard.contains(item.id)) items.push_back(item);
  fs::create_directories(o.out_dir);

  BatchSummary summary;
  summary.items = static_cast<int>(items.size());
  const int cores = usable_cores();
  const int threads = o.threads > 0 ? o.threads : std::max(1, cores / o.jobs);
  summary.thread_plan = std::to_string(o.jobs) + " job(s) x " + std::to_string(threads) +
                        " LibTorch thread(s) (+1 decoder, +1 writer each) on " + std::to_string(cores) +
                        " usable core(s)";
  if (o.jobs * threads > cores) summary.thread_plan += " (oversubscribed: more threads than cores)";

  FailureLog failures(o.out_dir);
  {
    std::set<std::string> ids;
    for (const auto& item : items) ids.insert(item.id);
    failures.forget(ids);
  }

  std::mutex mu;
  size_t next = 0;
  int finished = 0;  // done + failed + skipped
  double run_seconds = 0;  // summed over items actually run
  const auto t0 = std::chrono::steady_clock::now();
  const bool tty = o.progress && Progress::stderr_is_terminal();
  auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };

  auto status_line = [&](const std::string& event) {  // called with mu held
    if (!o.progress) return;
    const double secs = elapsed();
    const int ran = summary.done + summary.failed;
    const int remaining = summary.items - finished;
    std::string eta = "?";
    if (ran > 0) eta = format_duration(remaining * (run_seconds / ran) / o.jobs);
    char buf[512];
    std::snprintf(buf, sizeof buf, "batch %d/%d items: %d done, %d skipped, %d failed | %.1f frames/s | ETA %s",
                  finished, summary.items, summary.done, summary.skipped, summary.failed,
                  secs > 0 ? summary.frames / secs : 0.0, remaining ? eta.c_str() : format_duration(0).c_str());
    if (tty)
      std::fprintf(stderr, "\r\033[K%s", buf);
    else
      std::fprintf(stderr, "%s  [%s]\n", buf, event.c_str());
  };

  auto work = [&] {
    for (;;) {
      BatchItem item;
      {
        std::lock_guard<std::mutex> lock(mu);
        if (next >= items.size()) return;
        item = items[next++];
      }
      const std::string dir = o.out_dir + "/" + item.id;
      const std::string partial = o.out_dir + "/.partial-" + item.id;
      const auto item_t0 = std::chrono::steady_clock::now();
      std::string error, key;
      bool skipped = false;
      int64_t frames = 0;
      try {
        key = item_key(item, o);
        if (complete_with_key(dir + "/report.json", key)) {
          skipped = true;
        } else {
          fs::remove_all(partial);
          std::vector<std::string> argv = {o.gearnn_exe, "run", item.input, "--model", item.model, "--out", partial,
                                           "--masks", o.masks, "--hold", std::to_string(o.hold), "--threads",
                                           std::to_string(threads), "--quiet", "--tag",
                                           json{{"batch_id", item.id}, {"key", key}}.dump()};
          if (!item.gears.empty()) argv.insert(argv.end(), {"--gears", item.gears});
          if (!item.gt.empty()) argv.insert(argv.end(), {"--gt", item.gt});
          const ChildResult r = run_child(argv);
          // Whatever the run left (a partial report keeps finished frames) replaces the old outputs.
          if (fs::exists(partial)) {
            const std::string old = o.out_dir + "/.old-" + item.id;
            fs::remove_all(old);
            if (fs::exists(dir)) fs::rename(dir, old);
            fs::rename(partial, dir);
            fs::remove_all(old);
          }
          if (r.exit_code != 0 || !complete_with_key(dir + "/report.json", key))
            error = child_error(r);
          else
            frames = read_json_file(dir + "/report.json").value("frames", int64_t{0});
        }
      } catch (const std::exception& e) {
        error = e.what();
      }
      const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - item_t0).count();
      if (!error.empty())
        failures.append({{"id", item.id}, {"input", item.input}, {"error", error},
                         {"shard", std::to_string(o.shard.index) + "/" + std::to_string(o.shard.count)},
                         {"time", now_utc()}});
      std::lock_guard<std::mutex> lock(mu);
      ++finished;
      if (skipped) {
        ++summary.skipped;
        status_line(item.id + ": skipped, already complete");
        continue;
      }
      run_seconds += secs;
      if (error.empty()) {
        ++summary.done;
        summary.frames += frames;
        status_line(item.id + ": done, " + std::to_string(frames) + " frames");
      } else {
        ++summary.failed;
        status_line(item.id + ": FAILED: " + error);
      }
    }
  };

  std::vector<std::thread> workers;
  for (int i = 0; i < std::min<int>(o.jobs, std::max<int>(1, summary.items)); ++i) workers.emplace_back(work);
  for (auto& w : workers) w.join();
  if (tty) std::fprintf(stderr, "\n");
  summary.seconds = elapsed();
  // A record of this shard's run; it also marks OUT as a batch directory for
  // `gearnn merge` when the shard happened to hold no items.
  write_json_file(o.out_dir + "/shard-" + std::to_string(o.shard.index) + "-of-" + std::to_string(o.shard.count) +
                      ".json",
                  {{"manifest", o.manifest}, {"shard", {{"index", o.shard.index}, {"count", o.shard.count}}},
                   {"items", summary.items}, {"done", summary.done}, {"skipped", summary.skipped},
                   {"failed", summary.failed}, {"frames", summary.frames}, {"seconds", summary.seconds},
                   {"thread_plan", summary.thread_plan}, {"finished", now_utc()}});
  return summary;
}

}  // namespace gearnn
