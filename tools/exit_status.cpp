#include "exit_status.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <filesystem>
#include <new>
#include <stdexcept>

#include "gearnn/common/errors.h"
#include "gearnn/common/json_io.h"

namespace gearnn::cli {

namespace {

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

// "PATH: cannot create directories: Not a directory" from the library's
// "filesystem error: cannot create directories: Not a directory [PATH]".
std::string filesystem_text(const std::filesystem::filesystem_error& e) {
  std::string what = first_line(e.what());
  const std::string prefix = "filesystem error: ";
  if (what.rfind(prefix, 0) == 0) what = what.substr(prefix.size());
  what = what.substr(0, what.find(" ["));
  return e.path1().empty() ? what : e.path1().string() + ": " + what;
}

}  // namespace

std::string exit_codes_help() {
  return "Exit codes: 0 done; 1 bad input or failed run; 2 bad command line (an option); 3 partial (a batch with "
         "failed "
         "items, a run stopped midway by an error: what was finished is kept and the report says complete: false); "
         "70 internal error (a bug). A run stopped by a signal or --max-seconds is complete (0).";
}

ExitStatus exit_status_of(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const CLI::RuntimeError& e) {  // the command reported its outcome itself (batch)
    return {e.get_exit_code(), ""};
  } catch (const CLI::Success&) {
    return {kExitOk, ""};
  } catch (const CLI::ParseError& e) {
    return {kExitUsage, first_line(e.what())};
  } catch (const PartialError& e) {
    return {kExitPartial, first_line(e.what())};
  } catch (const Error& e) {  // one naming an option ("--budget: ...") is a bad command line
    return {e.path().rfind("--", 0) == 0 ? kExitUsage : kExitFailed, first_line(e.what())};
  } catch (const std::filesystem::filesystem_error& e) {
    return {kExitFailed, filesystem_text(e)};
  } catch (const std::bad_alloc&) {
    return {kExitFailed, "out of memory"};
  } catch (const json::exception& e) {  // JSON inputs are checked where they are read: this is a bug
    return {kExitInternal, "internal error: unchecked JSON value (" + json_error_text(e) + ")"};
  } catch (const std::logic_error& e) {
    return {kExitInternal, "internal error: " + first_line(e.what())};
  } catch (const std::runtime_error& e) {
    return {kExitFailed, first_line(e.what())};
  } catch (const std::exception& e) {  // LibTorch's c10::Error, OpenCV's cv::Exception...
    return {kExitInternal, "internal error: " + first_line(e.what())};
  } catch (...) {
    return {kExitInternal, "internal error: unknown exception"};
  }
}

std::string missing_command_text(CLI::App& app, const std::vector<std::string>& args) {
  // The innermost command parsed so far: gearnn itself, or e.g. gearnn bench.
  CLI::App* at = &app;
  std::vector<std::string> parsed;
  while (!at->get_subcommands().empty()) {
    at = at->get_subcommands().front();
    parsed.push_back(at->get_name());
  }
  std::string known;
  for (const CLI::App* sub : at->get_subcommands([](CLI::App*) { return true; }))
    known += (known.empty() ? "" : ", ") + sub->get_name();
  for (const std::string& a : args)
    if (!a.empty() && a[0] != '-' && std::find(parsed.begin(), parsed.end(), a) == parsed.end())
      return a + ": unknown command (" + known + ")";
  return (parsed.empty() ? std::string("gearnn") : parsed.back()) + ": needs a command: " + known;
}

}  // namespace gearnn::cli
