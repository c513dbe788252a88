#!/usr/bin/env bash
# Bad-input suite of `gearnn run` and `gearnn probe`: broken and hostile
# inputs, model cards, weights, gear sets, labels, reference masks, options
# and outputs. The checks of each case are in bad_inputs_support.sh.
# Usage: cli_bad_inputs.sh GEARNN FIXTURES
set -u
suite=cli_bad_inputs
source "$(dirname "$0")/bad_inputs_support.sh"
bad_inputs_setup "$1" "$2"

"$gearnn" init-model --out "$work/other" --width 64 --height 48 --widths 8,16,32,64 || exit 1
mkdir -p "$work/t"
tensor_kinds="offset stride numel good nan dtype shape names empty list value"
$py "$src/test/craft_tensor_file.py" $(for k in $tensor_kinds; do echo "$k $work/t/$k.pt"; done) || exit 1
clip=$work/clip/video.mkv
default_outs=$work/out  # the --out of run() and runm()

run() { "$gearnn" run --quiet --model "$work/model" --out "$work/out" "$@"; }

# ---- inputs --------------------------------------------------------------------
expect "run: missing input" 1 "$work/nothere.mp4" -- run "$work/nothere.mp4"
head -c $(( $(stat -c %s "$clip") / 2 )) "$clip" >"$work/cut.mkv"
# The frames decoded before the cut are kept (exit 3, partial).
expect "run: truncated video" 3 "$work/cut.mkv" -- run "$work/cut.mkv"
check "run: truncated video keeps its frames" grep -q '"complete": false' "$work/out/report.json"
rm -rf "$work/out"
head -c 300 "$clip" >"$work/header.mkv"
expect "run: video cut inside its header" 1 "$work/header.mkv" -- run "$work/header.mkv"
echo "plain text, no video here" >"$work/notes.txt"
expect "run: non-video file" 1 "$work/notes.txt" -- run "$work/notes.txt"
: >"$work/empty.mkv"
expect "run: empty input file" 1 "$work/empty.mkv" -- run "$work/empty.mkv"
mkdir -p "$work/adir"
expect "run: input is a directory" 1 "$work/adir" -- run "$work/adir"
unreadable "$work/unreadable.mkv"
expect "run: unreadable input" 1 "$work/unreadable.mkv" -- run "$work/unreadable.mkv"
expect "run: image sequence with no images" 1 "$work/adir/%06d.png" -- run "$work/adir/%06d.png"
mkdir -p "$work/badseq" && head -c 200 /dev/urandom >"$work/badseq/000000.png"
expect "run: image sequence of corrupt PNGs" 1 "$work/badseq/%06d.png" -- run "$work/badseq/%06d.png"

# A valid video whose file name holds a byte that is not UTF-8 runs and reports.
weird=$work/$'clip-\xff.mkv'
cp "$clip" "$weird"
check "run: non-UTF-8 file name" eval '"$gearnn" run --quiet --model "$work/model" --out "$work/weird" "$weird" &&
  $py -c "import json,sys; r = json.load(open(sys.argv[1])); sys.exit(not (r[\"complete\"] and r[\"frames\"] == 6))" \
    "$work/weird/report.json"'
rm -rf "$work/weird" "$weird"

# ---- outputs that cannot be written ----------------------------------------------
expect "run: --out inside a file" 1 "$work/notes.txt/out" -- \
  "$gearnn" run --quiet --model "$work/model" --out "$work/notes.txt/out" "$clip"
expect "run: --out is a file" 1 "$work/notes.txt" -- "$gearnn" run --quiet --model "$work/model" --out "$work/notes.txt" "$clip"
ABSENT="$work/out" expect "run: --max-seconds nan" 2 "--max-seconds" -- run "$clip" --max-seconds nan
ABSENT="$work/out" expect "run: --max-seconds inf" 2 "--max-seconds" -- run "$clip" --max-seconds inf
# Checked before the run (--html failed after every output was written, and exited 1).
ABSENT="$work/out" expect "run: --html inside a file" 1 "$work/notes.txt/r.html" -- run "$clip" --html "$work/notes.txt/r.html"
ABSENT="$work/out" expect "run: --html is a directory" 1 "$work/adir" -- run "$clip" --html "$work/adir"
ABSENT="$work/out" expect "run: --overlay inside a file" 1 "$work/notes.txt/o.mp4" -- run "$clip" --overlay "$work/notes.txt/o.mp4"
rm -rf "$work/out"
ABSENT="$work/out/masks $work/out/frames.jsonl $work/out/report.json" \
  expect "run: overlay of an unknown container" 1 "$work/o.xyz" -- run "$clip" --overlay "$work/o.xyz"
# The image muxer fails on the encoder's last packets, after every frame: the
# other outputs are finished (frames.jsonl was left as .tmp), the run is partial.
ABSENT="$work/o.png" expect "run: overlay that fails when finishing" 3 "$work/o.png" -- run "$clip" --overlay "$work/o.png"
check "run: frames kept after the overlay failed" eval '[ "$(wc -l <"$work/out/frames.jsonl")" -eq 6 ] &&
  grep -q "\"complete\": false" "$work/out/report.json"'
rm -rf "$work/out"

# ---- model cards and weights ---------------------------------------------------------
card() {  # card NAME PYTHON-EDIT: a copy of the model whose model.json `r` is edited
  rm -rf "$work/$1" && cp -r "$work/model" "$work/$1"
  edit_json "$work/model/model.json" "$work/$1/model.json" "$2"
}
runm() { "$gearnn" run --quiet --model "$work/$1" --out "$work/out" "$clip"; }
expect "run: --model does not exist" 1 "$work/nomodel" -- runm nomodel
expect "run: --model is a file" 1 "$work/notes.txt" -- runm notes.txt
mkdir -p "$work/nocard" && cp "$work/model/weights.pt" "$work/nocard/"
expect "run: model directory without model.json" 1 "$work/nocard/model.json" -- runm nocard
card badcard "pass"
echo '{"format": "builtin", "file": "weights.pt"' >"$work/badcard/model.json"
expect "run: malformed model.json" 1 "$work/badcard/model.json" -- runm badcard
: >"$work/badcard/model.json"
expect "run: empty model.json" 1 "$work/badcard/model.json" -- runm badcard
echo '[]' >"$work/badcard/model.json"
expect "run: model.json is an array" 1 "$work/badcard/model.json" -- runm badcard
$py -c "print('{\"a\": ' * 100000 + '1' + '}' * 100000)" >"$work/badcard/model.json"
expect "run: model.json nested 100000 deep" 1 "$work/badcard/model.json: JSON nested deeper" -- runm badcard
rm "$work/badcard/model.json" && mkdir "$work/badcard/model.json"
expect "run: model.json is a directory" 1 "$work/badcard/model.json" -- runm badcard
card wide "r['input']['width'] = 1e9"  # was blamed on weights.pt (a failed forward pass)
expect "run: model input width 1e9" 1 "$work/wide/model.json: /input/width: must be an integer" -- runm wide
card half "r['input']['width'] = 384.5"  # was accepted as 384
expect "run: model input width 384.5" 1 "$work/half/model.json: /input/width: must be an integer" -- runm half
card zero "r['input']['height'] = 0"
expect "run: model input height 0" 1 "$work/zero/model.json: /input/height" -- runm zero
card format "r['format'] = 'onnx'"
expect "run: unknown model format" 1 "$work/format/model.json" -- runm format
card classes "r['classes'] = 'road'"
expect "run: classes not a list" 1 "$work/classes/model.json" -- runm classes
card noclasses "r['classes'] = []; r['palette'] = []"
expect "run: no classes" 1 "$work/noclasses/model.json" -- runm noclasses
card palette "r['palette'] = r['palette'][:3]"
expect "run: palette shorter than the classes" 1 "$work/palette/model.json" -- runm palette
card colour "r['palette'][2][1] = 300"
expect "run: palette value 300" 1 "$work/colour/model.json: /palette/2/1" -- runm colour
card mean "r['input']['mean'] = [0.5, 0.5]"
expect "run: mean with 2 channels" 1 "$work/mean/model.json: /input/mean" -- runm mean
card std "r['input']['std'] = [0.2, 0, 0.2]"  # a division by zero
expect "run: std 0" 1 "$work/std/model.json: /input/std/1" -- runm std
card ignore "r['ignore_index'] = 3"
expect "run: ignore_index among the class ids" 1 "$work/ignore/model.json" -- runm ignore
card widths "r['arch']['widths'] = [0, 32, 64, 128]"
expect "run: arch width 0" 1 "$work/widths/model.json: /arch/widths/0" -- runm widths
card arch "r['arch']['name'] = 'resnet'"
expect "run: unknown architecture" 1 "$work/arch/model.json" -- runm arch
card noweights "r['file'] = 'none.pt'"
expect "run: weights file missing" 1 "$work/noweights/none.pt" -- runm noweights
card weights "pass"
: >"$work/weights/weights.pt"
expect "run: empty weights file" 1 "$work/weights/weights.pt" -- runm weights
head -c 3000 "$work/model/weights.pt" >"$work/weights/weights.pt"
expect "run: truncated weights file" 1 "$work/weights/weights.pt" -- runm weights
cp "$work/other/weights.pt" "$work/weights/weights.pt"
expect "run: weights of another architecture" 1 "$work/weights/weights.pt" -- runm weights
cp "$work/t/offset.pt" "$work/weights/weights.pt"
expect "run: weights with a crafted tensor" 1 "$work/weights/weights.pt: tensor 'cls16.bias'" -- runm weights
rm "$work/weights/weights.pt" && mkdir "$work/weights/weights.pt"
expect "run: weights file is a directory" 1 "$work/weights/weights.pt" -- runm weights
card script "r['format'] = 'torchscript'"
expect "run: builtin weights as a TorchScript module" 1 "$work/script/weights.pt" -- runm script

# ---- gear sets -----------------------------------------------------------------
mkdir -p "$work/g"
gear_set() {  # gear_set FILE: a one-gear set using FILE
  printf '{"gears": [{"name": "g", "file": "%s", "when": {"luma": [0, 256]}}]}\n' "$1" >"$work/g/gears.json"
}
gears_json() { echo "$1" >"$work/g/gears.json"; }
rung() { run "$clip" --gears "$work/g"; }
expect "run: --gears does not exist" 1 "$work/nogears" -- run "$clip" --gears "$work/nogears"
expect "run: gear set without gears.json" 1 "$work/g/gears.json" -- rung
head -c 500 /dev/urandom >"$work/g/corrupt.pt"; gear_set corrupt.pt
expect "run: corrupt gear file" 1 "$work/g/corrupt.pt" -- rung
: >"$work/g/zero.pt"; gear_set zero.pt
expect "run: empty gear file" 1 "$work/g/zero.pt" -- rung
gear_set missing.pt
expect "run: gear file missing" 1 "$work/g/missing.pt" -- rung
mkdir -p "$work/g/dir.pt"; gear_set dir.pt
expect "run: gear file is a directory" 1 "$work/g/dir.pt" -- rung
gear_set ../t/shape.pt
expect "run: gear for another model (shapes)" 1 "$work/g/../t/shape.pt" -- rung
gear_set ../t/names.pt
expect "run: gear for another model (names)" 1 "$work/g/../t/names.pt" -- rung
# Crafted layouts: each crashed run (SIGSEGV) or read out of bounds and exited 0.
for kind in offset stride numel; do
  gear_set "../t/$kind.pt"
  expect "run: gear tensor crafted ($kind)" 1 "$work/g/../t/$kind.pt: tensor 'cls16.bias'" -- rung
done
gear_set ../t/empty.pt
expect "run: gear file with no tensors" 1 "$work/g/../t/empty.pt: holds no tensors" -- rung
gear_set ../t/dtype.pt
expect "run: gear tensor of another dtype" 1 "$work/g/../t/dtype.pt" -- rung
gear_set ../t/nan.pt  # every pixel became class 0
expect "run: gear tensor of NaNs" 1 "$work/g/../t/nan.pt: tensor 'cls16.bias'" -- rung
gear_set ../t/list.pt
expect "run: gear file holding a list" 1 "$work/g/../t/list.pt" -- rung
gear_set ../t/value.pt
expect "run: gear file holding a number" 1 "$work/g/../t/value.pt" -- rung
gears_json '{"gears": [{"name": "g", "file": "../t/good.pt", "when": {"qp": [40]}}]}'
expect "run: gear range of one number" 1 "$work/g/gears.json" -- rung
gears_json '{"gears": ['
expect "run: gears.json not JSON" 1 "$work/g/gears.json" -- rung
nested "$work/g/gears.json"
expect "run: gears.json nested 100000 deep" 1 "$work/g/gears.json: JSON nested deeper" -- rung
gears_json '[]'
expect "run: gears.json is an array" 1 "$work/g/gears.json" -- rung
gears_json '{"gears": [{"name": "g", "file": "../t/good.pt", "when": {"qpp": [30, 40]}}]}'
expect "run: gear rule on an unknown feature" 1 "$work/g/gears.json" -- rung
gears_json '{"gears": [{"name": "g", "file": "../t/good.pt", "when": {"qp": [41, 35]}}]}'
expect "run: gear range that is empty" 1 "$work/g/gears.json" -- rung
gears_json '{"gears": [{"name": "g", "file": "../t/good.pt", "when": {}}, {"name": "g", "file": "../t/good.pt", "when": {}}]}'
expect "run: two gears of one name" 1 "$work/g/gears.json" -- rung
gears_json '{"gears": [{"file": "../t/good.pt", "when": {}}]}'
expect "run: gear without a name" 1 "$work/g/gears.json" -- rung
gears_json '{"gears": [{"name": "g", "file": 5, "when": {}}]}'
expect "run: gear file not a string" 1 "$work/g/gears.json" -- rung
gears_json '{"base_model_hash": "00ff", "gears": [{"name": "g", "file": "../t/good.pt", "when": {}}]}'
expect "run: gears for another model (hash)" 1 "$work/g/gears.json" -- rung

# ---- labels: frames before a bad one are kept (exit 3, partial) -----------------------
cp -r "$work/clip/labels" "$work/labels"
rm "$work/labels/000003.png"
expect "run: label directory missing a frame" 3 "$work/labels/000003.png" -- run "$clip" --gt "$work/labels"
check "run: partial output kept after a missing label" eval '[ "$(wc -l <"$work/out/frames.jsonl")" -eq 3 ] &&
  grep -q "\"complete\": false" "$work/out/report.json"'
rm -rf "$work/out"
labels() {  # labels NAME FRAME: a copy of the clip's labels to spoil at FRAME; prints that label's path
  rm -rf "$work/$1" && cp -r "$work/clip/labels" "$work/$1" && echo "$work/$1/$(printf %06d "$2").png"
}
l=$(labels l-size 2); png "$l" 64 48 L 0
expect "run: label of the wrong size" 3 "$l" -- run "$clip" --gt "$work/l-size"
l=$(labels l-class 0); png "$l" 64 64 L 9
expect "run: label with an unknown class id" 1 "$l" -- run "$clip" --gt "$work/l-class"
l=$(labels l-corrupt 0); head -c 300 /dev/urandom >"$l"
expect "run: corrupt label PNG" 1 "$l" -- run "$clip" --gt "$work/l-corrupt"
l=$(labels l-cut 2); head -c 100 "$work/clip/labels/000002.png" >"$l"
expect "run: truncated label PNG" 3 "$l" -- run "$clip" --gt "$work/l-cut"
l=$(labels l-empty 0); : >"$l"
expect "run: empty label file" 1 "$l" -- run "$clip" --gt "$work/l-empty"
l=$(labels l-rgb 0); png "$l" 64 64 RGB 1
expect "run: RGB label" 1 "$l" -- run "$clip" --gt "$work/l-rgb"
l=$(labels l-16 0); png "$l" 64 64 'I;16' 1
expect "run: 16-bit label" 1 "$l" -- run "$clip" --gt "$work/l-16"
expect "run: --gt does not exist" 1 "$work/nolabels" -- run "$clip" --gt "$work/nolabels"
expect "run: --gt is a file" 1 "$work/notes.txt" -- run "$clip" --gt "$work/notes.txt"
rm -rf "$work/out"

# --reference: the same one-line errors, naming the directory or the mask file.
"$gearnn" run --quiet --model "$work/model" --out "$work/ref" "$clip" || exit 1
expect "run: reference directory missing" 1 "$work/noref" -- run "$clip" --reference "$work/noref"
cp -r "$work/ref/masks" "$work/refmasks" && rm "$work/refmasks/000003.png"
# Frames 0-2 are scored before the missing mask: a partial run.
expect "run: reference missing a frame" 3 "$work/refmasks/000003.png" -- run "$clip" --reference "$work/refmasks"
rm -rf "$work/out"
expect "run: reference of another size" 1 "$work/ref/masks/000000.png" -- run "$clip" --reference "$work/ref" --size 64x48
expect "run: reference as its own output" 1 "$work/ref" -- "$gearnn" run --quiet --model "$work/model" --out "$work/ref" \
  "$clip" --reference "$work/ref"
expect "run: reference run without masks" 1 "$work/clip" -- run "$clip" --reference "$work/clip"
cp -r "$work/ref/masks" "$work/refbad" && png "$work/refbad/000000.png" 64 64 L 12
expect "run: reference mask with an unknown class id" 1 "$work/refbad/000000.png" -- run "$clip" --reference "$work/refbad"
head -c 100 /dev/urandom >"$work/refbad/000000.png"
expect "run: corrupt reference mask" 1 "$work/refbad/000000.png" -- run "$clip" --reference "$work/refbad"
expect "run: --reference is a file" 1 "$work/notes.txt" -- run "$clip" --reference "$work/notes.txt"

# ---- the command line ------------------------------------------------------------
expect "run: unknown option" 2 "--bogus" -- run "$clip" --bogus
mkdir -p "$work/data-bad/models" && echo '{"model": "gone"}' >"$work/data-bad/models/default.json"
expect "run: no --model, bad default.json" 1 "$work/data-bad/models/default.json" -- \
  env GEARNN_DATA_DIR="$work/data-bad" "$gearnn" run --quiet --out "$work/out" "$clip"
expect "run: --batch 0" 2 "--batch" -- run "$clip" --batch 0
expect "run: --size not WxH" 2 "--size" -- run "$clip" --size big
expect "run: --size 100000x100000" 2 "--size" -- run "$clip" --size 100000x100000
expect "run: --threads -1" 2 "--threads" -- run "$clip" --threads -1
expect "run: --decode-threads 0" 2 "--decode-threads" -- run "$clip" --decode-threads 0
expect "run: --hold 0" 2 "--hold" -- run "$clip" --hold 0
expect "run: --check-neighbours -1" 2 "--check-neighbours" -- run "$clip" --check-neighbours -1
expect "run: --check-neighbours without gears" 2 "--check-neighbours" -- run "$clip" --check-neighbours 5
mkdir -p "$work/data-check/models/m/gears/g" && cp "$work/model"/* "$work/data-check/models/m/"
echo '{"model": "m", "gears": "m/gears/g", "check_neighbours": "five"}' >"$work/data-check/models/default.json"
expect "run: no --model, default.json's check_neighbours not a number" 1 "$work/data-check/models/default.json" -- \
  env GEARNN_DATA_DIR="$work/data-check" "$gearnn" run --quiet --out "$work/out" "$clip"
expect "run: --max-seconds not a number" 2 "--max-seconds" -- run "$clip" --max-seconds soon
expect "run: --masks unknown" 2 "--masks" -- run "$clip" --masks rgb
expect "run: --input-option without a key" 2 "--input-option" -- run "$clip" --input-option =5
expect "run: --input-option nothing takes" 2 "no_such_option" -- run "$clip" --input-option no_such_option=5
expect "run: --tag not JSON" 2 "--tag" -- run "$clip" --tag '{"a":'
expect "run: --tag not an object" 2 "--tag" -- run "$clip" --tag '[1, 2]'
expect "run: --tag nested 50000 deep" 2 "--tag" -- run "$clip" --tag "$($py -c "print('[' * 50000 + ']' * 50000)")"

# ---- probe ---------------------------------------------------------------------
probe() { "$gearnn" probe "$@"; }
expect "probe: missing input" 1 "$work/nothere.mp4" -- probe "$work/nothere.mp4"
ABSENT="$work/probe.jsonl" expect "probe: truncated video" 1 "$work/cut.mkv" -- probe "$work/cut.mkv" --out "$work/probe.jsonl"
expect "probe: non-video file" 1 "$work/notes.txt" -- probe "$work/notes.txt"
expect "probe: input is a directory" 1 "$work/adir" -- probe "$work/adir"
expect "probe: empty input file" 1 "$work/empty.mkv" -- probe "$work/empty.mkv"
gears_json '{"gears": ['
expect "probe: malformed gears.json" 1 "$work/g/gears.json" -- probe "$clip" --gears "$work/g"
gears_json '{"gears": [{"name": "g", "file": "../t/good.pt", "when": {"qpp": [30, 40]}}]}'
expect "probe: gear rule on an unknown feature" 1 "$work/g/gears.json" -- probe "$clip" --gears "$work/g"
expect "probe: --gears does not exist" 1 "$work/nogears" -- probe "$clip" --gears "$work/nogears"
expect "probe: --out inside a file" 1 "$work/notes.txt/p.jsonl" -- probe "$clip" --out "$work/notes.txt/p.jsonl"
expect "probe: --out is a directory" 1 "$work/adir" -- probe "$clip" --out "$work/adir"

# ---- a killed run keeps the records of the frames it finished ----------------------
# The input is a pipe held open after the clip, so the run waits for more frames
# with the clip's frames done; then it is killed with SIGKILL.
"$gearnn" synth --quiet --out "$work/long" --frames 24 --width 64 --height 64 --seed 9 || exit 1
mkfifo "$work/feed"
( cat "$work/long/video.mkv"; exec sleep 120 ) >"$work/feed" &
feeder=$!
"$gearnn" run --quiet --model "$work/model" --out "$work/killed" - <"$work/feed" &
runner=$!
for _ in $(seq 600); do
  [ "$(find "$work/killed/masks.partial" -name '*.png' 2>/dev/null | wc -l)" -ge 12 ] && break
  sleep 0.1
done
sleep 1  # the frames still in flight reach their outputs
kill -KILL "$runner"; wait "$runner" 2>/dev/null
kill "$feeder"; wait "$feeder" 2>/dev/null
masks=$(find "$work/killed/masks.partial" -name '*.png' 2>/dev/null | wc -l)
lines=$(wc -l <"$work/killed/frames.jsonl.tmp" 2>/dev/null || echo 0)
if [ "$masks" -ge 12 ] && [ "$lines" -ge $((masks - 1)) ] && [ "$lines" -le "$masks" ] &&
  $py -c "import json,sys; [json.loads(l) for l in open(sys.argv[1])]" "$work/killed/frames.jsonl.tmp" &&
  [ ! -e "$work/killed/frames.jsonl" ] && [ ! -e "$work/killed/report.json" ]; then
  pass "run: killed"
else
  fail_case "run: killed: $masks masks but $lines lines in frames.jsonl.tmp (or a final name appeared)"
fi
rm -rf "$work/killed"  # its temporaries are the point of that case

bad_inputs_finish
