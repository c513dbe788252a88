// argv parsed into each subcommand's option struct, in-process: defaults when
// an option is absent, given values in the right fields, bad values rejected
// with CLI::ParseError. The binders set no callback, so no command runs here
// (test/cli/*.sh drive the binary itself).
#include <catch2/catch.hpp>
#include <cmath>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "test_support.h"
#include "tools/cli_parse_support.h"

using namespace gearnn;
using namespace gearnn::test;

namespace {

CLI::App* bind_forward(CLI::App& app, BenchForwardArgs& a) {
  return bind_bench_forward_options(*bind_bench_group(app), a);
}
CLI::App* bind_decode(CLI::App& app, BenchDecodeArgs& a) {
  return bind_bench_decode_options(*bind_bench_group(app), a);
}
CLI::App* bind_switch(CLI::App& app, BenchSwitchArgs& a) {
  return bind_bench_switch_options(*bind_bench_group(app), a);
}

}  // namespace

TEST_CASE("cli parse: run: defaults, values, bad values") {
  const RunOptions fresh;
  const auto a = parse<RunArgs>(bind_run_options, {"run", "in.mp4", "--model", "m", "--out", "o"});
  CHECK(a.options.input == "in.mp4");
  CHECK(a.options.model_dir == "m");
  CHECK(a.options.out_dir == "o");
  CHECK(a.options.gears_dir == fresh.gears_dir);
  CHECK(a.options.gt_dir == fresh.gt_dir);
  CHECK(a.options.reference_dir == fresh.reference_dir);
  CHECK(a.options.masks == fresh.masks);
  CHECK(a.options.png_level == fresh.png_level);
  CHECK(a.options.overlay_path == fresh.overlay_path);
  CHECK(a.options.threads == fresh.threads);
  CHECK(a.options.decode_threads == fresh.decode_threads);
  CHECK(a.options.hold == fresh.hold);
  CHECK(a.options.max_frames == fresh.max_frames);
  CHECK(a.options.queue_size == fresh.queue_size);
  CHECK(a.options.progress == fresh.progress);
  CHECK(a.options.tag.is_null());
  CHECK_FALSE(a.quiet);
  CHECK(a.html.empty());
  CHECK(a.tag.empty());
  CHECK(a.input_options.empty());

  const auto b = parse<RunArgs>(bind_run_options, {"run",
                                                   "--model",
                                                   "m2",
                                                   "frames/%06d.png",
                                                   "--out",
                                                   "o2",
                                                   "--gears",
                                                   "g",
                                                   "--gt",
                                                   "labels",
                                                   "--reference",
                                                   "pristine-run",
                                                   "--masks",
                                                   "color",
                                                   "--png-level",
                                                   "7",
                                                   "--overlay",
                                                   "ov.mp4",
                                                   "--threads",
                                                   "3",
                                                   "--decode-threads",
                                                   "2",
                                                   "--hold",
                                                   "5",
                                                   "--max-frames",
                                                   "40",
                                                   "--quiet",
                                                   "--html",
                                                   "r.html",
                                                   "--tag",
                                                   "{\"k\": 1}",
                                                   "--input-option",
                                                   "rtsp_flags=listen",
                                                   "--input-option",
                                                   "headers=a=b"});
  CHECK(b.options.input == "frames/%06d.png");
  CHECK(b.options.model_dir == "m2");
  CHECK(b.options.out_dir == "o2");
  CHECK(b.options.gears_dir == "g");
  CHECK(b.options.gt_dir == "labels");
  CHECK(b.options.reference_dir == "pristine-run");
  CHECK(b.options.masks == "color");
  CHECK(b.options.png_level == 7);
  CHECK(b.options.overlay_path == "ov.mp4");
  CHECK(b.options.threads == 3);
  CHECK(b.options.decode_threads == 2);
  CHECK(b.options.hold == 5);
  CHECK(b.options.max_frames == 40);
  CHECK(b.quiet);
  CHECK(b.html == "r.html");
  CHECK(b.tag == "{\"k\": 1}");  // parsed (and checked) only when the command runs
  CHECK(b.input_options == std::vector<std::string>{"rtsp_flags=listen", "headers=a=b"});
  const auto c = parse<RunArgs>(bind_run_options, {"run", "--input-option", "rtsp_flags=listen", "rtsp://h/x",
                                                   "--model", "m", "--out", "o"});
  CHECK(c.input_options == std::vector<std::string>{"rtsp_flags=listen"});
  CHECK(c.options.input == "rtsp://h/x");

  const Argv ok = {"run", "in.mp4", "--model", "m", "--out", "o"};
  auto with = [&](Argv extra) {
    Argv v = ok;
    v.insert(v.end(), extra.begin(), extra.end());
    return v;
  };
  CHECK_NOTHROW(parse<RunArgs>(bind_run_options, with({"--threads", "0", "--masks", "none"})));
  for (const Argv& bad : {with({"--masks", "colour"}), with({"--hold", "0"}), with({"--threads", "257"}),
                          with({"--png-level", "10"}), with({"--png-level", "-1"}),
                          with({"--threads", "-1"}), with({"--decode-threads", "0"}), with({"--decode-threads", "65"}),
                          with({"--max-frames", "ten"}), with({"--bogus"}), with({"--input-option", "listen"}),
                          with({"--input-option", "=1"}), with({"--batch", "0"}), with({"--batch", "65"}),
                          Argv{"run", "--model", "m", "--out", "o"}, Argv{"run", "in.mp4", "--model", "m"}}) {
    INFO(CLI::detail::join(bad, " "));
    CHECK_THROWS_AS(parse<RunArgs>(bind_run_options, bad), CLI::ParseError);
  }
}

TEST_CASE("cli parse: synth and distort: defaults, values, bad values") {
  const SynthOptions fs;
  const auto s = parse<SynthArgs>(bind_synth_options, {"synth", "--out", "clip"});
  CHECK(s.options.out_dir == "clip");
  CHECK(s.options.frames == fs.frames);
  CHECK(s.options.width == fs.width);
  CHECK(s.options.height == fs.height);
  CHECK(s.options.seed == fs.seed);
  CHECK(s.options.fps == fs.fps);
  CHECK_FALSE(s.quiet);
  const auto s2 = parse<SynthArgs>(bind_synth_options, {"synth", "--out", "c", "--frames", "7", "--width", "128",
                                                        "--height", "96", "--seed", "42", "--fps", "25", "--quiet"});
  CHECK(s2.options.frames == 7);
  CHECK(s2.options.width == 128);
  CHECK(s2.options.height == 96);
  CHECK(s2.options.seed == 42u);
  CHECK(s2.options.fps == 25.0);
  CHECK(s2.quiet);
  for (const Argv& bad :
       {Argv{"synth"}, Argv{"synth", "--out", "c", "--frames", "0"}, Argv{"synth", "--out", "c", "--fps", "241"},
        Argv{"synth", "--out", "c", "--width", "wide"}}) {
    INFO(CLI::detail::join(bad, " "));
    CHECK_THROWS_AS(parse<SynthArgs>(bind_synth_options, bad), CLI::ParseError);
  }

  const DistortOptions fd;
  const auto d = parse<DistortArgs>(bind_distort_options, {"distort", "in.mkv", "--out", "out.mp4"});
  CHECK(d.options.input == "in.mkv");
  CHECK(d.options.output == "out.mp4");
  CHECK(d.options.base.qp == fd.base.qp);
  CHECK(d.options.base.brightness == fd.base.brightness);
  CHECK(d.options.base.noise == fd.base.noise);
  CHECK(d.options.base.blur == fd.base.blur);
  CHECK(d.options.base.scale == fd.base.scale);
  CHECK(d.options.seed == fd.seed);
  CHECK(d.options.preset == fd.preset);
  CHECK(d.options.threads == fd.threads);
  CHECK(d.options.max_frames == fd.max_frames);
  CHECK(d.options.schedule.empty());
  CHECK(d.schedule.empty());
  const auto d2 = parse<DistortArgs>(
      bind_distort_options,
      {"distort",  "in.mkv", "--out",     "o.mkv",   "--qp",         "40",         "--brightness", "0.4",    "--noise",
       "8",        "--blur", "1.5",       "--scale", "0.5",          "--schedule", "s.json",       "--seed", "3",
       "--preset", "slow",   "--threads", "2",       "--max-frames", "9",          "--quiet"});
  CHECK(d2.options.base.qp == 40);
  CHECK(d2.options.base.brightness == 0.4);
  CHECK(d2.options.base.noise == 8.0);
  CHECK(d2.options.base.blur == 1.5);
  CHECK(d2.options.base.scale == 0.5);
  CHECK(d2.schedule == "s.json");
  CHECK(d2.options.seed == 3u);
  CHECK(d2.options.preset == "slow");
  CHECK(d2.options.threads == 2);
  CHECK(d2.options.max_frames == 9);
  CHECK(d2.quiet);
  for (const Argv& bad : {Argv{"distort", "in.mkv"}, Argv{"distort", "--out", "o.mp4"},
                          Argv{"distort", "in.mkv", "--out", "o.mp4", "--qp", "high"},
                          Argv{"distort", "in.mkv", "--out", "o.mp4", "--threads", "-4"},
                          Argv{"distort", "in.mkv", "--out", "o.mp4", "--preset", "warp9"}}) {
    INFO(CLI::detail::join(bad, " "));
    CHECK_THROWS_AS(parse<DistortArgs>(bind_distort_options, bad), CLI::ParseError);
  }
}

TEST_CASE("cli parse: eval and probe: defaults, values, bad values") {
  const EvalOptions fe;
  const auto e = parse<EvalArgs>(bind_eval_options, {"eval", "--pred", "p", "--gt", "g", "--classes", "5"});
  CHECK(e.options.pred_dir == "p");
  CHECK(e.options.gt_dir == "g");
  CHECK(e.options.num_classes == 5);
  CHECK(e.options.ignore_index == fe.ignore_index);
  CHECK(e.options.class_names.empty());
  CHECK(e.json_out.empty());
  const auto e2 = parse<EvalArgs>(bind_eval_options, {"eval", "--pred", "p", "--gt", "g", "--classes", "3", "--ignore",
                                                      "0", "--names", "road,car,sky", "--json", "m.json"});
  CHECK(e2.options.ignore_index == 0);
  CHECK(e2.options.class_names == std::vector<std::string>{"road", "car", "sky"});
  CHECK(e2.json_out == "m.json");
  for (const Argv& bad : {Argv{"eval", "--pred", "p", "--gt", "g"}, Argv{"eval", "--gt", "g", "--classes", "2"},
                          Argv{"eval", "--pred", "p", "--gt", "g", "--classes", "two"}}) {
    INFO(CLI::detail::join(bad, " "));
    CHECK_THROWS_AS(parse<EvalArgs>(bind_eval_options, bad), CLI::ParseError);
  }

  const ProbeOptions fp;
  const auto p = parse<ProbeArgs>(bind_probe_options, {"probe", "v.mp4"});
  CHECK(p.options.input == "v.mp4");
  CHECK(p.options.gears_dir == fp.gears_dir);
  CHECK(p.options.hold == fp.hold);
  CHECK(p.options.max_frames == fp.max_frames);
  CHECK(p.options.out_jsonl == fp.out_jsonl);
  CHECK_FALSE(p.json);
  const auto p2 = parse<ProbeArgs>(bind_probe_options, {"probe", "v.mp4", "--gears", "g", "--hold", "3", "--max-frames",
                                                        "20", "--out", "f.jsonl", "--json"});
  CHECK(p2.options.gears_dir == "g");
  CHECK(p2.options.hold == 3);
  CHECK(p2.options.max_frames == 20);
  CHECK(p2.options.out_jsonl == "f.jsonl");
  CHECK(p2.json);
  CHECK_THROWS_AS(parse<ProbeArgs>(bind_probe_options, {"probe"}), CLI::ParseError);
  CHECK_THROWS_AS(parse<ProbeArgs>(bind_probe_options, {"probe", "v.mp4", "--hold", "0"}), CLI::ParseError);
}

TEST_CASE("cli parse: bench forward, decode, switch: defaults, values, bad values") {
  const BenchForwardArgs ff;
  const auto f = parse<BenchForwardArgs>(bind_forward, {"bench", "forward", "v.mp4", "--model", "m"});
  CHECK(f.input == "v.mp4");
  CHECK(f.model == "m");
  CHECK(f.frames == ff.frames);
  CHECK(f.threads == ff.threads);
  const auto f2 = parse<BenchForwardArgs>(
      bind_forward, {"bench", "forward", "v.mp4", "--model", "m", "--frames", "10", "--threads", "2"});
  CHECK(f2.frames == 10);
  CHECK(f2.threads == 2);

  const BenchDecodeArgs fd;
  const auto d = parse<BenchDecodeArgs>(bind_decode, {"bench", "decode", "v.mp4"});
  CHECK(d.input == "v.mp4");
  CHECK(d.decode_threads == fd.decode_threads);
  CHECK(d.frames == fd.frames);
  const auto d2 =
      parse<BenchDecodeArgs>(bind_decode, {"bench", "decode", "v.mp4", "--decode-threads", "4", "--frames", "30"});
  CHECK(d2.decode_threads == 4);
  CHECK(d2.frames == 30);

  const BenchSwitchArgs fs;
  const auto s = parse<BenchSwitchArgs>(bind_switch, {"bench", "switch", "--model", "m", "--gears", "g"});
  CHECK(s.model == "m");
  CHECK(s.gears == "g");
  CHECK(s.rounds == fs.rounds);
  CHECK(parse<BenchSwitchArgs>(bind_switch, {"bench", "switch", "--model", "m", "--gears", "g", "--rounds", "7"})
            .rounds == 7);

  CHECK_THROWS_AS(parse<BenchForwardArgs>(bind_forward, {"bench"}), CLI::ParseError);  // a subcommand is required
  CHECK_THROWS_AS(parse<BenchForwardArgs>(bind_forward, {"bench", "forward", "v.mp4"}), CLI::ParseError);
  CHECK_THROWS_AS(parse<BenchForwardArgs>(bind_forward, {"bench", "forward", "v.mp4", "--model", "m", "--frames", "0"}),
                  CLI::ParseError);
  CHECK_THROWS_AS(
      parse<BenchForwardArgs>(bind_forward, {"bench", "forward", "v.mp4", "--model", "m", "--threads", "300"}),
      CLI::ParseError);
  CHECK_THROWS_AS(parse<BenchDecodeArgs>(bind_decode, {"bench", "decode", "v.mp4", "--decode-threads", "65"}),
                  CLI::ParseError);
  CHECK_THROWS_AS(parse<BenchSwitchArgs>(bind_switch, {"bench", "switch", "--model", "m"}), CLI::ParseError);
  CHECK_THROWS_AS(
      parse<BenchSwitchArgs>(bind_switch, {"bench", "switch", "--model", "m", "--gears", "g", "--rounds", "0"}),
      CLI::ParseError);
}

TEST_CASE("cli parse: init-model and train: defaults, values, bad values") {
  const InitModelArgs fi;
  const auto i = parse<InitModelArgs>(bind_init_model_options, {"init-model", "--out", "m"});
  CHECK(i.out == "m");
  CHECK(i.meta == fi.meta);
  CHECK(i.width == fi.width);
  CHECK(i.height == fi.height);
  CHECK(i.widths == fi.widths);
  CHECK(i.head == fi.head);
  CHECK(i.seed == fi.seed);
  const auto i2 = parse<InitModelArgs>(
      bind_init_model_options, {"init-model", "--out", "m", "--meta", "meta.json", "--width", "64", "--height", "48",
                                "--widths", "8,16,32,64", "--head", "32", "--seed", "9"});
  CHECK(i2.meta == "meta.json");
  CHECK(i2.width == 64);
  CHECK(i2.height == 48);
  CHECK(i2.widths == std::vector<int64_t>{8, 16, 32, 64});
  CHECK(i2.head == 32);
  CHECK(i2.seed == 9u);
  for (const Argv& bad : {Argv{"init-model"}, Argv{"init-model", "--out", "m", "--width", "8"},
                          Argv{"init-model", "--out", "m", "--widths", "8,16,32"}}) {
    INFO(CLI::detail::join(bad, " "));
    CHECK_THROWS_AS(parse<InitModelArgs>(bind_init_model_options, bad), CLI::ParseError);
  }

  const TrainJob fj;
  const auto t = parse<TrainArgs>(bind_train_options, {"train", "--dataset", "d.json", "--out", "m"});
  const TrainJob& j = t.job;
  CHECK(j.dataset == "d.json");
  CHECK(j.out_dir == "m");
  CHECK(j.val_dataset == fj.val_dataset);
  CHECK(j.init_model == fj.init_model);
  CHECK(j.width == fj.width);
  CHECK(j.height == fj.height);
  CHECK(j.widths == fj.widths);
  CHECK(j.head == fj.head);
  CHECK(j.mode == fj.mode);
  CHECK(j.ladder == fj.ladder);
  CHECK(j.cache_dir == fj.cache_dir);
  CHECK(j.stability_weight == fj.stability_weight);
  CHECK(j.epochs == fj.epochs);
  CHECK(j.batch == fj.batch);
  CHECK(j.lr == fj.lr);
  CHECK(j.stride == fj.stride);
  CHECK(j.val_stride == 0);  // the validation clips thinned as --stride
  CHECK(j.max_frames_per_clip == fj.max_frames_per_clip);
  CHECK(j.seed == fj.seed);
  CHECK(j.threads == fj.threads);
  CHECK(j.checkpoint_dir == fj.checkpoint_dir);
  CHECK(j.resume == fj.resume);
  CHECK_FALSE(t.quiet);
  const auto t2 = parse<TrainArgs>(bind_train_options, {"train",
                                                        "--dataset",
                                                        "d.json",
                                                        "--out",
                                                        "m",
                                                        "--val",
                                                        "v.json",
                                                        "--init",
                                                        "base",
                                                        "--width",
                                                        "160",
                                                        "--height",
                                                        "96",
                                                        "--widths",
                                                        "8,16,32,64",
                                                        "--head",
                                                        "16",
                                                        "--mode",
                                                        "stability",
                                                        "--ladder",
                                                        "a.json,b.json",
                                                        "--cache",
                                                        "c",
                                                        "--stability-weight",
                                                        "0.5",
                                                        "--epochs",
                                                        "3",
                                                        "--batch",
                                                        "4",
                                                        "--lr",
                                                        "0.01",
                                                        "--stride",
                                                        "5",
                                                        "--val-stride",
                                                        "2",
                                                        "--max-frames",
                                                        "12",
                                                        "--seed",
                                                        "7",
                                                        "--threads",
                                                        "2",
                                                        "--checkpoint",
                                                        "ck",
                                                        "--resume",
                                                        "--quiet"});
  const TrainJob& j2 = t2.job;
  CHECK(j2.val_dataset == "v.json");
  CHECK(j2.init_model == "base");
  CHECK(j2.width == 160);
  CHECK(j2.height == 96);
  CHECK(j2.widths == std::vector<int64_t>{8, 16, 32, 64});
  CHECK(j2.head == 16);
  CHECK(j2.mode == "stability");
  CHECK(j2.ladder == "a.json,b.json");  // several ladders stay one string, split by the job
  CHECK(j2.cache_dir == "c");
  CHECK(j2.stability_weight == 0.5);
  CHECK(j2.epochs == 3);
  CHECK(j2.batch == 4);
  CHECK(j2.lr == 0.01);
  CHECK(j2.stride == 5);
  CHECK(j2.val_stride == 2);
  CHECK(j2.max_frames_per_clip == 12);
  CHECK(j2.seed == 7u);
  CHECK(j2.threads == 2);
  CHECK(j2.checkpoint_dir == "ck");
  CHECK(j2.resume);
  CHECK(t2.quiet);
  const Argv ok = {"train", "--dataset", "d.json", "--out", "m"};
  for (const Argv& extra : {Argv{"--mode", "robust"}, Argv{"--batch", "1"}, Argv{"--epochs", "0"},
                            Argv{"--stride", "0"}, Argv{"--val-stride", "-1"}, Argv{"--width", "5000"},
                            Argv{"--threads", "-1"}}) {
    Argv bad = ok;
    bad.insert(bad.end(), extra.begin(), extra.end());
    INFO(CLI::detail::join(bad, " "));
    CHECK_THROWS_AS(parse<TrainArgs>(bind_train_options, bad), CLI::ParseError);
  }
  CHECK_THROWS_AS(parse<TrainArgs>(bind_train_options, {"train", "--out", "m"}), CLI::ParseError);
}

TEST_CASE("cli parse: sensitivity, select, fit-gears, combine-gears: defaults, values, bad values") {
  const Argv level = {"--model", "m", "--dataset", "d.json", "--ladder", "l.json"};
  auto cmd = [&](const std::string& name, Argv extra) {
    Argv v{name};
    v.insert(v.end(), level.begin(), level.end());
    v.insert(v.end(), extra.begin(), extra.end());
    return v;
  };

  const SensitivityJob fs;
  const auto s = parse<SensitivityArgs>(bind_sensitivity_options, cmd("sensitivity", {"--out", "s.json"}));
  CHECK(s.job.model_dir == "m");
  CHECK(s.job.dataset == "d.json");
  CHECK(s.job.ladder == "l.json");
  CHECK(s.job.out == "s.json");
  CHECK(s.job.cache_dir == fs.cache_dir);
  CHECK(s.job.method == fs.method);
  CHECK(s.job.epochs == fs.epochs);
  CHECK(s.job.stride == fs.stride);
  CHECK(s.job.max_frames_per_clip == fs.max_frames_per_clip);
  CHECK(s.job.threads == fs.threads);
  CHECK(s.job.seed == fs.seed);
  CHECK_FALSE(s.quiet);
  const auto s2 = parse<SensitivityArgs>(
      bind_sensitivity_options,
      cmd("sensitivity", {"--out", "s.json", "--method", "fisher", "--epochs", "1", "--stride", "4", "--max-frames",
                          "6", "--cache", "c", "--threads", "1", "--seed", "5", "--quiet"}));
  CHECK(s2.job.method == "fisher");
  CHECK(s2.job.epochs == 1);
  CHECK(s2.job.stride == 4);
  CHECK(s2.job.max_frames_per_clip == 6);
  CHECK(s2.job.cache_dir == "c");
  CHECK(s2.job.threads == 1);
  CHECK(s2.job.seed == 5u);
  CHECK(s2.quiet);
  CHECK_THROWS_AS(
      parse<SensitivityArgs>(bind_sensitivity_options, cmd("sensitivity", {"--out", "s", "--method", "grad"})),
      CLI::ParseError);
  CHECK_THROWS_AS(parse<SensitivityArgs>(bind_sensitivity_options, cmd("sensitivity", {})), CLI::ParseError);
  for (const Argv& extra : {Argv{"--stride", "0"}, Argv{"--epochs", "0"}}) {
    Argv bad = cmd("sensitivity", {"--out", "s"});
    bad.insert(bad.end(), extra.begin(), extra.end());
    INFO(CLI::detail::join(bad, " "));
    CHECK_THROWS_AS(parse<SensitivityArgs>(bind_sensitivity_options, bad), CLI::ParseError);
  }
  CHECK_THROWS_AS(
      parse<SensitivityArgs>(bind_sensitivity_options, {"sensitivity", "--model", "m", "--dataset", "d", "--out", "s"}),
      CLI::ParseError);  // no --ladder

  const SelectJob fsel;
  const auto sel = parse<SelectJob>(bind_select_options, {"select", "--scores", "s.json"});
  CHECK(sel.scores == "s.json");
  CHECK(sel.budget == fsel.budget);
  CHECK(sel.mode == fsel.mode);
  CHECK(sel.out == fsel.out);
  const auto sel2 = parse<SelectJob>(
      bind_select_options, {"select", "--scores", "s.json", "--budget", "4096", "--mode", "shared", "--out", "x"});
  CHECK(sel2.budget == "4096");
  CHECK(sel2.mode == "shared");
  CHECK(sel2.out == "x");
  CHECK_THROWS_AS(parse<SelectJob>(bind_select_options, {"select", "--scores", "s", "--mode", "both"}),
                  CLI::ParseError);
  CHECK_THROWS_AS(parse<SelectJob>(bind_select_options, {"select"}), CLI::ParseError);

  const FitGearsJob ff;
  const auto f = parse<FitGearsArgs>(bind_fit_gears_options, cmd("fit-gears", {"--out", "g"}));
  CHECK(f.job.out_dir == "g");
  CHECK(f.job.model_dir == "m");
  CHECK(f.job.val_dataset == ff.val_dataset);
  CHECK(f.job.selection == ff.selection);
  CHECK(f.job.kind == ff.kind);
  CHECK(f.job.cache_dir == ff.cache_dir);
  CHECK(f.job.epochs == ff.epochs);
  CHECK(f.job.batch == ff.batch);
  CHECK(f.job.stride == ff.stride);
  CHECK(f.job.val_stride == 0);
  CHECK(f.job.max_frames_per_clip == ff.max_frames_per_clip);
  CHECK(f.job.threads == ff.threads);
  CHECK(f.job.lr == ff.lr);
  CHECK(f.job.seed == ff.seed);
  const auto f2 = parse<FitGearsArgs>(
      bind_fit_gears_options, cmd("fit-gears", {"--out", "g", "--val", "v.json", "--selection", "sel.json", "--kind",
                                                "bn", "--epochs", "2", "--batch", "4", "--lr", "0.0005", "--stride",
                                                "6", "--val-stride", "3", "--quiet"}));
  CHECK(f2.job.val_dataset == "v.json");
  CHECK(f2.job.selection == "sel.json");
  CHECK(f2.job.kind == "bn");
  CHECK(f2.job.epochs == 2);
  CHECK(f2.job.batch == 4);
  CHECK(f2.job.lr == 0.0005);
  CHECK(f2.job.stride == 6);
  CHECK(f2.job.val_stride == 3);
  CHECK(f2.quiet);
  for (const Argv& extra : {Argv{"--stride", "0"}, Argv{"--val-stride", "-1"}, Argv{"--epochs", "0"}}) {
    Argv bad = cmd("fit-gears", {"--out", "g"});
    bad.insert(bad.end(), extra.begin(), extra.end());
    INFO(CLI::detail::join(bad, " "));
    CHECK_THROWS_AS(parse<FitGearsArgs>(bind_fit_gears_options, bad), CLI::ParseError);
  }
  CHECK_THROWS_AS(parse<FitGearsArgs>(bind_fit_gears_options, cmd("fit-gears", {"--out", "g", "--kind", "half"})),
                  CLI::ParseError);
  CHECK_THROWS_AS(parse<FitGearsArgs>(bind_fit_gears_options, cmd("fit-gears", {"--out", "g", "--threads", "999"})),
                  CLI::ParseError);
  CHECK_THROWS_AS(parse<FitGearsArgs>(bind_fit_gears_options, cmd("fit-gears", {})), CLI::ParseError);

  const CombineGearsOptions fc;
  const auto c = parse<CombineGearsOptions>(bind_combine_gears_options, {"combine-gears", "a", "b", "--out", "ab"});
  CHECK(c.first_dir == "a");
  CHECK(c.then_dir == "b");
  CHECK(c.out_dir == "ab");
  CHECK(c.min_gain == fc.min_gain);
  CHECK(c.neutral.empty());
  const auto c2 = parse<CombineGearsOptions>(
      bind_combine_gears_options, {"combine-gears", "a", "b", "--out", "ab", "--min-gain", "0.01", "--neutral", "x,y"});
  CHECK(c2.min_gain == 0.01);
  CHECK(c2.neutral == std::vector<std::string>{"x", "y"});
  CHECK_THROWS_AS(parse<CombineGearsOptions>(bind_combine_gears_options, {"combine-gears", "a", "--out", "ab"}),
                  CLI::ParseError);
  CHECK_THROWS_AS(parse<CombineGearsOptions>(bind_combine_gears_options,
                                             {"combine-gears", "a", "b", "--out", "o", "--min-gain", "x"}),
                  CLI::ParseError);
}

TEST_CASE("cli parse: --temperature of sensitivity, fit-gears and train: absent, values, bad values") {
  const Argv level = {"--model", "m", "--dataset", "d.json", "--ladder", "l.json"};
  auto sens = [&](Argv extra) {
    Argv v{"sensitivity", "--out", "s.json"};
    v.insert(v.end(), level.begin(), level.end());
    v.insert(v.end(), extra.begin(), extra.end());
    return parse<SensitivityArgs>(bind_sensitivity_options, v).job.targets;
  };
  auto fit = [&](Argv extra) {
    Argv v{"fit-gears", "--out", "g"};
    v.insert(v.end(), level.begin(), level.end());
    v.insert(v.end(), extra.begin(), extra.end());
    return parse<FitGearsArgs>(bind_fit_gears_options, v).job.targets;
  };
  auto train = [&](Argv extra) {
    Argv v{"train", "--dataset", "d.json", "--out", "m"};
    v.insert(v.end(), extra.begin(), extra.end());
    return parse<TrainArgs>(bind_train_options, v).job.targets;
  };
  for (const auto& targets_of : {std::function<TargetOptions(Argv)>(sens), std::function<TargetOptions(Argv)>(fit),
                                 std::function<TargetOptions(Argv)>(train)}) {
    // Absent: hard targets, recorded as before the option existed.
    const TargetOptions hard = targets_of({"--targets", "teacher"});
    CHECK(hard.temperature == TargetOptions{}.temperature);
    CHECK_FALSE(hard.soft());
    CHECK_NOTHROW(hard.check());
    CHECK(hard.to_json() == json{{"kind", "teacher"}, {"teacher", ""}, {"view", "augmented"}});

    const TargetOptions soft = targets_of({"--targets", "teacher", "--teacher", "big", "--temperature", "2.5"});
    CHECK(soft.temperature == 2.5);
    CHECK(soft.soft());
    CHECK_NOTHROW(soft.check());
    CHECK(soft.to_json() == json{{"kind", "teacher"}, {"teacher", "big"}, {"view", "augmented"}, {"temperature", 2.5}});
    CHECK(targets_of({"--targets", "teacher", "--temperature", "1e-3"}).temperature == 0.001);

    for (const std::string bad : {"0", "-1", "-0", "nan", "inf", "-inf", "1e400", "warm"}) {
      INFO("--temperature '" << bad << "'");
      CHECK_THROWS_AS(targets_of({"--targets", "teacher", "--temperature", bad}), CLI::ParseError);
    }
    // Parsed, but refused when the command starts: soft targets come from a teacher.
    for (const Argv& without : {Argv{"--temperature", "2"}, Argv{"--targets", "labels", "--temperature", "2"}}) {
      INFO(CLI::detail::join(without, " "));
      const TargetOptions t = targets_of(without);
      CHECK(t.temperature == 2.0);
      CHECK(error_of([&] { t.check(); }) == "--temperature: needs --targets teacher");
    }
  }
  // The library refuses what the command line cannot give.
  TargetOptions t;
  t.kind = "teacher";
  for (const double bad : {-1.0, std::nan(""), std::numeric_limits<double>::infinity()}) {
    t.temperature = bad;
    CHECK(error_of([&] { t.check(); }) == "--temperature: must be a finite number above 0");
  }
}

TEST_CASE("cli parse: batch, merge, report: defaults, values, bad values") {
  const BatchOptions fb;
  const auto b = parse<BatchArgs>(bind_batch_options, {"batch", "items.jsonl", "--out", "o"});
  CHECK(b.options.manifest == "items.jsonl");
  CHECK(b.options.out_dir == "o");
  CHECK(b.options.model == fb.model);
  CHECK(b.options.gears == fb.gears);
  CHECK(b.options.masks == fb.masks);
  CHECK(b.options.hold == fb.hold);
  CHECK(b.options.jobs == fb.jobs);
  CHECK(b.options.threads == fb.threads);
  const Shard whole = Shard::parse(b.shard);  // the default shard string is the struct's default shard
  CHECK(whole.index == fb.shard.index);
  CHECK(whole.count == fb.shard.count);
  CHECK_FALSE(b.quiet);
  CHECK(b.html.empty());
  const auto b2 = parse<BatchArgs>(bind_batch_options,
                                   {"batch",     "items.jsonl", "--out",   "o",      "--model", "m",      "--gears",
                                    "g",         "--masks",     "none",    "--hold", "2",       "--jobs", "3",
                                    "--threads", "4",           "--shard", "1/3",    "--quiet", "--html", "b.html"});
  CHECK(b2.options.model == "m");
  CHECK(b2.options.gears == "g");
  CHECK(b2.options.masks == "none");
  CHECK(b2.options.hold == 2);
  CHECK(b2.options.jobs == 3);
  CHECK(b2.options.threads == 4);
  CHECK(b2.shard == "1/3");
  CHECK(b2.quiet);
  CHECK(b2.html == "b.html");
  for (const Argv& extra :
       {Argv{"--jobs", "0"}, Argv{"--masks", "rgb"}, Argv{"--threads", "257"}, Argv{"--hold", "-2"}}) {
    Argv bad = {"batch", "items.jsonl", "--out", "o"};
    bad.insert(bad.end(), extra.begin(), extra.end());
    INFO(CLI::detail::join(bad, " "));
    CHECK_THROWS_AS(parse<BatchArgs>(bind_batch_options, bad), CLI::ParseError);
  }
  CHECK_THROWS_AS(parse<BatchArgs>(bind_batch_options, {"batch", "--out", "o"}), CLI::ParseError);

  const auto m = parse<MergeArgs>(bind_merge_options, {"merge", "a", "b", "c", "--out", "m.json"});
  CHECK(m.dirs == std::vector<std::string>{"a", "b", "c"});
  CHECK(m.out == "m.json");
  CHECK_FALSE(m.quiet);
  CHECK(m.html.empty());
  const auto m2 =
      parse<MergeArgs>(bind_merge_options, {"merge", "a", "--out", "m.json", "--quiet", "--html", "m.html"});
  CHECK(m2.quiet);
  CHECK(m2.html == "m.html");
  CHECK_THROWS_AS(parse<MergeArgs>(bind_merge_options, {"merge", "--out", "m.json"}), CLI::ParseError);
  CHECK_THROWS_AS(parse<MergeArgs>(bind_merge_options, {"merge", "a"}), CLI::ParseError);

  const ReportArgs fr;
  const auto r = parse<ReportArgs>(bind_report_options, {"report", "run"});
  CHECK(r.path == "run");
  CHECK(r.out == fr.out);
  CHECK(r.samples == fr.samples);
  CHECK(r.compare == fr.compare);
  CHECK_FALSE(r.quiet);
  const auto r2 =
      parse<ReportArgs>(bind_report_options, {"report", "run", "--out", "r.html", "--samples", "0", "--quiet"});
  CHECK(r2.out == "r.html");
  CHECK(r2.samples == 0);
  CHECK(r2.quiet);
  CHECK_THROWS_AS(parse<ReportArgs>(bind_report_options, {"report", "run", "--samples", "101"}), CLI::ParseError);
  CHECK_THROWS_AS(parse<ReportArgs>(bind_report_options, {"report"}), CLI::ParseError);
  // Two runs on one page: it belongs to neither, so --out is needed, and it has no sample frames.
  const auto c = parse<ReportArgs>(bind_report_options, {"report", "a", "--compare", "b", "--out", "ab.html"});
  CHECK(c.path == "a");
  CHECK(c.compare == "b");
  CHECK(c.out == "ab.html");
  CHECK_THROWS_AS(parse<ReportArgs>(bind_report_options, {"report", "a", "--compare", "b"}), CLI::ParseError);
  CHECK_THROWS_AS(
      parse<ReportArgs>(bind_report_options, {"report", "a", "--compare", "b", "--out", "x.html", "--samples", "2"}),
      CLI::ParseError);
}
