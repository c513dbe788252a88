#pragma once
// Helpers for the in-process CLI tests: argv parsed through the binders of
// tools/command_options.h, which set no callback, so no command runs.
#include <algorithm>
#include <functional>
#include <string>
#include <vector>

#include "command_options.h"

namespace gearnn::test {

using Argv = std::vector<std::string>;
using namespace gearnn::cli;

// Parses `args` (as typed after `gearnn`) into a fresh Args bound by `bind`.
template <typename Args, typename Bind>
Args parse(Bind bind, Argv args) {
  Args a;
  CLI::App app;
  bind(app, a);
  std::reverse(args.begin(), args.end());  // CLI11 takes the vector back to front
  app.parse(args);
  return a;
}

// Every subcommand bound into one app, as gearnn.cpp registers them.
struct AllArgs {
  RunArgs run;
  SynthArgs synth;
  DistortArgs distort;
  EvalArgs eval;
  ProbeArgs probe;
  BenchForwardArgs forward;
  BenchDecodeArgs decode;
  BenchSwitchArgs bench_switch;
  InitModelArgs init_model;
  TrainArgs train;
  SensitivityArgs sensitivity;
  SelectJob select;
  FitGearsArgs fit;
  CombineGearsOptions combine;
  BatchArgs batch;
  MergeArgs merge;
  ReportArgs report;
};

inline void bind_all(CLI::App& app, AllArgs& a) {
  app.require_subcommand(1);
  bind_run_options(app, a.run);
  bind_synth_options(app, a.synth);
  bind_distort_options(app, a.distort);
  bind_eval_options(app, a.eval);
  bind_probe_options(app, a.probe);
  CLI::App* bench = bind_bench_group(app);
  bind_bench_forward_options(*bench, a.forward);
  bind_bench_decode_options(*bench, a.decode);
  bind_bench_switch_options(*bench, a.bench_switch);
  bind_init_model_options(app, a.init_model);
  bind_train_options(app, a.train);
  bind_sensitivity_options(app, a.sensitivity);
  bind_select_options(app, a.select);
  bind_fit_gears_options(app, a.fit);
  bind_combine_gears_options(app, a.combine);
  bind_batch_options(app, a.batch);
  bind_merge_options(app, a.merge);
  bind_report_options(app, a.report);
}

// Every command (nested ones as "bench forward") with its options.
inline void each_command(CLI::App* app, const std::string& prefix,
                         const std::function<void(const std::string&, CLI::App*)>& visit) {
  for (CLI::App* sub : app->get_subcommands([](CLI::App*) { return true; })) {
    const std::string name = prefix.empty() ? sub->get_name() : prefix + " " + sub->get_name();
    visit(name, sub);
    each_command(sub, name, visit);
  }
}

}  // namespace gearnn::test
