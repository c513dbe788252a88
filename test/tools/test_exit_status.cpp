// One error path for every exception: the exit code and the single line each
// kind of failure gets, and the codes as `gearnn --help` documents them.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <stdexcept>

#include "exit_status.h"
#include "gearnn/common/errors.h"
#include "gearnn/common/json_io.h"
#include "test_support.h"

using namespace gearnn;
using namespace gearnn::cli;

namespace {

template <typename E>
ExitStatus status_of(const E& e) {
  return exit_status_of(std::make_exception_ptr(e));
}

}  // namespace

TEST_CASE("exit status: each kind of failure has its code and one line", "[cli]") {
  CHECK(status_of(Error("a/gears.json", "bad")).code == kExitFailed);
  CHECK(status_of(Error("a/gears.json", "bad")).message == "a/gears.json: bad");
  CHECK(status_of(Error("--budget", "too large")).code == kExitUsage);  // an option's problem
  const ExitStatus partial = status_of(PartialError(Error("labels/000003.png", "not found")));
  CHECK(partial.code == kExitPartial);
  CHECK(partial.message == "labels/000003.png: not found");
  CHECK(status_of(CLI::RuntimeError(kExitPartial)).code == kExitPartial);  // a command that reported itself
  CHECK(status_of(CLI::RuntimeError(kExitPartial)).message.empty());
  CHECK(status_of(CLI::ValidationError("--threads", "Value -4 not in range 0 to 64")).code == kExitUsage);
  CHECK(status_of(CLI::ValidationError("--threads", "Value -4 not in range 0 to 64")).message ==
        "--threads: Value -4 not in range 0 to 64");
  const ExitStatus fs_error = status_of(std::filesystem::filesystem_error(
      "cannot create directories", "out/x", std::make_error_code(std::errc::not_a_directory)));
  CHECK(fs_error.code == kExitFailed);
  CHECK(fs_error.message == "out/x: cannot create directories: Not a directory");
  CHECK(status_of(std::logic_error("index out of range\nmore")).code == kExitInternal);
  CHECK(status_of(std::logic_error("index out of range\nmore")).message == "internal error: index out of range");
  CHECK(status_of(std::bad_alloc()).message == "out of memory");
  CHECK(exit_status_of(std::make_exception_ptr(42)).code == kExitInternal);
  try {
    json::parse("[1]").at(3);
  } catch (...) {
    const ExitStatus s = exit_status_of(std::current_exception());
    CHECK(s.code == kExitInternal);
    CHECK_THAT(s.message, Catch::StartsWith("internal error: unchecked JSON value"));
  }
}

TEST_CASE("exit status: gearnn --help lists the codes, a usage error is one line and code 2", "[cli]") {
  using gearnn::test::run_command;
  const auto help = run_command(gearnn::test::gearnn_binary() + " --help");
  CHECK(help.exit_code == 0);
  CHECK_THAT(help.output, Catch::Contains("Exit codes: 0 done; 1 bad input or failed run; 2 bad command line") &&
                              Catch::Contains("3 partial") && Catch::Contains("70 internal error"));
  const auto bad = run_command(gearnn::test::gearnn_binary() + " distort in.mkv --out o.mp4 --threads -4");
  CHECK(bad.exit_code == kExitUsage);
  CHECK(bad.output == "gearnn: error: --threads: Value -4 not in range 0 to 64\n");
  const auto none = run_command(gearnn::test::gearnn_binary());
  CHECK(none.exit_code == kExitUsage);
  CHECK(std::count(none.output.begin(), none.output.end(), '\n') == 1);
}

TEST_CASE("exit status: a missing or unknown command is named", "[cli]") {
  CLI::App app;
  app.require_subcommand(1);
  app.add_subcommand("run", "");
  CLI::App* bench = app.add_subcommand("bench", "");
  bench->require_subcommand(1);
  bench->add_subcommand("forward", "");
  bench->add_subcommand("decode", "");
  auto text = [&](const std::vector<std::string>& args) {
    app.clear();
    std::vector<std::string> reversed(args.rbegin(), args.rend());  // as CLI11 takes them
    CHECK_THROWS_WITH(app.parse(reversed), Catch::StartsWith("A subcommand is required"));
    return missing_command_text(app, args);
  };
  CHECK(text({}) == "gearnn: needs a command: run, bench");
  CHECK(text({"frobnicate"}) == "frobnicate: unknown command (run, bench)");
  CHECK(text({"bench"}) == "bench: needs a command: forward, decode");
  CHECK(text({"bench", "frob"}) == "frob: unknown command (forward, decode)");
}
