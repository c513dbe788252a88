#!/usr/bin/env bash
# Selection units at the 0.2% budget: the shipped QP gears of `street` (selected
# per tensor, so a BatchNorm running_var may come without its running_mean)
# against QP gears selected with `select --units U` from the same Fisher scores
# and fitted with the shipped recipe (fit-gears 8 epochs, lr 0.003, labelled
# clips of scripts/train_default.sh). mIoU per QP level on the held-out clips of
# bench_gears.sh (seeds 1001-1003), confusion matrices summed over the clips.
# Finished steps are kept: a rerun resumes.
# Usage: scripts/bench_units.sh [WORK_DIR]   (after scripts/train_default.sh; UNITS="stats layers", THREADS=N)
set -euo pipefail
cd "$(dirname "$0")/.."
gearnn=${GEARNN:-build/gearnn}
model=data/models/street
train=build/train-default
work=${1:-build/bench-units}
units=${UNITS:-stats}
mkdir -p "$work"
[ -f "$train/train.json" ] || { echo "bench_units: run scripts/train_default.sh first ($train/train.json missing)" >&2; exit 1; }
# The shipped set's Fisher scores (train_default.sh's step), made again if its work dir no longer has them.
scores=$train/sensitivity-qp.json
if [ ! -f "$scores" ]; then
  scores=$work/sensitivity-qp.json
  [ -f "$scores" ] || $gearnn sensitivity --model "$model" --dataset "$train/train.json" --ladder configs/ladders/qp.json \
    --cache "$train/cache" --stride 4 --method fisher ${THREADS:+--threads "$THREADS"} --out "$scores"
fi
scripts/make_heldout_clips.sh "$gearnn" "$work"
for u in $units; do
  [ -f "$work/selection-$u.json" ] ||
    $gearnn select --scores "$scores" --budget 0.2% --units "$u" --out "$work/selection-$u.json"
  if [ ! -f "$work/gears-$u/gears.json" ]; then
    $gearnn fit-gears --model "$model" --dataset "$train/train.json" --ladder configs/ladders/qp.json --cache "$train/cache" \
      --stride 4 --val "$train/val.json" --selection "$work/selection-$u.json" --epochs 8 --lr 0.003 \
      ${THREADS:+--threads "$THREADS"} --out "$work/gears-$u.tmp"
    rm -rf "$work/gears-$u" && mv "$work/gears-$u.tmp" "$work/gears-$u"
  fi
done

/usr/bin/python3 - "$gearnn" "$model" "$work" "$units" <<'PY'
import json, os, subprocess, sys
sys.path.insert(0, "scripts")
import bench_runs
from bench_runs import fmt, summed_miou
gearnn, model, work, units = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4].split()
methods = {"none": None, "tensors (shipped)": f"{model}/gears/qp"}
methods.update({u: f"{work}/gears-{u}" for u in units})
rows = {}
for level in json.load(open("configs/ladders/qp.json"))["levels"]:
    row = {}
    for name, gears in methods.items():
        reports = []
        for seed in (1001, 1002, 1003):
            video = f"{work}/levels/test-{seed}-{level['name']}.mp4"
            if not os.path.exists(video):
                os.makedirs(f"{work}/levels", exist_ok=True)
                subprocess.run([gearnn, "distort", "--quiet", f"{work}/test-{seed}/video.mkv", "--out", video,
                                "--qp", str(level["qp"])], check=True)
            reports.append(bench_runs.run(gearnn, video, model, f"{work}/runs/{level['name']}/{name.split()[0]}/{seed}",
                                          gears, labels=f"{work}/test-{seed}/labels"))
        row[name] = summed_miou(reports)
    rows[level["name"]] = row
print("| level | " + " | ".join(methods) + " |")
print("|---|" + "---|" * len(methods))
for level, row in rows.items():
    print(f"| {level} | " + " | ".join(fmt(v) for v in row.values()) + " |")
print("| **mean** | " + " | ".join(f"**{fmt(sum(r[n] for r in rows.values()) / len(rows))}**" for n in methods) + " |")
PY
