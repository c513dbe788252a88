#!/usr/bin/env bash
# Brightness gears per (brightness, QP) cell, measured before such sets are
# made by a command: street-joint's brightness gears (fitted at QP 22) are
# fitted again on the brightness ladder rendered at QP 34 and at QP 46
# (configs/ladders/brightness-qp34.json, -qp46.json; `fit-gears --start` from the
# shipped gears, 8 epochs, lr 0.003, the recipe of the shipped refit). A set is
# then written from the shipped `all` set in which each brightness gear becomes
# three cells on `qp`, cut half-way between the ladders' QPs: [.., 28) the QP 22
# gear, [28, 40) the QP 34 gear, [40, ..) the QP 46 gear; the rest of the set
# (rendition and QP gears in the neutral luma band) is unchanged.
# Prints summed mIoU on the held-out dynamic clips (seeds 1011-1012, ABR and
# tunnel) of augment, stability, augment-grid (augmentation that also saw the
# QP 34 and 46 renderings, from scripts/bench_grid.sh, if built), the shipped
# default (street-joint, all, --check-neighbours 5) and the cell set, unchecked
# and checked, and the gain over augment and stability.
# Usage: scripts/bench_cells.sh [WORK_DIR]   (after scripts/bench_gears.sh made
#   the dynamic clips in build/bench-gears and scripts/train_default.sh the clips
#   in build/train-default; THREADS=N for the fits)
set -euo pipefail
cd "$(dirname "$0")/.."
gearnn=${GEARNN:-build/gearnn}
joint=data/models/street-joint
train=build/train-default
clips=build/bench-gears
work=${1:-build/bench-cells}
mkdir -p "$work"
for q in 34 46; do
  if [ ! -f "$work/joint-brightness-qp$q/gears.json" ]; then
    $gearnn fit-gears --model "$joint" --dataset "$train/train.json" --val "$train/val.json" \
      --ladder "configs/ladders/brightness-qp$q.json" --cache "$train/cache" --stride 4 --epochs 8 --lr 0.003 \
      --start "$joint/gears/brightness" ${THREADS:+--threads "$THREADS"} --out "$work/joint-brightness-qp$q.tmp"
    rm -rf "$work/joint-brightness-qp$q" && mv "$work/joint-brightness-qp$q.tmp" "$work/joint-brightness-qp$q"
  fi
done

/usr/bin/python3 - "$gearnn" "$joint" "$work" "$clips" <<'PY'
import json, os, sys
sys.path.insert(0, "scripts")
import bench_runs
gearnn, joint, work, clips = sys.argv[1:5]
# The cell set: each brightness gear of the all set as three cells on qp.
cells_dir = f"{work}/cells"
os.makedirs(cells_dir, exist_ok=True)
base = json.load(open(f"{joint}/gears/all/gears.json"))
sources = [(None, 28, f"{joint}/gears/brightness"), (28, 40, f"{work}/joint-brightness-qp34"),
           (40, None, f"{work}/joint-brightness-qp46")]
by_name = [{g["name"]: g for g in json.load(open(f"{d}/gears.json"))["gears"]} for _, _, d in sources]
gears = []
for g in base["gears"]:
    if set(g["when"]) != {"luma"}:
        gears.append(dict(g, file=g["file"] and os.path.relpath(f"{joint}/gears/all/{g['file']}", cells_dir)))
        continue
    for (lo, hi, d), named in zip(sources, by_name):
        src = named[g["name"]]
        gears.append({"name": f"{g['name']}-qp{lo or 0}", "when": {"luma": g["when"]["luma"], "qp": [lo, hi]},
                      "file": src["file"] and os.path.relpath(f"{d}/{src['file']}", cells_dir),
                      "settings": src.get("settings")})
json.dump({"base_model_hash": base["base_model_hash"], "gears": gears}, open(f"{cells_dir}/gears.json", "w"), indent=1)

default = json.load(open("data/models/default.json"))
check = ("--check-neighbours", str(default.get("check_neighbours", 5)))
methods = {"augment": ("data/models/baselines/augment", None, ()),
           "stability": ("data/models/baselines/stability", None, ()),
           # augmentation over the same renderings as the cells (scripts/bench_grid.sh), when built
           "augment-grid": (f"{clips}/models/augment-grid", None, ()),
           "default": (f"data/models/{default['model']}", f"data/models/{default['gears']}", check),
           "cells": (joint, cells_dir, ()), "cells+check": (joint, cells_dir, check)}
print("| clip | " + " | ".join(methods) + " | cells+check over augment | over stability |")
print("|---|" + "---|" * (len(methods) + 2))
for sched in ("abr", "tunnel"):
    row = {}
    for name, (model, gears, extra) in methods.items():
        if not bench_runs.built(model, gears):
            row[name] = None
            continue
        reports = [bench_runs.run(gearnn, f"{clips}/dyn-{seed}-{sched}.mp4", model,
                                  f"{work}/runs/{name}/{sched}-{seed}", gears, labels=f"{clips}/dyn-{seed}/labels",
                                  extra=extra) for seed in (1011, 1012)]
        row[name] = bench_runs.summed_miou(reports)
    best = row["cells+check"]
    print(f"| {sched} | " + " | ".join(bench_runs.fmt(v) for v in row.values()) +
          f" | {100 * (best / row['augment'] - 1):+.2f}% | {100 * (best / row['stability'] - 1):+.2f}% |")
PY
