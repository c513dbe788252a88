#!/usr/bin/env bash
# The automatically chosen gear against an oracle that knows each frame's true
# level. On the held-out dynamic clips of scripts/bench_gears.sh (ABR and
# tunnel schedules, seeds 1011-1012), for a model and its combined gear set
# (or a cells set made from one, whose true level is also the nearest cell on QP):
#   auto    `gearnn run` switching gears from the measured frame features
#   oracle  each frame segmented with the gear of its true level, taken from
#           the schedule: the nearest brightness level, or, where that level
#           is one of the set's neutral ones, the nearest QP level (a QP of 22
#           between qp20 and qp24 takes the lower)
# The oracle is put together from one run per gear (that gear on every frame;
# a frame's result does not depend on the gears of other frames) and scored
# with `gearnn eval` on the masks. Prints both mIoU (summed confusion over the
# two clips) and their difference (target: auto within 0.5 points of oracle).
# With CHECK=N, auto also runs with --check-neighbours N --check-every EVERY
# (10 unless given): "auto+check".
# Usage: [CHECK=N [EVERY=K]] scripts/bench_oracle.sh [MODEL [GEARS [WORK_DIR]]]   (after scripts/bench_gears.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
gearnn=${GEARNN:-build/gearnn}
model=${1:-data/models/street-joint}
gears=${2:-$model/gears/combined}
work=${3:-build/bench-gears}
/usr/bin/python3 - "$gearnn" "$model" "$gears" "$work" "${CHECK:-0}" "${EVERY:-10}" <<'PY'
import json, os, shutil, subprocess, sys
sys.path.insert(0, "scripts")
import bench_runs
gearnn, model, gears, work, check, every = sys.argv[1:5] + [int(sys.argv[5]), sys.argv[6]]
out = f"{work}/oracle/{os.path.basename(os.path.normpath(model))}-{bench_runs.setup_key(model, gears)}"
gset = json.load(open(f"{gears}/gears.json"))
# A cells set (`gearnn cell-gears`) splits the brightness gears of a combined
# set on qp: the true level is then the brightness level's cell nearest the QP.
cells = gset.get("cells")
combined = json.load(open(f"{cells['base']}/gears.json"))["combined"] if cells else gset["combined"]
neutral = set(combined["neutral"])
names = [g["name"] for g in gset["gears"]]
qp_levels = json.load(open("configs/ladders/qp.json"))["levels"]
b_levels = json.load(open("configs/ladders/brightness.json"))["levels"]
def nearest(levels, key, value):
    return min(levels, key=lambda l: (abs(l[key] - value), l[key]))["name"]
def true_level(s):
    b = nearest(b_levels, "brightness", s["brightness"])
    if b in neutral:
        return nearest(qp_levels, "qp", s["qp"])
    if not cells:
        return b
    at = min((c["qp"] for c in cells["sets"]), key=lambda v: (abs(v - s["qp"]), v))
    return f"{b}@qp{at:g}"
def single_gear_set(g):
    """A set holding gear g alone, switched on for every frame."""
    d = f"{out}/sets/{g['name']}"
    os.makedirs(d, exist_ok=True)
    one = dict(g)
    one["when"] = {k: [None, None] for k in g["when"]}
    if g.get("file"):
        one["file"] = os.path.relpath(os.path.join(gears, g["file"]), d)
    json.dump({"base_model_hash": gset.get("base_model_hash"), "gears": [one]}, open(f"{d}/gears.json", "w"))
    return d
def eval_miou(pred_dirs, label_dirs):
    """mIoU of the summed confusion of `gearnn eval` over several prediction/label pairs."""
    reports = []
    for p, l in zip(pred_dirs, label_dirs):
        subprocess.run([gearnn, "eval", "--pred", p, "--gt", l, "--classes", "8", "--json", f"{p}.eval.json"],
                       check=True, stdout=subprocess.DEVNULL)
        reports.append({"metrics": {"confusion_matrix": json.load(open(f"{p}.eval.json"))["confusion_matrix"]}})
    return bench_runs.summed_miou(reports)
for sched in ("abr", "tunnel"):
    auto_dirs, checked_dirs, oracle_dirs, labels = [], [], [], []
    for seed in (1011, 1012):
        video, lab = f"{work}/dyn-{seed}-{sched}.mp4", f"{work}/dyn-{seed}/labels"
        truth = json.load(open(f"{video}.schedule.json"))["frames"]
        auto = bench_runs.run(gearnn, video, model, f"{out}/{sched}-{seed}/auto", gears, labels=lab, masks="ids")
        if check > 0:
            checked = bench_runs.run(gearnn, video, model, f"{out}/{sched}-{seed}/auto-check{check}-every{every}",
                                     gears, labels=lab, masks="ids",
                                     extra=("--check-neighbours", str(check), "--check-every", every))
            checked_dirs.append(f"{checked['_dir']}/masks")
        want = [true_level(t) for t in truth]
        per_gear = {}
        for name in sorted(set(want)):
            g = gset["gears"][names.index(name)]
            per_gear[name] = bench_runs.run(gearnn, video, model, f"{out}/{sched}-{seed}/{name}", single_gear_set(g),
                                            labels=lab, masks="ids")["_dir"]
        od = f"{out}/{sched}-{seed}/oracle-masks"
        shutil.rmtree(od, ignore_errors=True)
        os.makedirs(od)
        for i, name in enumerate(want):
            shutil.copy(f"{per_gear[name]}/masks/{i:06d}.png", f"{od}/{i:06d}.png")
        auto_dirs.append(f"{auto['_dir']}/masks")
        oracle_dirs.append(od)
        labels.append(lab)
    a, o = eval_miou(auto_dirs, labels), eval_miou(oracle_dirs, labels)
    print(f"{sched:7s} auto {a:.4f}  oracle {o:.4f}  auto - oracle {100 * (a - o):+.2f} points (target >= -0.5)")
    if check > 0:
        c = eval_miou(checked_dirs, labels)
        print(f"{sched:7s} auto+check {c:.4f}  auto+check - oracle {100 * (c - o):+.2f} points")
PY
