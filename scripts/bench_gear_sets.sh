#!/usr/bin/env bash
# Every gear set of each shipped model against the model without gears, on
# the held-out dynamic clips of scripts/bench_gears.sh (ABR and tunnel
# schedules, seeds 1011-1012): mIoU of the confusion summed over both seeds,
# and which sets score below no gears. Each set is also run with
# --check-neighbours CHECK --check-every EVERY (5 and 10 unless given; CHECK=0
# skips it): "SET+check". Takes about 5 minutes after bench_gears.sh.
# Usage: [CHECK=N] [EVERY=K] scripts/bench_gear_sets.sh [WORK_DIR] [MODEL...]
set -euo pipefail
cd "$(dirname "$0")/.."
gearnn=${GEARNN:-build/gearnn}
work=${1:-build/bench-gears}
shift || true
models=("$@")
[ ${#models[@]} -gt 0 ] || models=(data/models/street data/models/street-robust data/models/street-joint)
/usr/bin/python3 - "$gearnn" "$work" "${CHECK:-5}" "${EVERY:-10}" "${models[@]}" <<'PY'
import os, sys
sys.path.insert(0, "scripts")
import bench_runs
gearnn, work, check, every, models = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5:]
for model in models:
    name = os.path.basename(os.path.normpath(model))
    sets = sorted(d for d in os.listdir(f"{model}/gears") if os.path.exists(f"{model}/gears/{d}/gears.json"))
    for sched in ("abr", "tunnel"):
        scores = {}
        runs = [(None, ())] + [(s, ()) for s in sets] + \
               ([(s, ("--check-neighbours", str(check), "--check-every", every)) for s in sets] if check > 0 else [])
        for s, extra in runs:
            gears = f"{model}/gears/{s}" if s else None
            key = (s or "none") + ("+check" if extra else "")
            out_name = (s or "none") + (f"-check{check}-every{every}" if extra else "")
            reports = [bench_runs.run(gearnn, f"{work}/dyn-{seed}-{sched}.mp4", model,
                                      f"{work}/runs/sets/{name}/{out_name}/{sched}-{seed}", gears,
                                      labels=f"{work}/dyn-{seed}/labels", extra=extra) for seed in (1011, 1012)]
            scores[key] = bench_runs.summed_miou(reports)
        below = [k for k in scores if k != "none" and scores[k] < scores["none"]]
        print(f"{name:14s} {sched:7s} " + " | ".join(f"{k} {v:.4f}" for k, v in scores.items()) +
              f"   below no gears: {', '.join(below) or 'none'}", flush=True)
PY
