#!/usr/bin/env bash
# Each bad input must make `gearnn run` exit non-zero with exactly one line on
# stderr that names the offending file. Usage: cli_bad_inputs.sh GEARNN FIXTURES
set -u
gearnn=$1
work=$2/scratch/cli-bad-inputs-$$
rm -rf "$work" && mkdir -p "$work"
trap 'rm -rf "$work"' EXIT
failures=0 passed=0

"$gearnn" synth --quiet --out "$work/clip" --frames 6 --width 128 --height 96 --seed 5 || exit 1
"$gearnn" init-model --out "$work/model" --width 64 --height 48 || exit 1
"$gearnn" init-model --out "$work/other" --width 64 --height 48 --widths 8,16,32,64 || exit 1

# expect NAME FILE_NAMED -- command...
expect() {
  local name=$1 named=$2
  shift 3
  "$@" >"$work/out.txt" 2>"$work/err.txt"
  local code=$? lines
  lines=$(wc -l <"$work/err.txt")
  if [ "$code" -ne 0 ] && [ "$lines" -eq 1 ] && grep -qF -- "$named" "$work/err.txt"; then
    passed=$((passed + 1))
  else
    failures=$((failures + 1))
    echo "FAIL $name: exit $code, $lines stderr lines, expected one naming $named:"; cat "$work/err.txt"
  fi
}
run() { "$gearnn" run --quiet --model "$work/model" --out "$work/out" "$@"; }

expect "missing input" "$work/nothere.mp4" -- run "$work/nothere.mp4"
head -c $(( $(stat -c %s "$work/clip/video.mkv") / 2 )) "$work/clip/video.mkv" >"$work/cut.mkv"
expect "truncated video" "$work/cut.mkv" -- run "$work/cut.mkv"
echo "plain text, no video here" >"$work/notes.txt"
expect "non-video file" "$work/notes.txt" -- run "$work/notes.txt"

mkdir -p "$work/g"
gear_set() {  # gear_set FILE: a one-gear set using FILE
  printf '{"gears": [{"name": "g", "file": "%s", "when": {"luma": [0, 256]}}]}\n' "$1" >"$work/g/gears.json"
}
head -c 500 /dev/urandom >"$work/g/corrupt.pt"; gear_set corrupt.pt
expect "corrupt gear file" "$work/g/corrupt.pt" -- run "$work/clip/video.mkv" --gears "$work/g"
/usr/bin/python3 -c "import torch; torch.save({'stem.weight': torch.zeros(8, 3, 3, 3), 'stem_bn.bias': torch.zeros(16)}, '$work/g/shape.pt')"; gear_set shape.pt
expect "gear for another model (shapes)" "$work/g/shape.pt" -- run "$work/clip/video.mkv" --gears "$work/g"
/usr/bin/python3 -c "import torch; torch.save({'backbone.conv.weight': torch.zeros(3), 'backbone.conv.bias': torch.zeros(3)}, '$work/g/names.pt')"; gear_set names.pt
expect "gear for another model (names)" "$work/g/names.pt" -- run "$work/clip/video.mkv" --gears "$work/g"
echo '{"gears": [{"name": "g", "file": "names.pt", "when": {"qp": [40]}}]}' >"$work/g/gears.json"
expect "malformed gears.json" "$work/g/gears.json" -- run "$work/clip/video.mkv" --gears "$work/g"
echo '{"gears": [' >"$work/g/gears.json"
expect "gears.json not JSON" "$work/g/gears.json" -- run "$work/clip/video.mkv" --gears "$work/g"

cp -r "$work/model" "$work/badmodel"
echo '{"format": "builtin", "file": "weights.pt"' >"$work/badmodel/model.json"
expect "malformed model.json" "$work/badmodel/model.json" -- "$gearnn" run --quiet --model "$work/badmodel" --out "$work/out" "$work/clip/video.mkv"

cp -r "$work/clip/labels" "$work/labels"
rm "$work/labels/000003.png"
expect "label directory missing a frame" "$work/labels/000003.png" -- run "$work/clip/video.mkv" --gt "$work/labels"
# Frames finished before the error are kept, and the report says it is incomplete.
if [ "$(wc -l <"$work/out/frames.jsonl")" -eq 3 ] && grep -q '"complete": false' "$work/out/report.json"; then
  passed=$((passed + 1))
else
  failures=$((failures + 1)); echo "FAIL partial output not kept after a missing label"
fi
cp -r "$work/clip/labels" "$work/labels2"
"$gearnn" synth --quiet --out "$work/small" --frames 1 --width 64 --height 64 --seed 1
cp "$work/small/labels/000000.png" "$work/labels2/000002.png"
expect "label of the wrong size" "$work/labels2/000002.png" -- run "$work/clip/video.mkv" --gt "$work/labels2"

# --reference: the same one-line errors, naming the directory or the mask file.
"$gearnn" run --quiet --model "$work/model" --out "$work/ref" "$work/clip/video.mkv" || exit 1
expect "reference directory missing" "$work/noref" -- run "$work/clip/video.mkv" --reference "$work/noref"
cp -r "$work/ref/masks" "$work/refmasks" && rm "$work/refmasks/000003.png"
expect "reference missing a frame" "$work/refmasks/000003.png" -- run "$work/clip/video.mkv" --reference "$work/refmasks"
expect "reference of another size" "$work/ref/masks/000000.png" -- run "$work/clip/video.mkv" --reference "$work/ref" --size 64x48
expect "reference as its own output" "$work/ref" -- "$gearnn" run --quiet --model "$work/model" --out "$work/ref" \
  "$work/clip/video.mkv" --reference "$work/ref"

# gearnn probe: the same one-line errors, and its per-frame file only when complete.
expect "probe: truncated video" "$work/cut.mkv" -- "$gearnn" probe "$work/cut.mkv" --out "$work/probe.jsonl"
if [ ! -e "$work/probe.jsonl" ] && [ ! -e "$work/probe.jsonl.tmp" ]; then
  passed=$((passed + 1))
else
  failures=$((failures + 1)); echo "FAIL probe left a per-frame file after an error"
fi
expect "probe: malformed gears.json" "$work/g/gears.json" -- "$gearnn" probe "$work/clip/video.mkv" --gears "$work/g"

# gearnn select and fit-gears: a bad selection is refused before any level is fitted.
echo '{"clips": ["clip"]}' >"$work/data.json"
echo '{"name": "q", "feature": "qp", "levels": [{"name": "q22", "qp": 22}, {"name": "q46", "qp": 46}]}' >"$work/ladder.json"
echo '{"levels": [{"name": "q22", "tensors": []}]}' >"$work/sel-short.json"
echo '{"levels": [{"name": "q22", "tensors": []}, {"name": "q46", "tensors": ["no.such.weight"]}]}' >"$work/sel-unknown.json"
fit() { "$gearnn" fit-gears --quiet --model "$work/model" --dataset "$work/data.json" --ladder "$work/ladder.json" \
  --cache "$work/cache" --epochs 1 --out "$work/fit" "$@"; }
expect "select: not a scores file" "$work/ladder.json" -- "$gearnn" select --scores "$work/ladder.json"
expect "fit-gears: selection misses a level" "$work/sel-short.json" -- fit --selection "$work/sel-short.json"
if [ ! -e "$work/fit/q22.pt" ]; then
  passed=$((passed + 1))
else
  failures=$((failures + 1)); echo "FAIL fit-gears fitted a level before checking the selection"
fi
expect "fit-gears: selection names a tensor the model lacks" "$work/sel-unknown.json" -- fit --selection "$work/sel-unknown.json"
expect "fit-gears: not a selection" "$work/ladder.json" -- fit --selection "$work/ladder.json"

echo "cli_bad_inputs: $passed passed, $failures failed"
[ "$failures" -eq 0 ]
