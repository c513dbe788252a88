#include "gearnn/pipeline/run_video.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <future>
#include <memory>
#include <thread>
#include <vector>

#include "frame_pipeline.h"
#include "frame_record_writer.h"
#include "gearnn/common/cores.h"
#include "gearnn/common/errors.h"
#include "gearnn/io/label_io.h"
#include "gearnn/io/playlist.h"
#include "gearnn/io/shipped_data.h"
#include "gearnn/model/gear_bank.h"
#include "agreement_accumulator.h"
#include "gearnn/model/segmenter.h"
#include "mask_writer.h"
#include "metrics_accumulator.h"
#include "overlay_writer.h"
#include "reference_masks.h"
#include "run_report.h"

namespace fs = std::filesystem;

namespace gearnn {
namespace {

void check_options(const RunOptions& o) {
  const bool stream = o.input == "-" || o.input.find("://") != std::string::npos;  // stdin, network
  if (!stream && !fs::exists(o.input) && o.input.find('%') == std::string::npos)
    fail(o.input, "input file not found");
  if (o.masks != "none" && o.masks != "ids" && o.masks != "color")
    fail(o.masks, "--masks must be none, ids or color");
  if (!o.gt_dir.empty() && !fs::is_directory(o.gt_dir)) fail(o.gt_dir, "ground-truth directory not found");
  if (o.out_dir.empty()) fail("--out", "an output directory is required");
  if (o.check_neighbours > 0 && o.gears_dir.empty())
    fail("--check-neighbours", "needs a gear set (--gears, or the default model's)");
  if (o.check_neighbours > 0 && o.blend > 0) fail("--check-neighbours", "cannot be combined with --blend");
  if (o.check_every < 1) fail("--check-every", "must be at least 1");
  if (!o.reference_dir.empty()) {
    // The run replaces OUT/masks at its end: comparing with them would destroy the reference.
    std::error_code ec;
    if (fs::equivalent(reference_mask_dir(o.reference_dir), fs::path(o.out_dir) / "masks", ec))
      fail(o.reference_dir, "reference is this run's own --out; its masks would be replaced (use another --out)");
  }
}

// "WxH" with both in 16..16384 and even (4:2:0 overlay video).
cv::Size parse_size(const std::string& text) {
  int w = 0, h = 0;
  char x = 0, extra = 0;
  if (std::sscanf(text.c_str(), "%d%c%d%c", &w, &x, &h, &extra) != 3 || (x != 'x' && x != 'X') || w < 16 ||
      h < 16 || w > 16384 || h > 16384 || w % 2 || h % 2)
    fail("--size " + text, "expected WxH, even, from 16x16 to 16384x16384 (e.g. 1280x720)");
  return {w, h};
}

// Size of frame 0's PNG in `dir`; 0x0 when there is none (the input decides).
cv::Size first_png_size(const std::string& dir) {
  const std::string first = frame_png_path(dir, 0);
  if (!fs::exists(first)) return {};
  return read_label_png(first).size();
}

// The size every output of the run has: --size, else the labels', else the
// reference masks', else 0x0 (known once the input is open: its largest
// declared size).
cv::Size requested_output_size(const RunOptions& o, const std::string& reference_masks) {
  if (!o.size.empty()) return parse_size(o.size);
  if (!o.gt_dir.empty()) return first_png_size(o.gt_dir);
  if (!reference_masks.empty()) return first_png_size(reference_masks);
  return {};
}

int use_torch_threads(const RunOptions& o) {
  const int n = run_forward_threads(o.threads);
  set_torch_threads(n);
  return n;
}

// The model and, with --gears, its gear set resident in memory.
struct LoadedModel {
  explicit LoadedModel(const RunOptions& o) : segmenter(o.model_dir) {
    if (!o.gears_dir.empty()) {
      gear_set = std::make_unique<GearSet>(load_gear_set(find_gear_set_dir(o.gears_dir, segmenter.card().dir)));
      bank = std::make_unique<GearBank>(*gear_set, segmenter);
    }
    segmenter.prepare_inference(bank ? bank->live_tensor_names() : std::vector<std::string>{});
  }
  Segmenter segmenter;
  std::unique_ptr<GearSet> gear_set;
  std::unique_ptr<GearBank> bank;
};

VideoReader open_input(const RunOptions& o, cv::Size output_size) {
  ReaderOptions ro;
  ro.decode_threads = o.decode_threads;
  ro.output_height = output_size.height;  // for the `scale` feature; 0 = the input's largest
  ro.stop = o.stop;
  ro.max_seconds = o.max_seconds;
  ro.input_options = o.input_options;
  return VideoReader(o.input, ro);
}

// Hashes the input beside the work (a playlist with the segments it names); the
// files are read once more, from the OS cache.
std::future<std::string> hash_input_in_background(const std::string& input) {
  if (!fs::is_regular_file(input)) return {};
  return std::async(std::launch::async, [input] { return input_hash(input); });
}

// The outputs, in the order each frame reaches them: its files first, then the
// metrics and its line in frames.jsonl, so the totals and the lines cover the same frames.
struct Sinks {
  std::vector<std::unique_ptr<FrameSink>> in_order;
  const MetricsAccumulator* metrics = nullptr;        // null without --gt
  const AgreementAccumulator* agreement = nullptr;  // null without --reference
};

Sinks make_sinks(const RunOptions& o, const ModelCard& card, const VideoInfo& input, cv::Size output_size,
                 const std::string& reference_masks) {
  create_dirs(o.out_dir);
  Sinks sinks;
  if (o.masks != "none")
    sinks.in_order.push_back(std::make_unique<MaskWriter>(o.out_dir, o.masks == "color" ? &card.palette : nullptr, o.png_level));
  if (!o.overlay_path.empty())
    sinks.in_order.push_back(std::make_unique<OverlayWriter>(o.overlay_path, input, output_size, card.palette));
  if (!o.gt_dir.empty()) {
    auto metrics = std::make_unique<MetricsAccumulator>(card);
    sinks.metrics = metrics.get();
    sinks.in_order.push_back(std::move(metrics));
  }
  if (!o.reference_dir.empty()) {
    auto agreement = std::make_unique<AgreementAccumulator>(card, o.reference_dir, reference_masks);
    sinks.agreement = agreement.get();
    sinks.in_order.push_back(std::move(agreement));
  }
  sinks.in_order.push_back(std::make_unique<FrameRecordWriter>(o.out_dir, card.classes));
  return sinks;
}

// A bad input met after some frames were written (a missing label) leaves a
// usable, incomplete run: the error becomes a PartialError (gearnn exits 3).
[[noreturn]] void rethrow_keeping_frames(const std::exception_ptr& error, int64_t frames) {
  try {
    std::rethrow_exception(error);
  } catch (const Error& e) {
    if (frames > 0 && !dynamic_cast<const PartialError*>(&e)) throw PartialError(e);
    throw;
  }
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

json run_video(const RunOptions& o) {
  check_options(o);
  const auto started = std::chrono::steady_clock::now();
  const int torch_threads = use_torch_threads(o);
  LoadedModel model(o);
  const std::string reference_masks = o.reference_dir.empty() ? "" : reference_mask_dir(o.reference_dir);
  cv::Size output_size = requested_output_size(o, reference_masks);
  VideoReader reader = open_input(o, output_size);
  // The reader knows a size on opening: declared, else its first frame's.
  if (output_size.empty()) output_size = {reader.info().max_width, reader.info().max_height};
  // A reference that cannot serve frame 0 (missing, another size, unknown ids)
  // is refused before any output exists; later frames are checked as they come.
  if (!reference_masks.empty() && o.max_frames != 0)
    read_reference_mask(reference_masks, 0, output_size, model.segmenter.card());
  std::future<std::string> input_hash = hash_input_in_background(o.input);
  const Sinks sinks = make_sinks(o, model.segmenter.card(), reader.info(), output_size, reference_masks);

  const PipelineOutcome run = run_frame_pipeline(o, output_size, reader, model.segmenter, model.gear_set.get(),
                                                 model.bank.get(), sinks.in_order);
  const double seconds = seconds_since(started);
  // Every output is finished even when one fails (an overlay encoder failing on
  // its last packets): the first error makes the run incomplete.
  std::exception_ptr error = run.error;
  for (const auto& sink : sinks.in_order) {
    try {
      sink->finish(!error);
    } catch (...) {
      if (!error) error = std::current_exception();
    }
  }

  const RunFacts facts{o,
                       reader.info(),
                       reader.end_error(),
                       output_size,
                       input_hash.valid() ? std::optional(input_hash.get()) : std::nullopt,
                       model.segmenter,
                       model.bank.get(),
                       torch_threads,
                       run.tally,
                       seconds,
                       sinks.metrics ? sinks.metrics->report_block() : json(nullptr),
                       sinks.agreement ? sinks.agreement->report_block() : json(nullptr),
                       reference_masks,
                       error};
  const json report = build_run_report(facts);
  write_json_file(o.out_dir + "/report.json", report);
  if (error) rethrow_keeping_frames(error, run.tally.frames);
  return report;
}

}  // namespace gearnn
