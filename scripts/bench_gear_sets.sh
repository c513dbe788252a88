#!/usr/bin/env bash
# Every gear set of each shipped model against the model without gears, on
# the held-out dynamic clips of scripts/bench_gears.sh (ABR and tunnel
# schedules, seeds 1011-1012): mIoU of the confusion summed over both seeds,
# and which sets score below no gears. Takes about 2 minutes after bench_gears.sh.
# Usage: scripts/bench_gear_sets.sh [WORK_DIR] [MODEL...]
set -euo pipefail
cd "$(dirname "$0")/.."
gearnn=${GEARNN:-build/gearnn}
work=${1:-build/bench-gears}
shift || true
models=("$@")
[ ${#models[@]} -gt 0 ] || models=(data/models/street data/models/street-robust data/models/street-joint)
/usr/bin/python3 - "$gearnn" "$work" "${models[@]}" <<'PY'
import os, sys
sys.path.insert(0, "scripts")
import bench_runs
gearnn, work, models = sys.argv[1], sys.argv[2], sys.argv[3:]
for model in models:
    name = os.path.basename(os.path.normpath(model))
    sets = sorted(d for d in os.listdir(f"{model}/gears") if os.path.exists(f"{model}/gears/{d}/gears.json"))
    for sched in ("abr", "tunnel"):
        scores = {}
        for s in [None] + sets:
            gears = f"{model}/gears/{s}" if s else None
            reports = [bench_runs.run(gearnn, f"{work}/dyn-{seed}-{sched}.mp4", model,
                                      f"{work}/runs/sets/{name}/{s or 'none'}/{sched}-{seed}", gears,
                                      labels=f"{work}/dyn-{seed}/labels") for seed in (1011, 1012)]
            scores[s or "none"] = bench_runs.summed_miou(reports)
        below = [s for s in sets if scores[s] < scores["none"]]
        print(f"{name:14s} {sched:7s} " + " | ".join(f"{k} {v:.4f}" for k, v in scores.items()) +
              f"   below no gears: {', '.join(below) or 'none'}", flush=True)
PY
