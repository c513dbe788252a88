#include "gearnn/pipeline/run_video.h"

#include <atomic>
#include <chrono>
#include <filesystem>
#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "bounded_queue.h"
#include "frame_record_writer.h"
#include "gearnn/common/errors.h"
#include "gearnn/common/hashing.h"
#include "gearnn/common/progress.h"
#include "gearnn/model/gear_bank.h"
#include "gearnn/model/segmenter.h"
#include "mask_writer.h"
#include "metrics_accumulator.h"
#include "overlay_writer.h"
#include "run_report.h"

namespace fs = std::filesystem;

namespace gearnn {
namespace {

using Clock = std::chrono::steady_clock;
double ms_since(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }

void check_options(const RunOptions& o) {
  if (!fs::exists(o.input) && o.input.find('%') == std::string::npos) fail(o.input, "input file not found");
  if (o.masks != "none" && o.masks != "ids" && o.masks != "color")
    fail(o.masks, "--masks must be none, ids or color");
  if (!o.gt_dir.empty() && !fs::is_directory(o.gt_dir)) fail(o.gt_dir, "ground-truth directory not found");
  if (o.out_dir.empty()) fail("--out", "an output directory is required");
}

int use_torch_threads(const RunOptions& o) {
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const int n = o.threads > 0 ? o.threads : cores;
  set_torch_threads(n);
  return n;
}

// The model and, with --gears, its gear set resident in memory.
struct LoadedModel {
  explicit LoadedModel(const RunOptions& o) : segmenter(o.model_dir) {
    if (o.gears_dir.empty()) return;
    gear_set = std::make_unique<GearSet>(load_gear_set(o.gears_dir));
    bank = std::make_unique<GearBank>(*gear_set, segmenter);
  }
  Segmenter segmenter;
  std::unique_ptr<GearSet> gear_set;
  std::unique_ptr<GearBank> bank;
};

VideoReader open_input(const RunOptions& o) {
  ReaderOptions ro;
  ro.decode_threads = o.decode_threads;
  return VideoReader(o.input, ro);
}

// Hashes the input beside the work; the file is read once more from the OS cache.
std::future<std::string> hash_input_in_background(const std::string& input) {
  if (!fs::is_regular_file(input)) return {};
  return std::async(std::launch::async, sha256_file, input);
}

// The outputs, in the order each frame reaches them: its files first, then the
// metrics and its line in frames.jsonl, so the totals and the lines cover the same frames.
struct Sinks {
  std::vector<std::unique_ptr<FrameSink>> in_order;
  const MetricsAccumulator* metrics = nullptr;  // null without --gt
};

Sinks make_sinks(const RunOptions& o, const ModelCard& card, const VideoInfo& input) {
  fs::create_directories(o.out_dir);
  Sinks sinks;
  if (o.masks != "none")
    sinks.in_order.push_back(std::make_unique<MaskWriter>(o.out_dir, o.masks == "color" ? &card.palette : nullptr));
  if (!o.overlay_path.empty())
    sinks.in_order.push_back(std::make_unique<OverlayWriter>(o.overlay_path, input, card.palette));
  if (!o.gt_dir.empty()) {
    auto metrics = std::make_unique<MetricsAccumulator>(card);
    sinks.metrics = metrics.get();
    sinks.in_order.push_back(std::move(metrics));
  }
  sinks.in_order.push_back(std::make_unique<FrameRecordWriter>(o.out_dir, card.classes));
  return sinks;
}

// A frame on its way from the decoder to the outputs.
struct Work {
  DecodedFrame frame;
  cv::Mat input;   // preprocessed for the model
  cv::Mat logits;  // model output {classes, h, w}
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

// Decode -> inference -> outputs, three threads joined by bounded queues. The
// first error stops all three; frames already written stay written.
class FramePipeline {
 public:
  FramePipeline(const RunOptions& o, VideoReader& reader, LoadedModel& model, Sinks& sinks)
      : o_(o), reader_(reader), model_(model), sinks_(sinks), decoded_(o.queue_size), segmented_(o.queue_size),
        selector_(model.gear_set ? *model.gear_set : no_gears_, o.hold) {}

  // Returns once every thread has stopped, after the last frame or the first error.
  void run() {
    Progress progress("gearnn run", expected_frames(), o_.progress && Progress::stderr_is_terminal());
    std::thread decode_thread([&] { decode_frames(); });
    std::thread write_thread([&] { write_frames(progress); });
    infer_frames();
    decode_thread.join();
    write_thread.join();
    progress.finish();
    tally_.gear_switches = selector_.switches();
  }

  const RunTally& tally() const { return tally_; }
  std::exception_ptr error() const { return failure_.error(); }

 private:
  int64_t expected_frames() const {
    int64_t total = reader_.info().frame_count;
    if (o_.max_frames >= 0 && (total < 0 || total > o_.max_frames)) total = o_.max_frames;
    return total;
  }

  void decode_frames() {
    try {
      int64_t count = 0;
      while (!failure_.failed() && (o_.max_frames < 0 || count < o_.max_frames)) {
        Work w;
        if (!reader_.read(w.frame)) break;
        w.input = model_.segmenter.preprocess(w.frame.rgb);
        ++count;
        if (!decoded_.push(std::move(w))) break;
      }
    } catch (...) {
      failure_.set(std::current_exception());
    }
    decoded_.close();
  }

  // Runs in the calling thread; gear overlays happen in this thread only, between forwards.
  void infer_frames() {
    try {
      while (auto w = decoded_.pop()) {
        if (failure_.failed()) break;
        if (model_.bank) {
          w->gear = selector_.update(w->frame.features);
          model_.bank->apply(w->gear);
        }
        const auto t0 = Clock::now();
        w->logits = model_.segmenter.forward(w->input);
        w->infer_ms = ms_since(t0);
        tally_.infer_ms += w->infer_ms;
        tally_.estimate_ms += w->frame.estimate_ms;
        ++tally_.gear_usage[w->gear];
        w->input.release();
        if (!segmented_.push(std::move(*w))) break;
      }
    } catch (...) {
      failure_.set(std::current_exception());
    }
    decoded_.close();
    segmented_.close();
  }

  void write_frames(Progress& progress) {
    const ModelCard& card = model_.segmenter.card();
    try {
      while (auto w = segmented_.pop()) {
        // Resizing logits and argmax happen here, beside the inference thread.
        const cv::Mat ids = logits_to_ids(w->logits, w->frame.rgb.size());
        // The label is read before any output, so a bad label leaves no trace of its frame.
        std::optional<ConfusionMatrix> confusion;
        if (!o_.gt_dir.empty()) confusion = score_against_label(o_.gt_dir, w->frame.index, ids, card);
        const std::string* gear = w->gear >= 0 ? &model_.gear_set->gears[w->gear].name : nullptr;
        const FrameResult result{w->frame, ids, gear, w->infer_ms, confusion ? &*confusion : nullptr};
        for (auto& sink : sinks_.in_order) sink->write(result);
        progress.update(++tally_.frames);
      }
    } catch (...) {
      failure_.set(std::current_exception());
      decoded_.close();
    }
    segmented_.close();
  }

  const RunOptions& o_;
  VideoReader& reader_;
  LoadedModel& model_;
  Sinks& sinks_;
  BoundedQueue<Work> decoded_, segmented_;
  Failure failure_;
  const GearSet no_gears_;
  GearSelector selector_;
  RunTally tally_;  // frames by the writer thread, the rest by the inference thread
};

}  // namespace

json run_video(const RunOptions& o) {
  check_options(o);
  const auto started = Clock::now();
  const int torch_threads = use_torch_threads(o);
  LoadedModel model(o);
  VideoReader reader = open_input(o);
  std::future<std::string> input_hash = hash_input_in_background(o.input);
  Sinks sinks = make_sinks(o, model.segmenter.card(), reader.info());

  FramePipeline pipeline(o, reader, model, sinks);
  pipeline.run();
  const double seconds = ms_since(started) / 1000.0;
  const std::exception_ptr error = pipeline.error();
  for (auto& sink : sinks.in_order) sink->finish(!error);

  const RunFacts facts{o,
                       reader.info(),
                       input_hash.valid() ? std::optional<std::string>(input_hash.get()) : std::nullopt,
                       model.segmenter,
                       model.bank.get(),
                       torch_threads,
                       pipeline.tally(),
                       seconds,
                       sinks.metrics ? sinks.metrics->report_block() : json(nullptr),
                       error};
  const json report = build_run_report(facts);
  write_json_file(o.out_dir + "/report.json", report);
  if (error) std::rethrow_exception(error);
  return report;
}

}  // namespace gearnn
