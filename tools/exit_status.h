#pragma once
// gearnn's exit codes (README "Exit codes", `gearnn --help`) and the one line
// printed for any exception that escapes a command.
#include <exception>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace gearnn::cli {

enum ExitCode : int {
  kExitOk = 0,
  kExitFailed = 1,     // bad input or a failed run
  kExitUsage = 2,      // a bad command line (unknown option, a value out of range, an Error naming an --option)
  kExitPartial = 3,    // part failed, the rest is kept: a batch with failed items, a run stopped midway by an error
  kExitInternal = 70,  // a bug: std::logic_error or an unexpected exception (EX_SOFTWARE)
};

// The codes as `gearnn --help` lists them.
std::string exit_codes_help();

struct ExitStatus {
  int code = kExitOk;
  std::string message;  // one line, printed after "gearnn: error: "; empty: print nothing
};

// What an exception escaping a command means for the exit code and the error line.
ExitStatus exit_status_of(const std::exception_ptr& error);

// The error line when `args` (argv without the program) name no command where
// one is needed, in place of CLI11's "A subcommand is required": the word that
// is no command ("frobnicate: unknown command (run, ...)"), else the command
// that needs one ("bench: needs a command: forward, decode, switch").
std::string missing_command_text(CLI::App& app, const std::vector<std::string>& args);

}  // namespace gearnn::cli
