#!/usr/bin/env bash
# Bad-input suite: each hostile or broken input makes gearnn exit with its typed
# code (1 bad input, 2 bad command line, 3 partial: see gearnn --help) and
# exactly one line on stderr naming the offending file or option; no temporary
# file is left, and nothing appears under a final name that is not complete.
# Every crafted file is made here. Usage: cli_bad_inputs.sh GEARNN FIXTURES
set -u
gearnn=$1
src=$(cd "$(dirname "$0")/../.." && pwd)
work=$2/scratch/cli-bad-inputs-$$
rm -rf "$work" && mkdir -p "$work"
trap 'rm -rf "$work"' EXIT
failures=0 passed=0
py=/usr/bin/python3  # Debian's python3-torch crafts the tensor files

"$gearnn" synth --quiet --out "$work/clip" --frames 6 --width 128 --height 96 --seed 5 || exit 1
"$gearnn" init-model --out "$work/model" --width 64 --height 48 || exit 1
"$gearnn" init-model --out "$work/other" --width 64 --height 48 --widths 8,16,32,64 || exit 1

pass() { passed=$((passed + 1)); }
fail_case() { failures=$((failures + 1)); echo "FAIL $*"; }

# Temporaries any gearnn output leaves while it is being written.
leftovers() { find "$work" \( -name '*.tmp' -o -name '*.partial' -o -name '.partial-*' \) -print; }

# [ABSENT="paths..."] expect NAME CODE NAMED -- command...: exit code CODE, one
# stderr line holding NAMED, no temporaries, none of the ABSENT paths.
expect() {
  local name=$1 want=$2 named=$3
  shift 4
  "$@" >"$work/out.txt" 2>"$work/err.txt"
  local code=$? lines problems="" path
  lines=$(wc -l <"$work/err.txt")
  [ "$code" -eq "$want" ] || problems+=" exit $code (expected $want);"
  [ "$lines" -eq 1 ] || problems+=" $lines stderr lines;"
  grep -qF -- "$named" "$work/err.txt" || problems+=" stderr does not name $named;"
  [ -z "$(leftovers)" ] || problems+=" left $(leftovers | tr '\n' ' ');"
  for path in ${ABSENT:-}; do [ ! -e "$path" ] || problems+=" wrote $path;"; done
  if [ -z "$problems" ]; then pass; else fail_case "$name:$problems"; cat "$work/err.txt"; fi
}
run() { "$gearnn" run --quiet --model "$work/model" --out "$work/out" "$@"; }

# ---- inputs --------------------------------------------------------------------
expect "missing input" 1 "$work/nothere.mp4" -- run "$work/nothere.mp4"
head -c $(( $(stat -c %s "$work/clip/video.mkv") / 2 )) "$work/clip/video.mkv" >"$work/cut.mkv"
# The frames decoded before the cut are kept (exit 3, partial).
expect "truncated video" 3 "$work/cut.mkv" -- run "$work/cut.mkv"
echo "plain text, no video here" >"$work/notes.txt"
expect "non-video file" 1 "$work/notes.txt" -- run "$work/notes.txt"
expect "output directory cannot be made" 1 "$work/notes.txt/out: cannot create directory" -- \
  "$gearnn" run --quiet --model "$work/model" --out "$work/notes.txt/out" "$work/clip/video.mkv"

# A valid video whose file name holds a byte that is not UTF-8 runs and reports.
weird=$work/$'clip-\xff.mkv'
cp "$work/clip/video.mkv" "$weird"
if "$gearnn" run --quiet --model "$work/model" --out "$work/weird" "$weird" 2>"$work/err.txt" &&
  $py -c "import json,sys; r = json.load(open(sys.argv[1])); sys.exit(not (r['complete'] and r['frames'] == 6))" \
    "$work/weird/report.json"; then
  pass
else
  fail_case "non-UTF-8 file name"; cat "$work/err.txt"
fi

# ---- gear sets -----------------------------------------------------------------
mkdir -p "$work/g"
gear_set() {  # gear_set FILE: a one-gear set using FILE
  printf '{"gears": [{"name": "g", "file": "%s", "when": {"luma": [0, 256]}}]}\n' "$1" >"$work/g/gears.json"
}
head -c 500 /dev/urandom >"$work/g/corrupt.pt"; gear_set corrupt.pt
expect "corrupt gear file" 1 "$work/g/corrupt.pt" -- run "$work/clip/video.mkv" --gears "$work/g"
$py -c "import torch; torch.save({'stem.weight': torch.zeros(8, 3, 3, 3), 'stem_bn.bias': torch.zeros(16)}, '$work/g/shape.pt')"; gear_set shape.pt
expect "gear for another model (shapes)" 1 "$work/g/shape.pt" -- run "$work/clip/video.mkv" --gears "$work/g"
$py -c "import torch; torch.save({'backbone.conv.weight': torch.zeros(3), 'backbone.conv.bias': torch.zeros(3)}, '$work/g/names.pt')"; gear_set names.pt
expect "gear for another model (names)" 1 "$work/g/names.pt" -- run "$work/clip/video.mkv" --gears "$work/g"
# Crafted layouts: each crashed run (SIGSEGV) or read out of bounds and exited 0.
for kind in offset stride numel; do
  $py "$src/test/craft_tensor_file.py" "$kind" "$work/g/$kind.pt" || exit 1
  gear_set "$kind.pt"
  expect "gear tensor: crafted $kind" 1 "$work/g/$kind.pt: tensor 'cls16.bias'" -- run "$work/clip/video.mkv" --gears "$work/g"
done
$py -c "import torch; torch.save({}, '$work/g/empty.pt')"; gear_set empty.pt
expect "gear file with no tensors" 1 "$work/g/empty.pt: holds no tensors" -- run "$work/clip/video.mkv" --gears "$work/g"
echo '{"gears": [{"name": "g", "file": "names.pt", "when": {"qp": [40]}}]}' >"$work/g/gears.json"
expect "malformed gears.json" 1 "$work/g/gears.json" -- run "$work/clip/video.mkv" --gears "$work/g"
echo '{"gears": [' >"$work/g/gears.json"
expect "gears.json not JSON" 1 "$work/g/gears.json" -- run "$work/clip/video.mkv" --gears "$work/g"
$py -c "print('[' * 100000 + ']' * 100000)" >"$work/g/gears.json"
expect "gears.json nested 100000 deep" 1 "$work/g/gears.json: JSON nested deeper" -- run "$work/clip/video.mkv" --gears "$work/g"

# ---- model cards ---------------------------------------------------------------
card() {  # card NAME PYTHON-EDIT: a copy of the model whose model.json `r` is edited
  rm -rf "$work/$1" && cp -r "$work/model" "$work/$1"
  $py -c "import json,sys; r = json.load(open(sys.argv[1])); $2; json.dump(r, open(sys.argv[1], 'w'))" \
    "$work/$1/model.json"
}
cp -r "$work/model" "$work/badmodel"
echo '{"format": "builtin", "file": "weights.pt"' >"$work/badmodel/model.json"
expect "malformed model.json" 1 "$work/badmodel/model.json" -- \
  "$gearnn" run --quiet --model "$work/badmodel" --out "$work/out" "$work/clip/video.mkv"
$py -c "print('{\"a\": ' * 100000 + '1' + '}' * 100000)" >"$work/badmodel/model.json"
expect "model.json nested 100000 deep" 1 "$work/badmodel/model.json: JSON nested deeper" -- \
  "$gearnn" run --quiet --model "$work/badmodel" --out "$work/out" "$work/clip/video.mkv"
card wide "r['input']['width'] = 1e9"  # was blamed on weights.pt (a failed forward pass)
expect "model input width 1e9" 1 "$work/wide/model.json: /input/width: must be an integer" -- \
  "$gearnn" run --quiet --model "$work/wide" --out "$work/out" "$work/clip/video.mkv"
card half "r['input']['width'] = 384.5"  # was accepted as 384
expect "model input width 384.5" 1 "$work/half/model.json: /input/width: must be an integer" -- \
  "$gearnn" run --quiet --model "$work/half" --out "$work/out" "$work/clip/video.mkv"

# ---- labels: frames before the bad one are kept (exit 3, partial) ----------------
cp -r "$work/clip/labels" "$work/labels"
rm "$work/labels/000003.png"
rm -rf "$work/out"
expect "label directory missing a frame" 3 "$work/labels/000003.png" -- run "$work/clip/video.mkv" --gt "$work/labels"
if [ "$(wc -l <"$work/out/frames.jsonl")" -eq 3 ] && grep -q '"complete": false' "$work/out/report.json"; then
  pass
else
  fail_case "partial output not kept after a missing label"
fi
cp -r "$work/clip/labels" "$work/labels2"
"$gearnn" synth --quiet --out "$work/small" --frames 1 --width 64 --height 64 --seed 1
cp "$work/small/labels/000000.png" "$work/labels2/000002.png"
expect "label of the wrong size" 3 "$work/labels2/000002.png" -- run "$work/clip/video.mkv" --gt "$work/labels2"

# --reference: the same one-line errors, naming the directory or the mask file.
"$gearnn" run --quiet --model "$work/model" --out "$work/ref" "$work/clip/video.mkv" || exit 1
expect "reference directory missing" 1 "$work/noref" -- run "$work/clip/video.mkv" --reference "$work/noref"
cp -r "$work/ref/masks" "$work/refmasks" && rm "$work/refmasks/000003.png"
# Frames 0-2 are scored before the missing mask: a partial run.
expect "reference missing a frame" 3 "$work/refmasks/000003.png" -- run "$work/clip/video.mkv" --reference "$work/refmasks"
expect "reference of another size" 1 "$work/ref/masks/000000.png" -- run "$work/clip/video.mkv" --reference "$work/ref" --size 64x48
expect "reference as its own output" 1 "$work/ref" -- "$gearnn" run --quiet --model "$work/model" --out "$work/ref" \
  "$work/clip/video.mkv" --reference "$work/ref"

# ---- the overlay video ---------------------------------------------------------
rm -rf "$work/out"
ABSENT="$work/out/masks $work/out/frames.jsonl $work/out/report.json" \
  expect "overlay: unknown container" 1 "$work/o.xyz" -- run "$work/clip/video.mkv" --overlay "$work/o.xyz"
# The image muxer fails on the encoder's last packets, after every frame: the
# other outputs are finished (frames.jsonl was left as .tmp), the run is partial.
ABSENT="$work/o.png" \
  expect "overlay: fails when finishing" 3 "$work/o.png" -- run "$work/clip/video.mkv" --overlay "$work/o.png"
if [ "$(wc -l <"$work/out/frames.jsonl")" -eq 6 ] && grep -q '"complete": false' "$work/out/report.json"; then
  pass
else
  fail_case "frames not kept after the overlay failed"
fi

# ---- probe ---------------------------------------------------------------------
ABSENT="$work/probe.jsonl" \
  expect "probe: truncated video" 1 "$work/cut.mkv" -- "$gearnn" probe "$work/cut.mkv" --out "$work/probe.jsonl"
echo '{"gears": [' >"$work/g/gears.json"
expect "probe: malformed gears.json" 1 "$work/g/gears.json" -- "$gearnn" probe "$work/clip/video.mkv" --gears "$work/g"

# ---- select and fit-gears: checked before anything is fitted or written ----------
echo '{"clips": ["clip"]}' >"$work/data.json"
echo '{"name": "q", "feature": "qp", "levels": [{"name": "q22", "qp": 22}, {"name": "q46", "qp": 46}]}' >"$work/ladder.json"
echo '{"levels": [{"name": "q22", "tensors": ["cls4.bias"]}]}' >"$work/sel-short.json"
echo '{"levels": [{"name": "q22", "tensors": ["cls4.bias"]}, {"name": "q46", "tensors": ["no.such.weight"]}]}' >"$work/sel-unknown.json"
fit() { "$gearnn" fit-gears --quiet --model "$work/model" --dataset "$work/data.json" --ladder "$work/ladder.json" \
  --cache "$work/cache" --epochs 1 --out "$work/fit" "$@"; }
scores() {  # scores NAME JSON: a scores file
  echo "$2" >"$work/$1.json"
}
expect "select: not a scores file" 1 "$work/ladder.json" -- "$gearnn" select --scores "$work/ladder.json"
scores nameless '{"model_bytes": 1000, "tensors": [{"name": "a", "bytes": 400}], "levels": [{"scores": {"a": 1}}]}'
ABSENT="$work/sel.json" expect "select: a level without a name" 1 "$work/nameless.json: /levels/0/name" -- \
  "$gearnn" select --scores "$work/nameless.json" --out "$work/sel.json"
scores negative '{"model_bytes": 1000, "tensors": [{"name": "a", "bytes": -400}], "levels": [{"name": "q", "scores": {"a": 1}}]}'
ABSENT="$work/sel.json" expect "select: negative bytes" 1 "$work/negative.json: /tensors/0/bytes" -- \
  "$gearnn" select --scores "$work/negative.json" --out "$work/sel.json"
scores large '{"model_bytes": 4000000000, "tensors": [{"name": "a", "bytes": 400000000}], "levels": [{"name": "q", "scores": {"a": 1}}]}'
ABSENT="$work/sel.json" expect "select: budget too large for the exact search" 2 "--budget: 300000000 bytes" -- \
  "$gearnn" select --scores "$work/large.json" --budget 300000000 --out "$work/sel.json"
ABSENT="$work/fit/q22.pt" \
  expect "fit-gears: selection misses a level" 1 "$work/sel-short.json" -- fit --selection "$work/sel-short.json"
expect "fit-gears: selection names a tensor the model lacks" 1 "$work/sel-unknown.json" -- fit --selection "$work/sel-unknown.json"
expect "fit-gears: not a selection" 1 "$work/ladder.json" -- fit --selection "$work/ladder.json"

# ---- merge and batch: damaged reports and manifests --------------------------------
"$gearnn" run --quiet --model "$work/model" --out "$work/good" "$work/clip/video.mkv" --gt "$work/clip/labels" \
  --masks none || exit 1
damaged() {  # damaged NAME PYTHON-EDIT POINTER: merge refuses a report whose `r` was edited, naming POINTER
  mkdir -p "$work/reports-$1/item"
  $py -c "import json,sys; r = json.load(open(sys.argv[1])); $2; json.dump(r, open(sys.argv[2], 'w'))" \
    "$work/good/report.json" "$work/reports-$1/item/report.json"
  ABSENT="$work/merged.json" expect "merge: $1" 1 "$work/reports-$1/item/report.json: $3" -- \
    "$gearnn" merge --quiet "$work/reports-$1" --out "$work/merged.json"
}
damaged array "r = []" "not a gearnn run report"
damaged complete "r['complete'] = 'yes'" "/complete"
damaged frames "r['frames'] = 'many'" "/frames"
damaged input "r['input'] = 5" "/input"
damaged gear-usage "r['gear_usage'] = 'x'" "/gear_usage"
damaged gear-usage-array "r['gear_usage'] = [1, 2]" "/gear_usage"  # exited 0, merging gears "0" and "1"
damaged no-model "del r['model']" "/model"
damaged no-matrix "del r['metrics']['confusion_matrix']" "/metrics/confusion_matrix"
mkdir -p "$work/reports-huge/item"
sed 's/"frames": 6/"frames": 1e999999/' "$work/good/report.json" >"$work/reports-huge/item/report.json"
ABSENT="$work/merged.json" expect "merge: a number no double holds" 1 "$work/reports-huge/item/report.json: malformed JSON" -- \
  "$gearnn" merge --quiet "$work/reports-huge" --out "$work/merged.json"
echo '{"id": "a", "input": "clip/video.mkv", "gt": 1e999999}' >"$work/huge.jsonl"
expect "batch: a number no double holds" 1 "$work/huge.jsonl:1: not a JSON object" -- \
  "$gearnn" batch --quiet "$work/huge.jsonl" --model "$work/model" --out "$work/batch"

# ---- the command line ------------------------------------------------------------
ABSENT="$work/w.mp4" expect "distort: unknown preset" 2 "--preset" -- \
  "$gearnn" distort --quiet "$work/clip/video.mkv" --out "$work/w.mp4" --preset warp9  # x264 printed its own line too
ABSENT="$work/w.mp4" expect "distort: negative threads" 2 "--threads" -- \
  "$gearnn" distort --quiet "$work/clip/video.mkv" --out "$work/w.mp4" --threads -4
expect "unknown option" 2 "--bogus" -- run "$work/clip/video.mkv" --bogus

# ---- a killed run keeps the records of the frames it finished ----------------------
# The input is a pipe held open after the clip, so the run waits for more frames
# with the clip's frames done; then it is killed with SIGKILL.
"$gearnn" synth --quiet --out "$work/long" --frames 24 --width 128 --height 96 --seed 9 || exit 1
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
  pass
else
  fail_case "killed run: $masks masks but $lines lines in frames.jsonl.tmp (or a final name appeared)"
fi
rm -rf "$work/killed"  # its temporaries are the point of that case

echo "cli_bad_inputs: $passed passed, $failures failed"
[ "$failures" -eq 0 ]
