#include "frame_pipeline.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <optional>
#include <thread>

#include "bounded_queue.h"
#include "gearnn/common/progress.h"
#include "gearnn/gears/confidence_check.h"
#include "gearnn/model/postprocess.h"
#include "metrics_accumulator.h"
#include "reference_masks.h"

namespace gearnn {
namespace {

using Clock = std::chrono::steady_clock;

// A frame on its way from the decoder to the outputs.
struct Work {
  DecodedFrame frame;
  cv::Mat input;   // preprocessed for the model
  cv::Mat logits;  // model output {classes, h, w}
  int gear = -1;   // the gear in place (with --blend the nearer of the two)
  GearBlend blend;
  int feature_gear = -1;  // the features' choice; --check-neighbours may keep another as gear
  double entropy = -1;    // on a frame --check-neighbours checked: mean pixel entropy of the prediction kept
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

class FramePipeline {
 public:
  FramePipeline(const RunOptions& o, cv::Size output_size, VideoReader& reader, Segmenter& model, const GearSet* gears, GearBank* bank,
                const std::vector<std::unique_ptr<FrameSink>>& sinks)
      : o_(o), output_size_(output_size), reader_(reader), model_(model), gears_(gears), bank_(bank), sinks_(sinks), decoded_(std::max(o.queue_size, o.batch)),
        segmented_(std::max(o.queue_size, o.batch)), selector_(gears ? *gears : no_gears_, o.hold),
        reference_masks_(o.reference_dir.empty() ? "" : reference_mask_dir(o.reference_dir)) {
    if (gears && o.blend > 0) blender_.emplace(*gears, o.blend);
    if (gears && o.check_neighbours > 0) {
      neighbours_ = gear_neighbours(*gears);
      // The last N checks: N x K frames when every K-th frame is checked.
      chooser_.emplace(o.check_neighbours * o.check_every);
    }
  }

  PipelineOutcome run() {
    Progress progress("gearnn run", expected_frames(), o_.progress && Progress::stderr_is_terminal());
    std::thread decode_thread([&] { decode_frames(); });
    std::thread write_thread([&] { write_frames(progress); });
    infer_frames();
    decode_thread.join();
    write_thread.join();
    progress.finish();
    tally_.gear_switches = blender_ ? blend_changes_ : selector_.switches();
    return {tally_, failure_.failed() ? failure_.error() : input_error_};
  }

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
        w.input = model_.preprocess(w.frame.rgb);
        ++count;
        if (!decoded_.push(std::move(w))) break;
      }
    } catch (...) {
      // The input ends here (a truncated file): the frames decoded before the
      // error are still segmented and written, so what a run keeps does not
      // depend on thread timing.
      input_error_ = std::current_exception();
    }
    decoded_.close();
  }

  // Runs in the calling thread; gear overlays happen in this thread only, between forwards.
  void infer_frames() {
    try {
      std::optional<Work> next = next_frame();
      while (next && !failure_.failed()) {
        // A batch: up to o_.batch consecutive frames that use the same gear.
        std::vector<Work> batch;
        batch.push_back(std::move(*next));
        next.reset();
        while (static_cast<int>(batch.size()) < o_.batch && (next = next_frame()) && next->blend == batch[0].blend) {
          batch.push_back(std::move(*next));
          next.reset();
        }
        if (failure_.failed()) break;
        if (!infer_batch(batch)) break;
        if (!next) next = next_frame();
      }
    } catch (...) {
      failure_.set(std::current_exception());
    }
    decoded_.close();
    segmented_.close();
  }

  // The next decoded frame with its gear chosen (the selector sees every frame once, in order).
  std::optional<Work> next_frame() {
    auto w = decoded_.pop();
    if (!w || !bank_) return w;
    if (blender_) {
      w->blend = blender_->blend(w->frame.features);
      if (started_ && w->blend != last_blend_) ++blend_changes_;
      started_ = true;
      last_blend_ = w->blend;
    } else {
      const int g = selector_.update(w->frame.features);
      w->blend = {g, g, 0.0};
    }
    w->gear = w->feature_gear = w->blend.nearest();
    return w;
  }

  // Overlays the batch's gear, segments its frames in one forward and passes
  // them on. False when the writer has stopped.
  bool infer_batch(std::vector<Work>& batch) {
    std::vector<cv::Mat> inputs;
    for (Work& w : batch) inputs.push_back(w.input);
    const auto t0 = Clock::now();
    std::vector<cv::Mat> logits;
    const int gear = batch[0].gear;
    if (chooser_ && gear >= 0 && !neighbours_[gear].empty()) {
      if (gear != checked_.feature_gear || batch[0].frame.index - checked_.frame >= o_.check_every) {
        logits = forward_checked(batch, inputs);
      } else {  // between checks: the gear the last check kept
        bank_->apply_blend(GearBlend{checked_.kept, checked_.kept, 0.0});
        logits = model_.forward_batch(inputs);
        for (Work& w : batch) w.gear = checked_.kept;
      }
    } else {
      if (bank_) bank_->apply_blend(batch[0].blend);
      logits = model_.forward_batch(inputs);
    }
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    for (size_t i = 0; i < batch.size(); ++i) {
      Work& w = batch[i];
      w.logits = std::move(logits[i]);
      if (w.gear != w.feature_gear) ++tally_.check_changed_frames;
      w.infer_ms = ms / batch.size();  // a frame's share of the batch's forward
      w.input.release();
      tally_.infer_ms += w.infer_ms;
      tally_.estimate_ms += w.frame.estimate_ms;
      ++tally_.gear_usage[w.gear];
      if (!segmented_.push(std::move(w))) return false;
    }
    return true;
  }

  // --check-neighbours: segments the batch with its gear and with each gear
  // adjacent to it; each frame keeps the prediction the chooser picks.
  std::vector<cv::Mat> forward_checked(std::vector<Work>& batch, const std::vector<cv::Mat>& inputs) {
    std::vector<int> candidates{batch[0].gear};  // the features' gear first: it wins ties
    const std::vector<int>& next = neighbours_[batch[0].gear];
    candidates.insert(candidates.end(), next.begin(), next.end());
    std::vector<std::vector<cv::Mat>> outputs;
    for (int c : candidates) {
      bank_->apply_blend(GearBlend{c, c, 0.0});
      outputs.push_back(model_.forward_batch(inputs));
    }
    std::vector<cv::Mat> kept(batch.size());
    for (size_t i = 0; i < batch.size(); ++i) {
      std::vector<double> entropy;
      for (const auto& out : outputs) entropy.push_back(mean_entropy(out[i]));
      const size_t k = chooser_->choose(batch[i].frame.index, candidates, entropy);
      Work& w = batch[i];
      w.gear = candidates[k];
      w.entropy = entropy[k];
      kept[i] = outputs[k][i];
      checked_ = {w.feature_gear, w.gear, w.frame.index};
    }
    tally_.checked_frames += static_cast<int64_t>(batch.size());
    return kept;
  }

  void write_frames(Progress& progress) {
    try {
      while (auto w = segmented_.pop()) {
        // Resizing logits and argmax happen here, beside the inference thread.
        const cv::Mat ids = logits_to_ids(w->logits, output_size_);
        // The label and the reference mask are read before any output, so a bad
        // one leaves no trace of its frame.
        std::optional<ConfusionMatrix> confusion, agreement;
        if (!o_.gt_dir.empty()) confusion = score_against_label(o_.gt_dir, w->frame.index, ids, model_.card());
        if (!reference_masks_.empty())
          agreement = score_against_reference(reference_masks_, w->frame.index, ids, model_.card());
        auto name = [&](int g) { return g >= 0 ? &gears_->gears[g].name : nullptr; };
        const FrameResult result{w->frame,
                                 ids,
                                 name(w->gear),
                                 w->infer_ms,
                                 confusion ? &*confusion : nullptr,
                                 agreement ? &*agreement : nullptr,
                                 name(w->blend.lo),
                                 name(w->blend.hi),
                                 w->blend.t,
                                 chooser_.has_value(),
                                 name(w->feature_gear),
                                 w->entropy};
        for (const auto& sink : sinks_) sink->write(result);
        ++tally_.renditions[{w->frame.features.width, w->frame.features.height}];
        progress.update(++tally_.frames);
      }
    } catch (...) {
      failure_.set(std::current_exception());
      decoded_.close();
    }
    segmented_.close();
  }

  const RunOptions& o_;
  const cv::Size output_size_;
  VideoReader& reader_;
  Segmenter& model_;
  const GearSet* gears_;
  GearBank* bank_;
  const std::vector<std::unique_ptr<FrameSink>>& sinks_;
  BoundedQueue<Work> decoded_, segmented_;
  Failure failure_;                 // raised while segmenting or writing: stops every thread
  std::exception_ptr input_error_;  // raised by the decoder: ends the input
  const GearSet no_gears_;
  GearSelector selector_;
  std::optional<GearBlender> blender_;  // with --blend
  std::vector<std::vector<int>> neighbours_;    // with --check-neighbours: gear_neighbours of the set
  std::optional<ConfidenceChooser> chooser_;    // with --check-neighbours
  struct {
    int feature_gear = -2;  // the features' gear at the last check (-2: none yet)
    int kept = -1;          // the gear it kept
    int64_t frame = 0;
  } checked_;
  GearBlend last_blend_;
  bool started_ = false;
  int64_t blend_changes_ = 0;
  const std::string reference_masks_;  // empty without --reference
  RunTally tally_;  // frames by the writer thread, the rest by the inference thread
};

}  // namespace

PipelineOutcome run_frame_pipeline(const RunOptions& options, cv::Size output_size, VideoReader& reader,
                                   Segmenter& model, const GearSet* gears, GearBank* bank,
                                   const std::vector<std::unique_ptr<FrameSink>>& sinks) {
  return FramePipeline(options, output_size, reader, model, gears, bank, sinks).run();
}

}  // namespace gearnn
