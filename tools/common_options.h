#pragma once
// Options several subcommands share, declared once so their names, help and
// checks agree everywhere. Help shows each option's default, read from the
// variable it is bound to when it is bound (so from the option structs).
#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>

#include "gearnn/training/targets.h"

namespace gearnn::cli {

// A subcommand whose options capture their defaults for --help.
CLI::App* add_command(CLI::App& parent, const std::string& name, const std::string& description);

// Call last when binding a command: required options show no default ("=0
// REQUIRED" would only confuse) and lists show as typed ("16,32", not "[16,32]";
// an empty one shows nothing). Returns `cmd`.
CLI::App* tidy_defaults(CLI::App* cmd);

CLI::Option* add_quiet_flag(CLI::App* cmd, bool& quiet, const std::string& description = "No progress output");

// LibTorch intra-op threads, 0..256; `zero_means` says what the automatic choice is.
CLI::Option* add_threads_option(CLI::App* cmd, int& threads, const std::string& zero_means = "all usable cores",
                                const std::string& what = "LibTorch threads");
CLI::Option* add_decode_threads_option(CLI::App* cmd, int& threads);

// A negative count means no limit.
CLI::Option* add_max_frames_option(CLI::App* cmd, int64_t& max_frames,
                                   const std::string& description = "Stop after this many frames");
CLI::Option* add_max_frames_option(CLI::App* cmd, int& max_frames,
                                   const std::string& description = "Stop after this many frames");

// Every Nth frame of the validation clips (--val), apart from --stride: many
// training scenes thinned hard need not thin the few validation clips too.
CLI::Option* add_val_stride_option(CLI::App* cmd, int& val_stride);

// Training or fitting epochs, at least 1.
CLI::Option* add_epochs_option(CLI::App* cmd, int& epochs, const std::string& description);

// A seed: any integer from 0 (CLI11 alone would wrap -1 round to 2^64 - 1).
CLI::Option* add_seed_option(CLI::App* cmd, uint64_t& seed, const std::string& description);

// A number in [lo, hi]; NaN and infinities are refused (CLI::Range lets NaN through).
// With `lo_open`, lo itself is refused too: (lo, hi].
CLI::Validator finite_number(double lo, double hi, bool lo_open = false);

// The gear hysteresis of `gearnn run` (also probe and batch).
CLI::Option* add_hold_option(CLI::App* cmd, int& hold,
                             const std::string& description = "Frames a new gear must match before switching");
CLI::Option* add_masks_option(CLI::App* cmd, std::string& masks);
// Frames a forward (`gearnn run`, batch, bench forward).
CLI::Option* add_batch_option(CLI::App* cmd, int& batch);
// --check-neighbours and --check-every (run and batch); `more` ends the first's
// help. Returns the --check-neighbours option.
CLI::Option* add_check_options(CLI::App* cmd, int& check_neighbours, int& check_every, const std::string& more = "");

// --targets labels|teacher, --teacher DIR and --temperature T (sensitivity,
// fit-gears, train). T is checked here (finite, above 0); that it needs
// --targets teacher, by TargetOptions::check when the command runs.
void add_target_options(CLI::App* cmd, TargetOptions& targets, const std::string& default_teacher);

}  // namespace gearnn::cli
