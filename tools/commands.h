#pragma once
// Each file registers its subcommands: it binds argv into the command's option
// struct (command_options.h) and sets the callback that does the work.
#include <CLI/CLI.hpp>

namespace gearnn::cli {

void add_run_command(CLI::App& app);
void add_data_commands(CLI::App& app);   // synth, distort, eval, probe
void add_bench_commands(CLI::App& app);  // bench forward, bench decode, bench switch
void add_model_commands(CLI::App& app);  // init-model
void add_train_commands(CLI::App& app);  // train
void add_gear_commands(CLI::App& app);   // sensitivity, select, fit-gears, combine-gears, cell-gears
void add_batch_commands(CLI::App& app);  // batch, merge
void add_report_command(CLI::App& app);  // report (HTML)

}  // namespace gearnn::cli
