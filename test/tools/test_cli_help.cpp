// The command line's contracts across all subcommands: --help shows every
// default (taken from the option structs), shared options are the same
// everywhere, and parsing never runs a command.
#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "commands.h"
#include "gearnn/common/errors.h"
#include "test_support.h"
#include "tools/cli_parse_support.h"

using namespace gearnn;
using namespace gearnn::test;

TEST_CASE("cli parse: every option's --help shows its default, taken from the structs") {
  AllArgs a;
  CLI::App app;
  bind_all(app, a);
  // Options whose absence means "none" (optional paths and lists) show no default.
  const std::set<std::string> no_default = {"run --gears",
                                            "run --gt",
                                            "run --reference",
                                            "run --overlay",
                                            "run --html",
                                            "run --tag",
                                            "run --input-option",
                                            "run --size",  // absent: chosen from labels or input (help says how)
                                            "distort --schedule",
                                            "eval --names",
                                            "eval --json",
                                            "probe --gears",
                                            "probe --out",
                                            "init-model --meta",
                                            "train --val",
                                            "train --init",
                                            "train --ladder",
                                            "train --checkpoint",
                                            "train --teacher",  // absent: the --init model (help says so)
                                            "sensitivity --teacher",
                                            "fit-gears --teacher",
                                            "train --temperature",  // absent: hard targets (help says so)
                                            "sensitivity --temperature",
                                            "fit-gears --temperature",
                                            "select --out",
                                            "fit-gears --val",
                                            "fit-gears --start",
                                            "fit-gears --bn-stats",  // absent: reestimate, or keep with --start (help says so)
                                            "train --selection",
                                            "fit-gears --selection",
                                            "combine-gears --neutral",
                                            "batch --model",
                                            "run --model",
                                            "bench forward --gears",
                                            "batch --gears",
                                            "batch --html",
                                            "merge --html",
                                            "report --out",
                                            "report --compare"};
  int checked = 0;
  std::set<std::string> seen;
  each_command(&app, "", [&](const std::string& command, CLI::App* cmd) {
    for (const CLI::Option* opt : cmd->get_options()) {
      if (opt->get_expected_max() == 0) continue;  // flags
      const std::string name = command + " " + (opt->get_positional() ? opt->get_name(true, false) : opt->get_name());
      const std::string shown = opt->get_default_str();
      INFO(name << " shows \"" << shown << "\": " << opt->get_description());
      if (opt->get_required()) {
        CHECK(shown.empty());  // "=0 REQUIRED" would only confuse
      } else if (no_default.count(name)) {
        seen.insert(name);
        CHECK(shown.empty());
      } else {
        CHECK_FALSE(shown.empty());
        // The value comes from the struct, never from the help text.
        CHECK_FALSE(std::regex_search(opt->get_description(), std::regex("default(?!\\.json)")));
      }
      CHECK(shown.find('[') == std::string::npos);  // lists shown as typed
      ++checked;
    }
  });
  CHECK(seen == no_default);  // the list names real options
  CHECK(checked > 100);

  // A few defaults as --help prints them, and automatic thread counts explained.
  auto help = [&](const std::string& name) { return app.get_subcommand(name)->help(); };
  CHECK_THAT(help("run"), Catch::Contains("=ids") && Catch::Contains("--hold INT:INT in [1 - 1000000]=1") &&
                              Catch::Contains("--decode-threads INT:INT in [1 - 64]=1") &&
                              Catch::Contains("0 = usable cores but one"));
  CHECK_THAT(help("synth"), Catch::Contains("--width INT:INT in [64 - 8192]=" + std::to_string(SynthOptions{}.width)) &&
                                Catch::Contains("--height INT:INT in [64 - 8192]=" +
                                                std::to_string(SynthOptions{}.height)));
  CHECK_THAT(help("select"), Catch::Contains("--budget TEXT=" + SelectJob{}.budget));
  CHECK_THAT(help("fit-gears"),
             Catch::Contains("--epochs INT:INT in [1 - 100000]=" + std::to_string(FitGearsJob{}.epochs)) &&
                 Catch::Contains("--lr FLOAT:NUMBER in (0, 10]=0.001") && Catch::Contains("0 = all usable cores"));
  CHECK_THAT(help("init-model"), Catch::Contains("--widths INT:INT in [1 - 4096]=16,32,64,128 x 4"));
  CHECK_THAT(help("batch"), Catch::Contains("0 = usable cores / jobs") && Catch::Contains("--shard TEXT=0/1"));
  CHECK_THAT(app.get_subcommand("bench")->get_subcommand("forward")->help(), Catch::Contains("0 = all usable cores"));
}

TEST_CASE("cli parse: shared options behave the same in every command") {
  AllArgs a;
  CLI::App app;
  bind_all(app, a);
  int threads = 0, quiet = 0, temperature = 0;
  each_command(&app, "", [&](const std::string& command, CLI::App* cmd) {
    INFO(command);
    CLI::Option* opt = nullptr;
    if (command != "distort" && (opt = cmd->get_option_no_throw("--threads"))) {  // distort's are libx264's
      ++threads;
      CHECK(opt->get_description().find("LibTorch threads") == 0);
      CHECK(opt->get_description().find("(0 = ") != std::string::npos);
      CHECK(opt->get_type_name() == "INT:INT in [0 - 256]");
    }
    if ((opt = cmd->get_option_no_throw("--quiet"))) {
      ++quiet;
      CHECK(opt->get_expected_max() == 0);  // a flag
    }
    if ((opt = cmd->get_option_no_throw("--temperature"))) {
      ++temperature;
      CHECK(opt->get_description().find("With --targets teacher") == 0);
      CHECK(opt->get_type_name() == "FLOAT:POSITIVE");
    }
    if ((opt = cmd->get_option_no_throw("--max-frames")))
      CHECK(opt->get_description().find("(-1 = all)") != std::string::npos);
  });
  CHECK(threads == 6);  // run, bench forward, train, sensitivity, fit-gears, batch
  CHECK(quiet == 9);    // run, synth, distort, train, sensitivity, fit-gears, batch, merge, report
  CHECK(temperature == 3);  // train, sensitivity, fit-gears
}

TEST_CASE("cli parse: parsing every command runs none of them") {
  // The same argv through add_*_command would do the work: here a report of a
  // missing run fails, which shows the check below could catch a callback.
  const std::string dir = gearnn::test::scratch_dir("cli-parse");
  const std::string missing = dir + "/no-such-run";
  {
    CLI::App app;
    add_report_command(app);
    Argv argv = {"report", missing};
    std::reverse(argv.begin(), argv.end());
    CHECK_THROWS_AS(app.parse(argv), gearnn::Error);
  }
  const std::string in = dir + "/in.mkv", out = dir + "/out";
  const std::vector<Argv> commands = {
      {"run", in, "--model", dir + "/m", "--out", out},
      {"synth", "--out", out, "--frames", "1"},
      {"distort", in, "--out", out + ".mp4"},
      {"eval", "--pred", dir + "/p", "--gt", dir + "/g", "--classes", "2"},
      {"probe", in},
      {"bench", "forward", in, "--model", dir + "/m"},
      {"bench", "decode", in},
      {"bench", "switch", "--model", dir + "/m", "--gears", dir + "/g"},
      {"init-model", "--out", out},
      {"train", "--dataset", dir + "/d.json", "--out", out},
      {"sensitivity", "--model", dir + "/m", "--dataset", dir + "/d.json", "--ladder", dir + "/l.json", "--out", out},
      {"select", "--scores", dir + "/s.json"},
      {"fit-gears", "--model", dir + "/m", "--dataset", dir + "/d.json", "--ladder", dir + "/l.json", "--out", out},
      {"combine-gears", dir + "/a", dir + "/b", "--out", out},
      {"batch", dir + "/items.jsonl", "--out", out},
      {"merge", dir + "/a", "--out", out + ".json"},
      {"report", missing},
      {"report", missing, "--compare", missing, "--out", out + ".html"},
  };
  for (Argv argv : commands) {
    INFO(argv[0]);
    AllArgs a;
    CLI::App app;
    bind_all(app, a);
    std::reverse(argv.begin(), argv.end());
    CHECK_NOTHROW(app.parse(argv));
  }
  CHECK(std::filesystem::is_empty(dir));  // nothing written either
  std::filesystem::remove_all(dir);
}
