#include <iostream>
#include <memory>
#include <thread>

#include "commands.h"
#include "gearnn/model/bench.h"

namespace gearnn::cli {

void add_bench_commands(CLI::App& app) {
  CLI::App* bench = app.add_subcommand("bench", "Time parts of the pipeline alone (prints JSON)");
  bench->require_subcommand(1);

  struct ForwardArgs {
    std::string model, input;
    int frames = 100, threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  };
  auto f = std::make_shared<ForwardArgs>();
  CLI::App* fwd = bench->add_subcommand("forward", "Bare model forward on frames of a video");
  fwd->add_option("--model", f->model, "Model directory")->required();
  fwd->add_option("input", f->input, "Video supplying the frames")->required();
  fwd->add_option("--frames", f->frames, "Frames to time")->check(CLI::Range(1, 100000));
  fwd->add_option("--threads", f->threads, "LibTorch threads")->check(CLI::Range(1, 256));
  fwd->callback([f] { std::cout << bench_forward(f->model, f->input, f->frames, f->threads).dump(2) << "\n"; });

  struct DecodeArgs {
    std::string input;
    int threads = 1, frames = -1;
  };
  auto d = std::make_shared<DecodeArgs>();
  CLI::App* dec = bench->add_subcommand("decode", "Decoding alone");
  dec->add_option("input", d->input, "Video")->required();
  dec->add_option("--decode-threads", d->threads, "Decoder threads")->check(CLI::Range(1, 64));
  dec->add_option("--frames", d->frames, "Stop after this many frames");
  dec->callback([d] { std::cout << bench_decode(d->input, d->threads, d->frames).dump(2) << "\n"; });

  struct SwitchArgs {
    std::string model, gears;
    int rounds = 100;
  };
  auto s = std::make_shared<SwitchArgs>();
  CLI::App* sw = bench->add_subcommand("switch", "Gear switch time against reloading the model");
  sw->add_option("--model", s->model, "Model directory")->required();
  sw->add_option("--gears", s->gears, "Gear set directory")->required();
  sw->add_option("--rounds", s->rounds, "Cycles through every gear")->check(CLI::Range(1, 100000));
  sw->callback([s] { std::cout << bench_switch(s->model, s->gears, s->rounds).dump(2) << "\n"; });
}

}  // namespace gearnn::cli
