#!/usr/bin/env bash
# Bad-input suite of the data and model tools: synth, distort (options and
# schedules), eval, init-model and bench. The checks of each case are in
# bad_inputs_support.sh. Usage: cli_bad_inputs_data.sh GEARNN FIXTURES
set -u
suite=cli_bad_inputs_data
source "$(dirname "$0")/bad_inputs_support.sh"
bad_inputs_setup "$1" "$2"

clip=$work/clip/video.mkv
echo "plain text, no video here" >"$work/notes.txt"
: >"$work/empty.mkv"
mkdir -p "$work/adir"
head -c $(( $(stat -c %s "$clip") / 2 )) "$clip" >"$work/cut.mkv"

# ---- synth -----------------------------------------------------------------------
synth() { "$gearnn" synth --quiet --frames "${w_frames:-2}" "$@"; }
expect "synth: --out inside a file" 1 "$work/notes.txt/s" -- synth --out "$work/notes.txt/s"
expect "synth: --out is a file" 1 "$work/notes.txt" -- synth --out "$work/notes.txt"
w_frames=0 expect "synth: --frames 0" 2 "--frames" -- synth --out "$work/s"
expect "synth: odd --width" 2 "--width" -- synth --out "$work/s" --width 65
expect "synth: negative --height" 2 "--height" -- synth --out "$work/s" --height -64
expect "synth: --width 100000" 2 "--width" -- synth --out "$work/s" --width 100000 --height 100000
expect "synth: --fps 0" 2 "--fps" -- synth --out "$work/s" --fps 0
expect "synth: --seed -1" 2 "--seed" -- synth --out "$work/s" --seed -1

# ---- distort: the input and the output ----------------------------------------------
distort() { "$gearnn" distort --quiet "$@"; }
d=$work/d.mp4
expect "distort: missing input" 1 "$work/nothere.mkv" -- distort "$work/nothere.mkv" --out "$d"
expect "distort: non-video input" 1 "$work/notes.txt" -- distort "$work/notes.txt" --out "$d"
expect "distort: empty input" 1 "$work/empty.mkv" -- distort "$work/empty.mkv" --out "$d"
expect "distort: input is a directory" 1 "$work/adir" -- distort "$work/adir" --out "$d"
expect "distort: truncated input" 1 "$work/cut.mkv" -- distort "$work/cut.mkv" --out "$d"
expect "distort: --out inside a file" 1 "$work/notes.txt/d.mp4" -- distort "$clip" --out "$work/notes.txt/d.mp4"
expect "distort: --out is a directory" 1 "$work/adir" -- distort "$clip" --out "$work/adir"
expect "distort: --out of an unknown container" 1 "$work/d.xyz" -- distort "$clip" --out "$work/d.xyz"

# ---- distort: settings --------------------------------------------------------------
expect "distort: --qp 52" 2 "--qp" -- distort "$clip" --out "$d" --qp 52
expect "distort: --brightness -1" 2 "--brightness" -- distort "$clip" --out "$d" --brightness -1
expect "distort: --brightness nan" 2 "--brightness" -- distort "$clip" --out "$d" --brightness nan
expect "distort: --blur 1000" 2 "--blur" -- distort "$clip" --out "$d" --blur 1000
expect "distort: --scale 0" 2 "--scale" -- distort "$clip" --out "$d" --scale 0
expect "distort: --resolution 2" 2 "--resolution" -- distort "$clip" --out "$d" --resolution 2
expect "distort: unknown preset" 2 "--preset" -- distort "$clip" --out "$d" --preset warp9  # x264 printed its own line too
expect "distort: negative threads" 2 "--threads" -- distort "$clip" --out "$d" --threads -4

# ---- distort: schedules ---------------------------------------------------------------
sched() {  # sched NAME JSON: a schedule file
  echo "$2" >"$work/$1.json"
}
sdistort() { distort "$clip" --out "$d" --schedule "$work/$1.json"; }
expect "distort: schedule missing" 1 "$work/nosched.json" -- sdistort nosched
sched s-bad '{"segments": [{"frames": [0, 3], "qp": 30}'
expect "distort: schedule not JSON" 1 "$work/s-bad.json" -- sdistort s-bad
nested "$work/s-deep.json"
expect "distort: schedule nested 100000 deep" 1 "$work/s-deep.json: JSON nested deeper" -- sdistort s-deep
sched s-array '[{"frames": [0, 3], "qp": 30}]'
expect "distort: schedule is an array" 1 "$work/s-array.json" -- sdistort s-array
sched s-reversed '{"segments": [{"frames": [3, 0], "qp": 30}]}'
expect "distort: schedule segment reversed" 1 "$work/s-reversed.json" -- sdistort s-reversed
sched s-key '{"segments": [{"frames": [0, 3], "gamma": 2}]}'
expect "distort: schedule unknown setting" 1 "$work/s-key.json" -- sdistort s-key
sched s-qp '{"segments": [{"frames": [0, 3], "qp": 60}]}'
expect "distort: schedule qp 60" 1 "$work/s-qp.json" -- sdistort s-qp
sched s-wrap '{"segments": [{"frames": [0, 3], "qp": 4294967336}]}'  # 2^32 + 40
expect "distort: schedule qp 2^32+40" 1 "$work/s-wrap.json" -- sdistort s-wrap
sched s-string '{"segments": [{"frames": ["0", 3], "qp": 30}]}'
expect "distort: schedule frames as strings" 1 "$work/s-string.json" -- sdistort s-string
sched s-far '{"segments": [{"frames": [0, 1000000000000], "qp": 30}]}'  # planned frame by frame: hung
expect "distort: schedule reaching frame 10^12" 1 "$work/s-far.json" -- sdistort s-far
sched s-res '{"segments": [{"frames": [0, 3], "resolution": 0.5}]}'
expect "distort: resolution changes into .mp4" 1 "$d" -- sdistort s-res

# ---- eval ----------------------------------------------------------------------------
mkdir -p "$work/pred" && cp "$work/clip/labels/"*.png "$work/pred/"
evaluate() { "$gearnn" eval --classes "${w_classes:-8}" "$@"; }
expect "eval: --pred does not exist" 1 "$work/nopred" -- evaluate --pred "$work/nopred" --gt "$work/clip/labels"
expect "eval: --gt does not exist" 1 "$work/nogt" -- evaluate --pred "$work/pred" --gt "$work/nogt"
expect "eval: --gt has no labels" 1 "$work/adir" -- evaluate --pred "$work/pred" --gt "$work/adir"
expect "eval: --gt is a file" 1 "$work/notes.txt" -- evaluate --pred "$work/pred" --gt "$work/notes.txt"
rm "$work/pred/000004.png"
expect "eval: prediction missing" 1 "$work/pred/000004.png" -- evaluate --pred "$work/pred" --gt "$work/clip/labels"
png "$work/pred/000004.png" 32 32 L 0
expect "eval: prediction of another size" 1 "$work/pred/000004.png" -- evaluate --pred "$work/pred" --gt "$work/clip/labels"
head -c 100 /dev/urandom >"$work/pred/000004.png"
expect "eval: corrupt prediction" 1 "$work/pred/000004.png" -- evaluate --pred "$work/pred" --gt "$work/clip/labels"
png "$work/pred/000004.png" 64 64 L 20
expect "eval: prediction with an unknown class id" 1 "$work/pred/000004.png" -- evaluate --pred "$work/pred" --gt "$work/clip/labels"
cp "$work/clip/labels/000004.png" "$work/pred/"
mkdir -p "$work/gt" && cp "$work/clip/labels/"*.png "$work/gt/" && png "$work/gt/000002.png" 64 64 L 9
expect "eval: label with an unknown class id" 1 "$work/gt/000002.png" -- evaluate --pred "$work/pred" --gt "$work/gt"
w_classes=0 expect "eval: --classes 0" 2 "--classes" -- evaluate --pred "$work/pred" --gt "$work/clip/labels"
expect "eval: --ignore 300" 2 "--ignore" -- evaluate --pred "$work/pred" --gt "$work/clip/labels" --ignore 300
expect "eval: --ignore among the classes" 2 "--ignore" -- evaluate --pred "$work/pred" --gt "$work/clip/labels" --ignore 3
expect "eval: more --names than classes" 2 "--names" -- evaluate --pred "$work/pred" --gt "$work/clip/labels" --names a,b,c,d,e,f,g,h,i
OUTS=$work/adir expect "eval: --json is a directory" 1 "$work/adir" -- \
  evaluate --pred "$work/pred" --gt "$work/clip/labels" --json "$work/adir"
OUTS=$work/notes.txt/m.json expect "eval: --json inside a file" 1 "$work/notes.txt/m.json" -- \
  evaluate --pred "$work/pred" --gt "$work/clip/labels" --json "$work/notes.txt/m.json"

# ---- init-model ------------------------------------------------------------------------
init() { "$gearnn" init-model --width "${w_width:-64}" --height 48 "$@"; }
expect "init-model: --out inside a file" 1 "$work/notes.txt/m" -- init --out "$work/notes.txt/m"
expect "init-model: --out is a file" 1 "$work/notes.txt" -- init --out "$work/notes.txt"
w_width=15 expect "init-model: --width 15" 2 "--width" -- init --out "$work/m"
expect "init-model: --widths with 3 values" 2 "--widths" -- init --out "$work/m" --widths 8,16,32
expect "init-model: --widths 0" 2 "--widths" -- init --out "$work/m" --widths 0,16,32,64
expect "init-model: --head -5" 2 "--head" -- init --out "$work/m" --head -5
expect "init-model: --meta missing" 1 "$work/nometa.json" -- init --out "$work/m" --meta "$work/nometa.json"
meta() {  # meta NAME PYTHON-EDIT: the clip's meta.json with `r` edited
  edit_json "$work/clip/meta.json" "$work/$1.json" "$2"
}
meta m-ok "pass"
echo '{"classes": ["a", "b"], ' >"$work/m-bad.json"
expect "init-model: --meta not JSON" 1 "$work/m-bad.json" -- init --out "$work/m" --meta "$work/m-bad.json"
nested "$work/m-deep.json"
expect "init-model: --meta nested 100000 deep" 1 "$work/m-deep.json: JSON nested deeper" -- init --out "$work/m" --meta "$work/m-deep.json"
meta m-classes "r['classes'] = 'road'"
expect "init-model: --meta classes not a list" 1 "$work/m-classes.json" -- init --out "$work/m" --meta "$work/m-classes.json"
meta m-none "r['classes'] = []; r['palette'] = []"
expect "init-model: --meta with no classes" 1 "$work/m-none.json" -- init --out "$work/m" --meta "$work/m-none.json"
meta m-many "r['classes'] = [str(i) for i in range(300)]; r['palette'] = [[0, 0, 0]] * 300"
expect "init-model: --meta with 300 classes" 1 "$work/m-many.json" -- init --out "$work/m" --meta "$work/m-many.json"
meta m-palette "r['palette'] = r['palette'][:2]"
expect "init-model: --meta palette too short" 1 "$work/m-palette.json" -- init --out "$work/m" --meta "$work/m-palette.json"
meta m-colour "r['palette'][1] = [0, 256, 0]"
expect "init-model: --meta palette value 256" 1 "$work/m-colour.json: /palette/1/1" -- init --out "$work/m" --meta "$work/m-colour.json"

# ---- bench ---------------------------------------------------------------------------
expect "bench: no subcommand" 2 "bench" -- "$gearnn" bench
expect "bench forward: --model does not exist" 1 "$work/nomodel" -- "$gearnn" bench forward --model "$work/nomodel" "$clip"
expect "bench forward: missing input" 1 "$work/nothere.mkv" -- "$gearnn" bench forward --model "$work/model" "$work/nothere.mkv"
expect "bench forward: --frames 0" 2 "--frames" -- "$gearnn" bench forward --model "$work/model" "$clip" --frames 0
expect "bench decode: non-video input" 1 "$work/notes.txt" -- "$gearnn" bench decode "$work/notes.txt"
expect "bench decode: --decode-threads 0" 2 "--decode-threads" -- "$gearnn" bench decode "$clip" --decode-threads 0
expect "bench decode: --frames not a number" 2 "--frames" -- "$gearnn" bench decode "$clip" --frames all
expect "bench switch: --gears does not exist" 1 "$work/nogears" -- "$gearnn" bench switch --model "$work/model" --gears "$work/nogears"
mkdir -p "$work/g" && echo '{"gears": []}' >"$work/g/gears.json"
expect "bench switch: a set with no gears" 1 "$work/g" -- "$gearnn" bench switch --model "$work/model" --gears "$work/g"
expect "bench switch: --rounds 0" 2 "--rounds" -- "$gearnn" bench switch --model "$work/model" --gears "$work/g" --rounds 0

# ---- the command line as a whole ------------------------------------------------------------
expect "gearnn: no command" 2 "gearnn: needs a command: run, synth" -- "$gearnn"
expect "gearnn: unknown command" 2 "frobnicate" -- "$gearnn" frobnicate

bad_inputs_finish
