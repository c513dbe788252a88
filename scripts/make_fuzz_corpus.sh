#!/usr/bin/env bash
# Seed corpus for the fuzz targets (test/fuzz), one directory per target under
# OUT_DIR, made from what gearnn ships and makes itself: the shipped gear files,
# gears.json and model.json files and ladders; a fresh built-in model
# (init-model) with small tensor files crafted by test/craft_tensor_file.py; a
# selection by `gearnn select`; reports of `gearnn run` on a tiny synthetic
# clip (with labels, with a reference, and a failed run); the batch manifest of
# docs/formats.md; plus the hand-written edge cases of test/fuzz/seeds/.
# Generated, never committed (scripts/fuzz.sh writes it to build-fuzz/seeds).
# Usage: scripts/make_fuzz_corpus.sh OUT_DIR   (GEARNN=path/to/gearnn, default build/gearnn)
set -euo pipefail
out=${1:?usage: scripts/make_fuzz_corpus.sh OUT_DIR}
cd "$(dirname "$0")/.."
src=$PWD
gearnn=${GEARNN:-build/gearnn}
[ -x "$gearnn" ] || { echo "make_fuzz_corpus: $gearnn: no gearnn binary (scripts/setup.sh builds build/gearnn)" >&2; exit 1; }
export OMP_NUM_THREADS=1 OMP_WAIT_POLICY=PASSIVE
mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
targets=(tensor_file gear_set model_card manifest merge ladder selection)
for t in "${targets[@]}"; do
  mkdir -p "$out/$t"
  cp test/fuzz/seeds/"$t"/* "$out/$t/"
done

# Shipped files, named after where they come from.
put() {  # put TARGET FILE: a copy named after FILE's path
  cp "$2" "$out/$1/$(echo "$2" | tr '/' '_')"
}
for f in data/models/*/gears/*/*.pt; do put tensor_file "$f"; done
for f in data/models/*/gears/*/gears.json; do put gear_set "$f"; done
for f in data/models/*/model.json; do put model_card "$f"; done
for f in configs/ladders/*.json; do put ladder "$f"; done

# A small built-in model (its weights file is a seed at a size the fuzzer can
# mutate) and crafted tensor files.
"$gearnn" init-model --out "$work/model" --width 32 --height 32 --widths 2 2 2 2 --head 2 > /dev/null
cp "$work/model/weights.pt" "$out/tensor_file/init-model_weights.pt"
cp "$work/model/model.json" "$out/model_card/init-model_model.json"
kinds=(offset stride numel good nan dtype shape names empty list value)
args=()
for k in "${kinds[@]}"; do args+=("$k" "$out/tensor_file/crafted-$k.pt"); done
/usr/bin/python3 test/craft_tensor_file.py "${args[@]}"  # Debian's python3, with python3-torch

# select's output on the hand-written scores, in both modes.
for mode in per-level shared; do
  "$gearnn" select --scores test/fuzz/seeds/selection/scores.json --budget 64 --mode "$mode" \
    --out "$out/selection/select-$mode.json" > /dev/null
done

# Run reports on a tiny synthetic clip: labelled, against a reference, a failed run.
"$gearnn" synth --out "$work/clip" --frames 3 --width 64 --height 64 --seed 5 --quiet
video=$(ls "$work"/clip/video.*)
run() { "$gearnn" run "$video" --model data/models/street --quiet "$@" > /dev/null; }
run --masks none --gears data/models/street/gears/qp --gt "$work/clip/labels" --out "$work/batch/labelled"
run --out "$work/ref"
run --masks none --gears data/models/street/gears/brightness --reference "$work/ref" --out "$work/batch/reference"
mkdir -p "$work/batch/failed" "$work/missing"
run --masks none --gt "$work/missing" --out "$work/batch/failed" 2> /dev/null || true
[ -f "$work/batch/failed/report.json" ] || echo '{"complete": false, "input": {"path": "clip.mkv"}, "error": "failed"}' \
  > "$work/batch/failed/report.json"
printf '%s\n' '{"id":"lost","input":"lost.mp4","error":"lost.mp4: cannot open","shard":"0/1","time":"2024-01-01T00:00:00Z"}' \
  '{"id":"labelled","input":"x","err' > "$work/failures.jsonl"
# merge's input: BATCH/a/report.json NUL BATCH/b/report.json NUL BATCH/failures.jsonl NUL RUN/report.json
nul() { printf '\0'; }
{ cat "$work/batch/labelled/report.json"; nul; cat "$work/batch/reference/report.json"; nul
  cat "$work/failures.jsonl"; nul; cat "$work/batch/labelled/report.json"; } > "$out/merge/run-labelled-reference.bin"
{ cat "$work/batch/failed/report.json"; nul; cat "$work/batch/labelled/report.json"; } > "$out/merge/run-failed.bin"
cp "$work/batch/reference/report.json" "$out/merge/run-reference.bin"
"$gearnn" merge "$work/batch" --out "$work/merged.json" > /dev/null
# A merged report read back as a run report (a directory given by mistake).
cp "$work/merged.json" "$out/merge/merged.bin"

# A manifest over that clip, as docs/formats.md writes them.
printf '%s\n' "{\"id\": \"clip\", \"input\": \"$video\", \"gt\": \"$work/clip/labels\", \"model\": \"data/models/street\"}" \
  '{"id": "cam3-0412", "input": "videos/cam3-0412.mp4", "gt": "labels/cam3-0412", "model": "models/street", "gears": "models/street/gears/qp"}' \
  > "$out/manifest/formats-md.jsonl"

for t in "${targets[@]}"; do echo "make_fuzz_corpus: $t: $(ls "$out/$t" | wc -l) seeds"; done
