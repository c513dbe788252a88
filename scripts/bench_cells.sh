#!/usr/bin/env bash
# Brightness gears per (brightness, QP) cell against the baselines, on the
# held-out dynamic clips (seeds 1011-1012, ABR and tunnel; summed mIoU):
#   augment, stability   the shipped baselines
#   augment-grid         augmentation that also saw the brightness ladder at QP 34
#                        and 46 (scripts/bench_grid.sh), if built
#   all+check            street-joint's all set, checked (--check-neighbours 5)
#   cells, cells+check   street-joint's cells set (`gearnn cell-gears`: its
#                        brightness gears fitted at QP 22, 34 and 46, switched on
#                        qp as well as luma; scripts/train_joint.sh), unchecked and checked
# and the gain of cells+check over augment and stability.
# Usage: scripts/bench_cells.sh [WORK_DIR]   (after scripts/bench_gears.sh made the
#   dynamic clips in build/bench-gears)
set -euo pipefail
cd "$(dirname "$0")/.."
gearnn=${GEARNN:-build/gearnn}
joint=data/models/street-joint
clips=build/bench-gears
work=${1:-build/bench-cells}
mkdir -p "$work"
[ -f "$joint/gears/cells/gears.json" ] || { echo "bench_cells: $joint/gears/cells missing (scripts/train_joint.sh makes it)" >&2; exit 1; }

/usr/bin/python3 - "$gearnn" "$joint" "$work" "$clips" <<'PY'
import sys
sys.path.insert(0, "scripts")
import bench_runs
gearnn, joint, work, clips = sys.argv[1:5]
check = ("--check-neighbours", "5")
methods = {"augment": ("data/models/baselines/augment", None, ()),
           "stability": ("data/models/baselines/stability", None, ()),
           "augment-grid": (f"{clips}/models/augment-grid", None, ()),
           "all+check": (joint, f"{joint}/gears/all", check),
           "cells": (joint, f"{joint}/gears/cells", ()), "cells+check": (joint, f"{joint}/gears/cells", check)}
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
