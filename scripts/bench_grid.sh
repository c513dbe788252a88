#!/usr/bin/env bash
# Distortions that come together: dark *and* compressed. Brightness levels
# rendered at QP 22 only (the shipped ladders) against a grid: the brightness
# ladder also at QP 34 and 46 (configs/ladders/brightness-qp34.json, -qp46),
# spaced over the QP ladder's range. Trains, each at the same budget on the
# same renderings (4 epochs over every 4th frame, lr 0.001, from street):
#   augment-grid     augmentation over QP, brightness and the two grid ladders
#   joint-grid       joint gear training over the same (`train --mode gears`):
#                    each brightness gear is trained on its level at QP 22, 34
#                    and 46 (levels of one name share a gear)
# and prints, on the held-out clips of scripts/bench_gears.sh (levels at QP 22
# and at QP 46, and the dynamic clips), mIoU against augment and joint+gears
# of bench_gears.sh (QP 22 brightness levels only) and the shipped stability
# baseline. PARALLEL=1 trains the two models at once (one thread each).
# Usage: scripts/bench_grid.sh [WORK_DIR]   (after scripts/bench_gears.sh, same WORK_DIR)
set -euo pipefail
cd "$(dirname "$0")/.."
gearnn=${GEARNN:-build/gearnn}
model=data/models/street
train=build/train-default
work=${1:-build/bench-gears}
ladders=configs/ladders/qp.json,configs/ladders/brightness.json,configs/ladders/brightness-qp34.json,configs/ladders/brightness-qp46.json
threads=${THREADS:-0}
[ "${PARALLEL:-0}" = 1 ] && threads=1

build() {  # NAME MODE [extra train options]
  local name=$1 mode=$2; shift 2
  [ -f "$work/models/$name/model.json" ] ||
    $gearnn train --init "$model" --mode "$mode" "$@" --dataset "$train/train.json" --val "$train/val.json" \
      --ladder "$ladders" --cache "$train/cache" --epochs 4 --stride 4 --lr 0.001 --threads "$threads" \
      --checkpoint "$work/checkpoint-$name" --resume --out "$work/models/$name"
}
if [ "${PARALLEL:-0}" = 1 ]; then
  build augment-grid augment & a=$!
  build joint-grid gears --selection "$model/gears/qp,$model/gears/brightness" & b=$!
  wait $a; wait $b
else
  build augment-grid augment
  build joint-grid gears --selection "$model/gears/qp,$model/gears/brightness"
fi
j=$work/models/joint-grid
[ -f "$j/gears/combined/gears.json" ] ||
  $gearnn combine-gears "$j/gears/brightness" "$j/gears/qp" --out "$j/gears/combined"

/usr/bin/python3 - "$gearnn" "$work" <<'PY'
import json, os, subprocess, sys
sys.path.insert(0, "scripts")
import bench_runs
from bench_runs import built, summed_miou
gearnn, work = sys.argv[1:3]
m = f"{work}/models"
methods = {"augment": ("data/models/street-robust", None), "stability": ("data/models/baselines/stability", None),
           "joint+gears": (f"{m}/joint", "{m}/joint/gears/{ladder}"),
           "augment-grid": (f"{m}/augment-grid", None),
           "joint-grid+gears": (f"{m}/joint-grid", "{m}/joint-grid/gears/{ladder}")}
clips = [f"{work}/test-{s}" for s in (1001, 1002, 1003)]
def fmt(v):
    return "n/a   " if v is None else f"{v:.4f}"
def rel(a, b):
    return "n/a" if a is None or b is None else f"{100 * (a - b) / b:+.2f}%"
results = {}
for ladder in ("qp", "brightness", "brightness-qp46"):
    spec = json.load(open(f"configs/ladders/{ladder}.json"))
    for level in spec["levels"]:
        args = [x for k, v in level.items() if k != "name" for x in (f"--{k}", str(v))]
        # The QP 22 levels are bench_gears.sh's renderings.
        tag = level["name"] + ("" if ladder in ("qp", "brightness") else "-" + ladder.split("-")[1])
        row = {}
        for name, (mdl, g) in methods.items():
            # joint models run with the set of the ladder the level belongs to (a QP-46 brightness level: brightness)
            gears = g.format(m=m, ladder="brightness" if ladder.startswith("brightness") else ladder) if g else None
            if not built(mdl, gears):
                row[name] = None
                continue
            reports = []
            for clip in clips:
                video = f"{work}/levels/{os.path.basename(clip)}-{tag}.mp4"
                if not os.path.exists(video):
                    os.makedirs(f"{work}/levels", exist_ok=True)
                    subprocess.run([gearnn, "distort", "--quiet", f"{clip}/video.mkv", "--out", video] + args, check=True)
                reports.append(bench_runs.run(gearnn, video, mdl, f"{work}/runs/grid/{tag}/{name}/{os.path.basename(clip)}",
                                              gears, labels=f"{clip}/labels"))
            row[name] = summed_miou(reports)
        results[f"{ladder}/{level['name']}"] = row
        print(f"{ladder:16s} {level['name']:6s} " + " ".join(f"{k} {fmt(v)}" for k, v in row.items()), flush=True)
names = list(methods)
for group in ("qp", "brightness", "brightness-qp46"):
    rows = [r for k, r in results.items() if k.split("/")[0] == group]
    means = {n: (None if any(r[n] is None for r in rows) else sum(r[n] for r in rows) / len(rows)) for n in names}
    print(f"mean {group:16s} " + " ".join(f"{n} {fmt(v)}" for n, v in means.items()))
print()
for sched in ("abr", "tunnel"):
    row = {}
    for name, (mdl, g) in methods.items():
        gears = g.format(m=m, ladder="combined") if g else None
        if not built(mdl, gears):
            row[name] = None
            continue
        reports = [bench_runs.run(gearnn, f"{work}/dyn-{s}-{sched}.mp4", mdl, f"{work}/runs/grid/dyn-{sched}/{name}/{s}",
                                  gears, labels=f"{work}/dyn-{s}/labels") for s in (1011, 1012)]
        row[name] = summed_miou(reports)
    print(f"dynamic {sched:7s} " + " ".join(f"{k} {fmt(v)}" for k, v in row.items()))
    for n in ("joint+gears", "augment-grid", "joint-grid+gears"):
        print(f"dynamic {sched:7s} {n}: {rel(row[n], row['augment'])} against augment, "
              f"{rel(row[n], row['augment-grid'])} against augment-grid, {rel(row[n], row['stability'])} against stability")
PY
