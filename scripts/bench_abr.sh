#!/usr/bin/env bash
# Adaptive-bitrate streams, held out: clips never used in training, whose
# rendition (coded size) and QP change every 2 s as a player's would, joined in
# one MPEG-TS stream. mIoU is measured at the labels' size (the run's output
# size), from confusion matrices summed over both clips, for:
#   clean        the shipped model, no gears
#   augment      street-robust's base (augmentation over the QP and brightness ladders)
#   stability    stability training over the same ladders (from scripts/bench_gears.sh)
#   gears-qp     the clean model with its QP gears
#   resolution   the clean model with its resolution gears (configs/ladders/resolution.json)
#   abr          the clean model with the joint brightness x resolution set
#   all          the clean model with its set of all three ladders: brightness
#                gears where the frame is dark or bright, else rendition gears on
#                renditions and QP gears on full-size frames
#   aug+resolution, aug+abr, aug+all   the same sets of street-robust
#   joint+combined, joint+abr   street-joint with its combined set (brightness and
#                QP gears) and its abr set (brightness and rendition gears)
#   joint+abr+check   the abr set checked like the default
#   joint+all    its set of all three ladders
#   default      the shipped default (data/models/default.json: street-joint's
#                all set, checked against the adjacent levels' gears)
# Two schedules: dynamic-renditions (daylight) and dynamic-renditions-dusk (the
# middle renditions also darkened). Also prints how often the selected
# resolution gear is the rendition's ladder level, and mean per-frame mIoU per rendition.
# Usage: scripts/bench_abr.sh [WORK_DIR]   (after scripts/train_default.sh and scripts/train_robust.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
gearnn=${GEARNN:-build/gearnn}
model=data/models/street
robust=data/models/street-robust
stability=${STABILITY:-data/models/baselines/stability}
joint=data/models/street-joint
work=${1:-build/bench-abr}
mkdir -p "$work"

for seed in 1011 1012; do
  [ -f "$work/dyn-$seed/meta.json" ] || $gearnn synth --quiet --out "$work/dyn-$seed" --frames 120 --seed "$seed"
  for sched in renditions renditions-dusk; do
    [ -f "$work/dyn-$seed-$sched.ts" ] || $gearnn distort --quiet "$work/dyn-$seed/video.mkv" \
      --out "$work/dyn-$seed-$sched.ts" --schedule "configs/schedules/dynamic-$sched.json"
  done
done

/usr/bin/python3 - "$gearnn" "$model" "$robust" "$stability" "$work" "$joint" <<'PY'
import json, os, sys
sys.path.insert(0, "scripts")
from bench_runs import built, fmt, run, summed_miou
gearnn, model, robust, stability, work, joint = sys.argv[1:7]
methods = {"clean": (model, None), "augment": (robust, None), "stability": (stability, None),
           "gears-qp": (model, f"{model}/gears/qp"), "resolution": (model, f"{model}/gears/resolution"),
           "abr": (model, f"{model}/gears/abr"), "aug+resolution": (robust, f"{robust}/gears/resolution"),
           "aug+abr": (robust, f"{robust}/gears/abr"), "all": (model, f"{model}/gears/all"),
           "aug+all": (robust, f"{robust}/gears/all"), "joint+combined": (joint, f"{joint}/gears/combined"),
           "joint+abr": (joint, f"{joint}/gears/abr"),
           "joint+abr+check": (joint, f"{joint}/gears/abr", ("--check-neighbours", "5")),
           "joint+all": (joint, f"{joint}/gears/all")}
# The shipped default, as data/models/default.json names it.
default = json.load(open("data/models/default.json"))
methods["default"] = (f"data/models/{default['model']}", f"data/models/{default['gears']}",
                      ("--check-neighbours", str(default.get("check_neighbours", 0))))
ladder = json.load(open("configs/ladders/resolution.json"))["levels"]
def level_of(resolution):
    return min(ladder, key=lambda l: abs(l["resolution"] - resolution))["name"]
results, per_rendition, right = {}, {}, {}
for sched in ("renditions", "renditions-dusk"):
    for name, (m, g, *extra) in methods.items():
        if not built(m, g):
            results[(sched, name)] = None
            continue
        reports = []
        for seed in (1011, 1012):
            video = f"{work}/dyn-{seed}-{sched}.ts"
            reports.append(run(gearnn, video, m, f"{work}/runs/{sched}/{name}/{seed}", g, labels=f"{work}/dyn-{seed}/labels",
                               extra=extra[0] if extra else ()))
            d = reports[-1]["_dir"]
            truth = json.load(open(f"{video}.schedule.json"))["frames"]
            for line, t in zip(open(f"{d}/frames.jsonl"), truth):
                f = json.loads(line)
                key = (sched, name, level_of(t["resolution"]))
                per_rendition.setdefault(key, []).append(f["miou"])
                if name in ("resolution", "aug+resolution"):
                    ok = f["gear"] == level_of(t["resolution"])
                    right[(sched, name)] = [a + b for a, b in zip(right.get((sched, name), [0, 0]), [ok, 1])]
        results[(sched, name)] = summed_miou(reports)
names = list(methods)
print("| clip | " + " | ".join(names) + " |")
print("|---|" + "---|" * len(names))
for sched in ("renditions", "renditions-dusk"):
    print(f"| {sched} | " + " | ".join(fmt(results[(sched, n)]) for n in names) + " |")
print("\nmean per-frame mIoU by rendition (daylight clip):")
print("| rendition | " + " | ".join(names) + " |")
print("|---|" + "---|" * len(names))
for l in ladder:
    cells = []
    for n in names:
        v = per_rendition.get(("renditions", n, l["name"]))
        cells.append(fmt(sum(v) / len(v) if v else None))
    print(f"| {l['name']} | " + " | ".join(cells) + " |")
print()
for (sched, name), (ok, total) in right.items():
    print(f"{sched} {name}: resolution gear = the rendition's ladder level on {100 * ok / total:.1f}% of {total} frames")
PY
