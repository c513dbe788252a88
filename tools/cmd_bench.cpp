#include <iostream>
#include <memory>

#include "command_options.h"
#include "commands.h"
#include "common_options.h"
#include "gearnn/common/cores.h"
#include "gearnn/model/bench.h"

namespace gearnn::cli {

CLI::App* bind_bench_group(CLI::App& app) {
  CLI::App* bench = add_command(app, "bench", "Time parts of the pipeline alone (prints JSON)");
  bench->require_subcommand(1);
  return bench;
}

CLI::App* bind_bench_forward_options(CLI::App& bench, BenchForwardArgs& a) {
  CLI::App* cmd = add_command(bench, "forward", "Bare model forward on frames of a video");
  cmd->add_option("--model", a.model, "Model directory")->required();
  cmd->add_option("input", a.input, "Video supplying the frames")->required();
  cmd->add_option("--frames", a.frames, "Frames to time")->check(CLI::Range(1, 100000));
  add_threads_option(cmd, a.threads);
  add_batch_option(cmd, a.batch);
  cmd->add_option("--gears", a.gears, "Gear set loaded as gearnn run loads it (its first gear in place)");
  return tidy_defaults(cmd);
}

CLI::App* bind_bench_decode_options(CLI::App& bench, BenchDecodeArgs& a) {
  CLI::App* cmd = add_command(bench, "decode", "Decoding alone");
  cmd->add_option("input", a.input, "Video")->required();
  add_decode_threads_option(cmd, a.decode_threads);
  cmd->add_option("--frames", a.frames, "Stop after this many frames (-1 = all)");
  return tidy_defaults(cmd);
}

CLI::App* bind_bench_switch_options(CLI::App& bench, BenchSwitchArgs& a) {
  CLI::App* cmd = add_command(bench, "switch", "Gear switch time against reloading the model");
  cmd->add_option("--model", a.model, "Model directory")->required();
  cmd->add_option("--gears", a.gears, "Gear set directory")->required();
  cmd->add_option("--rounds", a.rounds, "Cycles through every gear")->check(CLI::Range(1, 100000));
  return tidy_defaults(cmd);
}

void add_bench_commands(CLI::App& app) {
  CLI::App* bench = bind_bench_group(app);

  auto f = std::make_shared<BenchForwardArgs>();
  bind_bench_forward_options(*bench, *f)->callback([f] {
    const int threads = f->threads > 0 ? f->threads : usable_cores();
    BenchForwardOptions o;
    o.frames = f->frames;
    o.threads = threads;
    o.batch = f->batch;
    o.gears_dir = f->gears;
    std::cout << json_text(bench_forward(f->model, f->input, o), 2) << "\n";
  });

  auto d = std::make_shared<BenchDecodeArgs>();
  bind_bench_decode_options(*bench, *d)->callback([d] {
    std::cout << json_text(bench_decode(d->input, d->decode_threads, d->frames), 2) << "\n";
  });

  auto s = std::make_shared<BenchSwitchArgs>();
  bind_bench_switch_options(*bench, *s)->callback([s] {
    std::cout << json_text(bench_switch(s->model, s->gears, s->rounds), 2) << "\n";
  });
}

}  // namespace gearnn::cli
