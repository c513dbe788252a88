#include "gearnn/pipeline/run_video.h"

#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <mutex>
#include <thread>

#include "bounded_queue.h"
#include "gearnn/common/errors.h"
#include "gearnn/common/hashing.h"
#include "gearnn/common/progress.h"
#include "gearnn/io/label_io.h"
#include "gearnn/io/shipped_data.h"
#include "gearnn/io/video_reader.h"
#include "gearnn/io/video_writer.h"
#include "gearnn/metrics/confusion_matrix.h"
#include "gearnn/model/gear_bank.h"
#include "gearnn/model/segmenter.h"

namespace fs = std::filesystem;

namespace gearnn {

double peak_rss_mib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024.0;  // ru_maxrss is in KiB on Linux
}

namespace {

using Clock = std::chrono::steady_clock;
double ms_since(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }

struct Work {
  DecodedFrame frame;
  cv::Mat input;   // preprocessed for the model
  cv::Mat logits;  // model output {classes, h, w}
  cv::Mat ids;     // class ids at frame size (made by the writer thread)
  int gear = -1;
  double infer_ms = 0;
};

// Remembers the first error raised by any thread and stops the others.
class Failure {
 public:
  void set(std::exception_ptr e) {
    std::lock_guard<std::mutex> lock(mu_);
    if (!error_) error_ = e;
    failed_ = true;
  }
  bool failed() const { return failed_; }
  std::exception_ptr error() const { return error_; }

 private:
  std::mutex mu_;
  std::exception_ptr error_;
  std::atomic<bool> failed_{false};
};

cv::Mat colour_overlay(const cv::Mat& rgb, const cv::Mat& ids, const Palette& palette) {
  cv::Mat out(rgb.size(), CV_8UC3);
  for (int r = 0; r < rgb.rows; ++r) {
    const uint8_t* src = rgb.ptr<uint8_t>(r);
    const uint8_t* id = ids.ptr<uint8_t>(r);
    uint8_t* dst = out.ptr<uint8_t>(r);
    for (int c = 0; c < rgb.cols; ++c) {
      const auto& col = palette[id[c] < palette.size() ? id[c] : 0];
      for (int k = 0; k < 3; ++k) dst[3 * c + k] = static_cast<uint8_t>((src[3 * c + k] + col[k]) / 2);
    }
  }
  return out;
}

json opt_json(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

// Writes masks, per-frame records, metrics and the overlay video.
class OutputWriter {
 public:
  OutputWriter(const RunOptions& o, const ModelCard& card, const GearSet* gears, const VideoInfo& info)
      : o_(o), card_(card), gears_(gears), total_(card.num_classes()) {
    if (o.masks != "none") fs::create_directories(o.out_dir + "/masks");
    jsonl_path_ = o.out_dir + "/frames.jsonl";
    jsonl_.open(temp_name(jsonl_path_), std::ios::trunc);
    if (!jsonl_) fail(jsonl_path_, "cannot write file");
    if (!o.overlay_path.empty()) {
      EncoderSettings s;
      s.fps = info.fps > 0 ? info.fps : 10;
      s.options = {{"crf", "23"}, {"preset", "veryfast"}};
      overlay_ = std::make_unique<VideoWriter>(o.overlay_path, info.width, info.height, s);
    }
  }

  void write(const Work& w) {
    const DecodedFrame& f = w.frame;
    json rec;
    rec["frame"] = f.index;
    rec["pts_time"] = f.pts_time;
    const json features = to_json(f.features);
    for (const auto& [k, v] : features.items()) rec[k] = v;
    rec["gear"] = w.gear >= 0 ? json(gears_->gears[w.gear].name) : json(nullptr);
    rec["infer_ms"] = w.infer_ms;
    rec["estimate_ms"] = f.estimate_ms;
    if (!o_.gt_dir.empty()) {
      const std::string label_path = frame_png_path(o_.gt_dir, f.index);
      const cv::Mat truth = read_label_png(label_path);
      ConfusionMatrix cm(card_.num_classes());
      cm.add(w.ids, truth, card_.ignore_index, label_path);
      total_.add(cm);
      const auto miou = cm.miou();
      if (miou) frame_miou_sum_ += *miou, ++frame_miou_count_;
      rec["miou"] = opt_json(miou);
      rec["pixel_acc"] = opt_json(cm.pixel_accuracy());
      json iou = json::object();
      const auto ious = cm.iou();
      for (int c = 0; c < card_.num_classes(); ++c) iou[card_.classes[c]] = opt_json(ious[c]);
      rec["iou"] = iou;
    }
    if (o_.masks != "none")
      write_label_png(frame_png_path(o_.out_dir + "/masks", f.index), w.ids,
                      o_.masks == "color" ? &card_.palette : nullptr);
    if (overlay_) overlay_->write(colour_overlay(f.rgb, w.ids, card_.palette));
    jsonl_ << rec.dump() << '\n';
    ++frames_;
  }

  // Keeps what was written: frames.jsonl is complete for every frame it lists.
  void close(bool success) {
    jsonl_.close();
    commit_temp(jsonl_path_);
    if (overlay_ && success) overlay_->finish();
    overlay_.reset();
  }

  int64_t frames() const { return frames_; }
  bool has_metrics() const { return !o_.gt_dir.empty() && frames_ > 0; }
  json metrics() const {
    json m = metrics_json(total_, card_.classes);
    m["mean_frame_miou"] = frame_miou_count_ ? json(frame_miou_sum_ / frame_miou_count_) : json(nullptr);
    return m;
  }

 private:
  const RunOptions& o_;
  const ModelCard& card_;
  const GearSet* gears_;
  std::string jsonl_path_;
  std::ofstream jsonl_;
  std::unique_ptr<VideoWriter> overlay_;
  ConfusionMatrix total_;
  double frame_miou_sum_ = 0;
  int64_t frame_miou_count_ = 0, frames_ = 0;
};

void check_options(const RunOptions& o) {
  if (!fs::exists(o.input) && o.input.find('%') == std::string::npos) fail(o.input, "input file not found");
  if (o.masks != "none" && o.masks != "ids" && o.masks != "color")
    fail(o.masks, "--masks must be none, ids or color");
  if (!o.gt_dir.empty() && !fs::is_directory(o.gt_dir)) fail(o.gt_dir, "ground-truth directory not found");
  if (o.out_dir.empty()) fail("--out", "an output directory is required");
}

}  // namespace

json run_video(const RunOptions& o) {
  check_options(o);
  const auto wall0 = Clock::now();
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const int torch_n = o.threads > 0 ? o.threads : cores;
  set_torch_threads(torch_n);

  Segmenter model(o.model_dir);
  std::unique_ptr<GearSet> gear_cfg;
  std::unique_ptr<GearBank> bank;
  if (!o.gears_dir.empty()) {
    gear_cfg = std::make_unique<GearSet>(load_gear_set(find_gear_set_dir(o.gears_dir, model.card().dir)));
    bank = std::make_unique<GearBank>(*gear_cfg, model);
  }
  ReaderOptions ropt;
  ropt.decode_threads = o.decode_threads;
  VideoReader reader(o.input, ropt);
  const VideoInfo info = reader.info();
  // Hash the input beside the work; files are read once more by the OS cache.
  std::future<std::string> input_hash;
  if (fs::is_regular_file(o.input)) input_hash = std::async(std::launch::async, sha256_file, o.input);

  fs::create_directories(o.out_dir);
  OutputWriter writer(o, model.card(), gear_cfg.get(), info);

  BoundedQueue<Work> decoded(o.queue_size), segmented(o.queue_size);
  Failure failure;
  int64_t total = info.frame_count;
  if (o.max_frames >= 0 && (total < 0 || total > o.max_frames)) total = o.max_frames;
  Progress progress("gearnn run", total, o.progress && Progress::stderr_is_terminal());

  std::thread decode_thread([&] {
    try {
      int64_t count = 0;
      while (!failure.failed() && (o.max_frames < 0 || count < o.max_frames)) {
        Work w;
        if (!reader.read(w.frame)) break;
        w.input = model.preprocess(w.frame.rgb);
        ++count;
        if (!decoded.push(std::move(w))) break;
      }
    } catch (...) {
      failure.set(std::current_exception());
    }
    decoded.close();
  });

  std::thread write_thread([&] {
    try {
      while (auto w = segmented.pop()) {
        // Resizing logits and argmax happen here, beside the inference thread.
        w->ids = logits_to_ids(w->logits, w->frame.rgb.size());
        writer.write(*w);
        progress.update(writer.frames());
      }
    } catch (...) {
      failure.set(std::current_exception());
      decoded.close();
    }
    segmented.close();
  });

  // Inference runs here; gear overlays happen in this thread only, between forwards.
  std::map<int, int64_t> usage;
  const GearSet no_gears;
  GearSelector selector(gear_cfg ? *gear_cfg : no_gears, o.hold);
  double infer_total = 0, estimate_total = 0;
  try {
    while (auto w = decoded.pop()) {
      if (failure.failed()) break;
      if (bank) {
        w->gear = selector.update(w->frame.features);
        bank->apply(w->gear);
      }
      const auto t0 = Clock::now();
      w->logits = model.forward(w->input);
      w->infer_ms = ms_since(t0);
      infer_total += w->infer_ms;
      estimate_total += w->frame.estimate_ms;
      ++usage[w->gear];
      w->input.release();
      if (!segmented.push(std::move(*w))) break;
    }
  } catch (...) {
    failure.set(std::current_exception());
  }
  decoded.close();
  segmented.close();
  decode_thread.join();
  write_thread.join();
  progress.finish();

  const double seconds = ms_since(wall0) / 1000.0;
  json report;
  report["tool"] = "gearnn";
  report["version"] = GEARNN_VERSION;
  report["complete"] = !failure.failed();
  report["input"] = {{"path", o.input},
                     {"sha256", input_hash.valid() ? json(input_hash.get()) : json(nullptr)},
                     {"codec", info.codec},
                     {"width", info.width},
                     {"height", info.height},
                     {"fps", info.fps}};
  report["model"] = {{"dir", model.card().dir},
                     {"hash", model.hash()},
                     {"format", model.card().format},
                     {"classes", model.card().classes},
                     {"weight_bytes", model.weight_bytes()}};
  if (bank)
    report["gears"] = {{"dir", gear_cfg->dir},
                       {"hash", bank->hash()},
                       {"count", gear_cfg->gears.size()},
                       {"gear_bytes", bank->gear_bytes()},
                       {"backup_bytes", bank->backup_bytes()}};
  else
    report["gears"] = nullptr;
  report["gt"] = o.gt_dir.empty() ? json(nullptr) : json({{"dir", o.gt_dir}});
  if (!o.tag.is_null()) report["tag"] = o.tag;
  report["threads"] = {{"torch_intra_op", torch_n}, {"decoder", o.decode_threads}, {"pipeline", 3}};
  report["options"] = {{"hold", o.hold}, {"masks", o.masks}, {"max_frames", o.max_frames},
                       {"overlay", o.overlay_path.empty() ? json(nullptr) : json(o.overlay_path)}};
  const int64_t n = writer.frames();
  report["frames"] = n;
  report["seconds"] = seconds;
  report["fps"] = seconds > 0 ? n / seconds : 0.0;
  report["mean_infer_ms"] = n ? infer_total / n : 0.0;
  report["mean_estimate_ms"] = n ? estimate_total / n : 0.0;
  json use = json::object();
  for (const auto& [g, count] : usage) use[g >= 0 ? gear_cfg->gears[g].name : "base"] = count;
  report["gear_usage"] = use;
  report["gear_switches"] = selector.switches();
  report["peak_rss_mib"] = peak_rss_mib();
  if (writer.has_metrics()) report["metrics"] = writer.metrics();
  std::string error_text;
  if (failure.failed()) {
    try {
      std::rethrow_exception(failure.error());
    } catch (const std::exception& e) {
      error_text = e.what();
    }
    report["error"] = error_text;
  }
  writer.close(!failure.failed());
  write_json_file(o.out_dir + "/report.json", report);
  if (failure.failed()) std::rethrow_exception(failure.error());
  return report;
}

}  // namespace gearnn
