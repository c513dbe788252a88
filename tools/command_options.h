#pragma once
// What each subcommand reads from argv, and the binders that fill it. A binder
// adds the subcommand and its options but sets no callback, so tests can parse
// argv into these structs without doing any work; commands.h's add_*_command
// bind the same way and then attach the work.
#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "gearnn/batch/batch.h"
#include "gearnn/datasets/distort.h"
#include "gearnn/gears/cell_gears.h"
#include "gearnn/gears/combine_gears.h"
#include "gearnn/gears/tensor_selection.h"
#include "gearnn/metrics/eval_masks.h"
#include "gearnn/pipeline/probe.h"
#include "gearnn/pipeline/run_video.h"
#include "gearnn/synth/synth_clip.h"
#include "gearnn/training/fit_gears_command.h"
#include "gearnn/training/sensitivity_command.h"
#include "gearnn/training/train_command.h"

namespace gearnn::cli {

// Options only the command line has (output switches, text parsed later)
// sit beside the library's option struct.

struct RunArgs {
  RunOptions options;
  bool quiet = false;
  std::string html;
  std::string tag;  // JSON object, parsed when the command runs
  std::vector<std::string> input_options;  // KEY=VALUE, checked when parsed, into options.input_options when run
  const CLI::Option* check_neighbours = nullptr;  // given or not: the default configuration's value applies if not
};
CLI::App* bind_run_options(CLI::App& app, RunArgs& a);

struct SynthArgs {
  SynthOptions options;
  bool quiet = false;
};
CLI::App* bind_synth_options(CLI::App& app, SynthArgs& a);

struct DistortArgs {
  DistortOptions options;
  std::string schedule;  // file, read when the command runs
  bool quiet = false;
};
CLI::App* bind_distort_options(CLI::App& app, DistortArgs& a);

struct EvalArgs {
  EvalOptions options;
  std::string json_out;  // empty: print to stdout
};
CLI::App* bind_eval_options(CLI::App& app, EvalArgs& a);

struct ProbeArgs {
  ProbeOptions options;
  bool json = false;
};
CLI::App* bind_probe_options(CLI::App& app, ProbeArgs& a);

// `gearnn bench forward|decode|switch`: the group, then each of its subcommands.
CLI::App* bind_bench_group(CLI::App& app);

struct BenchForwardArgs {
  std::string model, input, gears;
  int frames = 100;
  int threads = 0;  // 0 = all usable cores
  int batch = 1;
};
CLI::App* bind_bench_forward_options(CLI::App& bench, BenchForwardArgs& a);

struct BenchDecodeArgs {
  std::string input;
  int decode_threads = 1;
  int frames = -1;  // -1 = all
};
CLI::App* bind_bench_decode_options(CLI::App& bench, BenchDecodeArgs& a);

struct BenchSwitchArgs {
  std::string model, gears;
  int rounds = 100;
};
CLI::App* bind_bench_switch_options(CLI::App& bench, BenchSwitchArgs& a);

struct InitModelArgs {
  std::string out;
  std::string meta;  // empty: the synthetic street classes
  int width = 320, height = 192;
  std::vector<int64_t> widths{16, 32, 64, 128};
  int64_t head = 64;
  uint64_t seed = 1;
};
CLI::App* bind_init_model_options(CLI::App& app, InitModelArgs& a);

struct TrainArgs {
  TrainJob job;
  bool quiet = false;
};
CLI::App* bind_train_options(CLI::App& app, TrainArgs& a);

struct SensitivityArgs {
  SensitivityJob job;
  bool quiet = false;
};
CLI::App* bind_sensitivity_options(CLI::App& app, SensitivityArgs& a);

CLI::App* bind_select_options(CLI::App& app, SelectJob& job);

struct FitGearsArgs {
  FitGearsJob job;
  bool quiet = false;
};
CLI::App* bind_fit_gears_options(CLI::App& app, FitGearsArgs& a);

CLI::App* bind_combine_gears_options(CLI::App& app, CombineGearsOptions& o);
CLI::App* bind_cell_gears_options(CLI::App& app, CellGearsOptions& o);

struct BatchArgs {
  BatchOptions options;
  std::string shard = "0/1";  // parsed by Shard::parse when the command runs
  bool quiet = false;
  std::string html;
};
CLI::App* bind_batch_options(CLI::App& app, BatchArgs& a);

struct MergeArgs {
  std::vector<std::string> dirs;
  std::string out;
  bool quiet = false;
  std::string html;
};
CLI::App* bind_merge_options(CLI::App& app, MergeArgs& a);

struct ReportArgs {
  std::string path;
  std::string out;      // empty: beside the report
  std::string compare;  // a second run directory: the page compares `path` (A) with it (B)
  int samples = 6;
  bool quiet = false;
};
CLI::App* bind_report_options(CLI::App& app, ReportArgs& a);

}  // namespace gearnn::cli
