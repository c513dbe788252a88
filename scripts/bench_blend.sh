#!/usr/bin/env bash
# Gears between levels: held-out clips (seeds 1001-1003, 60 frames) re-encoded at
# QPs that are not levels of the shipped QP ladder (26, 33, 45: between 24/28,
# 31/34, 43/47), segmented by the shipped `street` model with
#   none     no gears
#   nearest  its shipped QP gears, the nearest level's gear (as `gearnn run` does)
#   blend    the same gears mixed between the two neighbouring levels (--blend 8)
#   fitted   gears fitted AT those QPs with the shipped set's recipe (Fisher
#            sensitivity, 0.2% per tensor, fit-gears 8 epochs lr 0.003 on
#            scripts/train_default.sh's labelled clips)
#   shared, blend-shared
#            a QP set fitted on the shipped ladder with the same recipe but one
#            selection for every level (`select --mode shared`), nearest gear and
#            blended: with the same tensors in every gear, a blend interpolates
#            each tensor between two fitted values, never towards the base
# Prints mIoU per QP (confusion matrices summed over the clips) and blend - fitted
# in points (target: within 0.5). Finished steps are kept: a rerun resumes.
# Usage: scripts/bench_blend.sh [WORK_DIR]   (after scripts/setup.sh and the clips
#   of scripts/train_default.sh in build/train-default; THREADS=N for the fits)
set -euo pipefail
cd "$(dirname "$0")/.."
gearnn=${GEARNN:-build/gearnn}
model=data/models/street
train=build/train-default
work=${1:-build/bench-blend}
qps=${QPS:-26 33 45}
mkdir -p "$work"
[ -f "$train/train.json" ] || { echo "bench_blend: run scripts/train_default.sh first ($train/train.json missing)" >&2; exit 1; }
scripts/make_heldout_clips.sh "$gearnn" "$work"
levels=$(for q in $qps; do printf '{"name": "qp%s", "qp": %s},' "$q" "$q"; done)
# The fits at the QPs asked for live in a directory named by them, so another QPS never reuses them.
between=$work/between-$(echo $qps | tr ' ' '-')
mkdir -p "$between"
echo "{\"name\": \"qp-between\", \"feature\": \"qp\", \"levels\": [${levels%,}]}" > "$between/ladder.json"
common=(--model "$model" --dataset "$train/train.json" --ladder "$between/ladder.json" --cache "$train/cache" --stride 4
        ${THREADS:+--threads "$THREADS"})
[ -f "$between/sensitivity.json" ] || $gearnn sensitivity "${common[@]}" --method fisher --out "$between/sensitivity.json"
[ -f "$between/selection.json" ] ||
  $gearnn select --scores "$between/sensitivity.json" --budget 0.2% --units tensors --out "$between/selection.json"
if [ ! -f "$between/gears-fitted/gears.json" ]; then
  $gearnn fit-gears "${common[@]}" --val "$train/val.json" --selection "$between/selection.json" --epochs 8 --lr 0.003 \
    --out "$between/gears-fitted.tmp"
  rm -rf "$between/gears-fitted" && mv "$between/gears-fitted.tmp" "$between/gears-fitted"
fi

# The shared-selection set over the shipped ladder (same recipe, one selection for all levels).
ladder=(--model "$model" --dataset "$train/train.json" --ladder configs/ladders/qp.json --cache "$train/cache" --stride 4
        ${THREADS:+--threads "$THREADS"})
[ -f "$work/sensitivity-ladder.json" ] ||
  $gearnn sensitivity "${ladder[@]}" --method fisher --out "$work/sensitivity-ladder.json"
[ -f "$work/selection-shared.json" ] ||
  $gearnn select --scores "$work/sensitivity-ladder.json" --budget 0.2% --mode shared --units tensors \
    --out "$work/selection-shared.json"
if [ ! -f "$work/gears-shared/gears.json" ]; then
  $gearnn fit-gears "${ladder[@]}" --val "$train/val.json" --selection "$work/selection-shared.json" --epochs 8 \
    --lr 0.003 --out "$work/gears-shared.tmp"
  rm -rf "$work/gears-shared" && mv "$work/gears-shared.tmp" "$work/gears-shared"
fi

/usr/bin/python3 - "$gearnn" "$model" "$work" "$qps" "$between" <<'PY'
import os, subprocess, sys
sys.path.insert(0, "scripts")
import bench_runs
from bench_runs import fmt, summed_miou
gearnn, model, work, qps, between = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4].split(), sys.argv[5]
methods = {"none": (None, ()), "nearest": (f"{model}/gears/qp", ()), "blend": (f"{model}/gears/qp", ("--blend", "8")),
           "fitted": (f"{between}/gears-fitted", ()), "shared": (f"{work}/gears-shared", ()),
           "blend-shared": (f"{work}/gears-shared", ("--blend", "8"))}
print("| QP | " + " | ".join(methods) + " | blend - fitted | blend-shared - fitted |")
print("|---|" + "---|" * (len(methods) + 2))
for q in qps:
    row = {}
    for name, (gears, extra) in methods.items():
        reports = []
        for seed in (1001, 1002, 1003):
            video = f"{work}/levels/test-{seed}-qp{q}.mp4"
            if not os.path.exists(video):
                os.makedirs(f"{work}/levels", exist_ok=True)
                subprocess.run([gearnn, "distort", "--quiet", f"{work}/test-{seed}/video.mkv", "--out", video,
                                "--qp", q], check=True)
            reports.append(bench_runs.run(gearnn, video, model, f"{work}/runs/qp{q}/{name}/{seed}", gears,
                                          labels=f"{work}/test-{seed}/labels", extra=extra))
        row[name] = summed_miou(reports)
    print(f"| {q} | " + " | ".join(fmt(v) for v in row.values()) + f" | {100 * (row['blend'] - row['fitted']):+.2f}"
          f" | {100 * (row['blend-shared'] - row['fitted']):+.2f} |")
PY
