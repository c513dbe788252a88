#!/usr/bin/env bash
# Gears against baselines on held-out clips (seeds never used in training).
# For every level of the QP and brightness ladders, and on dynamic clips whose
# QP and brightness change every 3 s, prints mIoU (from confusion matrices
# summed over clips) for:
#   clean      the shipped model, trained on clean frames only
#   augment    fine-tuned on a mixture of all levels: the base of the shipped
#              data/models/street-robust (scripts/train_robust.sh)
#   stability  fine-tuned with stability training (Zheng et al. 2016)
#   bn         per-level gear of re-estimated BatchNorm statistics only
#   gears      the shipped gear sets (GearNN)
#   full       per-level fully fine-tuned model (as a gear holding every tensor)
#   aug+gears  GearNN on the augment model: data/models/street-robust with its gears
#   joint      the shared network of joint gear-aware training (`train --mode
#              gears`, the augment budget), without gears
#   joint+gears  the same with its jointly trained gears
#   joint+refine joint+gears with each gear then fitted 8 more epochs on its
#              level (`fit-gears --start`: aug+gears' fitting budget on top)
#   aug+full   one whole model per level, fine-tuned from augment for 8 epochs
#              on every 4th frame of the level (the gears' budget): what any
#              per-level weights can add to the augment model, an upper bound
#   gears+check, refine+check  gears and joint+refine run with
#              --check-neighbours 5: frames also segmented with the gears of
#              the adjacent levels, the least uncertain prediction kept; checked
#              when the features' gear changes and every 10 frames (run's
#              --check-every); gears+check1, refine+check1 check every frame
# plus weight memory, gear switch time against reloading a model, and how often
# the selected gear matches the true level.
# Usage: scripts/bench_gears.sh [WORK_DIR]   (after scripts/setup.sh and scripts/train_default.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
gearnn=${GEARNN:-build/gearnn}
model=data/models/street
robust=data/models/street-robust
train=build/train-default
work=${1:-build/bench-gears}
# The same training budget for every method that fine-tunes:
#  - augment and stability: 4 epochs over every training frame (stride 4) at
#    every level of both ladders (augment: 3800 samples an epoch, clean ones
#    included; stability: 3600 clean/distorted pairs);
#  - full (one model per level): 4 epochs over every 8th frame of the level,
#    lr 0.001 as for the other whole-network fine-tunes. That is a quarter of
#    a gear's budget (8 epochs, every 4th frame), chosen to fit 18 fits into a
#    session; FULL_EPOCHS=8 FULL_STRIDE=4 gives the equal budget.
epochs=${EPOCHS:-4}
full_epochs=${FULL_EPOCHS:-4}
full_stride=${FULL_STRIDE:-8}
mkdir -p "$work"
py=/usr/bin/python3

# Held-out clips.
for seed in 1001 1002 1003; do
  [ -f "$work/test-$seed/meta.json" ] || $gearnn synth --quiet --out "$work/test-$seed" --frames 60 --seed "$seed"
done

# Baselines, built by the same tool on the same training data, cheapest first.
# BUILD=0 skips building: the tables then show n/a for methods not built yet.
if [ "${BUILD:-1}" = 1 ]; then
  for ladder in qp brightness; do
    [ -f "$work/gears-bn-$ladder/gears.json" ] ||
      $gearnn fit-gears --kind bn --model "$model" --dataset "$train/train.json" --val "$train/val.json" \
        --ladder "configs/ladders/$ladder.json" --cache "$train/cache" --stride 4 --out "$work/gears-bn-$ladder"
  done
  # augment, and GearNN on top of it: the shipped robust model and its gear sets.
  [ -f "$robust/gears/combined/gears.json" ] || scripts/train_robust.sh "$train"
  for mode in stability; do
    [ -f "$work/models/$mode/model.json" ] || [ -n "${SHIPPED_STABILITY:-}" ] ||
      $gearnn train --init "$model" --mode "$mode" --dataset "$train/train.json" --val "$train/val.json" \
        --ladder configs/ladders/qp.json,configs/ladders/brightness.json --cache "$train/cache" \
        --epochs "$epochs" --stride 4 --lr 0.001 --checkpoint "$work/checkpoint-$mode" --resume \
        --out "$work/models/$mode"
  done
  # Joint gear-aware training at augment's budget, with the shipped gears' tensors.
  if [ ! -f "$work/models/joint/gears/combined/gears.json" ]; then
    [ -f "$work/models/joint/gears/brightness/gears.json" ] ||
      $gearnn train --init "$model" --mode gears --selection "$model/gears/qp,$model/gears/brightness" \
        --dataset "$train/train.json" --val "$train/val.json" \
        --ladder configs/ladders/qp.json,configs/ladders/brightness.json --cache "$train/cache" \
        --epochs "$epochs" --stride 4 --lr 0.001 --checkpoint "$work/checkpoint-joint" --resume \
        --out "$work/models/joint"
    $gearnn combine-gears "$work/models/joint/gears/brightness" "$work/models/joint/gears/qp" \
      --out "$work/models/joint/gears/combined"
  fi
  # joint+refine: the joint gears fitted further, as train_robust.sh fits aug+gears' gears.
  for ladder in qp brightness; do
    [ -f "$work/joint-refine/$ladder/gears.json" ] ||
      $gearnn fit-gears --model "$work/models/joint" --dataset "$train/train.json" --val "$train/val.json" \
        --ladder "configs/ladders/$ladder.json" --cache "$train/cache" --stride 4 --epochs 8 --lr 0.003 \
        --start "$work/models/joint/gears/$ladder" --out "$work/joint-refine/$ladder"
  done
  [ -f "$work/joint-refine/combined/gears.json" ] ||
    $gearnn combine-gears "$work/joint-refine/brightness" "$work/joint-refine/qp" --out "$work/joint-refine/combined"
  for ladder in qp brightness; do
    [ -f "$work/gears-augfull-$ladder/gears.json" ] ||
      $gearnn fit-gears --kind full --model "$robust" --dataset "$train/train.json" --val "$train/val.json" \
        --ladder "configs/ladders/$ladder.json" --cache "$train/cache" --stride 4 --epochs 8 --lr 0.001 \
        --guard none --out "$work/gears-augfull-$ladder"
  done
  for ladder in qp brightness; do
    [ -f "$work/gears-full-$ladder/gears.json" ] ||
      $gearnn fit-gears --kind full --model "$model" --dataset "$train/train.json" --val "$train/val.json" \
        --ladder "configs/ladders/$ladder.json" --cache "$train/cache" --stride "$full_stride" --epochs "$full_epochs" \
        --lr 0.001 --out "$work/gears-full-$ladder"
  done
fi

# Dynamic clips: 12 s each, QP (adaptive bitrate) or QP and brightness (tunnel) changing every 3 s.
for seed in 1011 1012; do
  [ -f "$work/dyn-$seed/meta.json" ] || $gearnn synth --quiet --out "$work/dyn-$seed" --frames 120 --seed "$seed"
  for sched in abr tunnel; do
    [ -f "$work/dyn-$seed-$sched.mp4" ] || $gearnn distort --quiet "$work/dyn-$seed/video.mkv" \
      --out "$work/dyn-$seed-$sched.mp4" --schedule "configs/schedules/dynamic-$sched.json"
  done
done

# Every level of every ladder, every method; then the dynamic clips.
# SHIPPED_STABILITY=1: the shipped stability baseline (made by this script's
# training) instead of building it again.
stability=$work/models/stability
[ -z "${SHIPPED_STABILITY:-}" ] || stability=data/models/baselines/stability
$py - "$gearnn" "$model" "$work" "$robust" "$stability" <<'PY'
import json, os, subprocess, sys
sys.path.insert(0, "scripts")
import bench_runs
from bench_runs import built, summed_miou
gearnn, model, work, robust, stability = sys.argv[1:6]
joint = f"{work}/models/joint"
clips = [f"{work}/test-{s}" for s in (1001, 1002, 1003)]
check = ("--check-neighbours", "5")
check1 = check + ("--check-every", "1")
def methods(ladder):
    return {"clean": (model, None), "augment": (robust, None),
            "stability": (stability, None), "bn": (model, f"{work}/gears-bn-{ladder}"),
            "gears": (model, f"{model}/gears/{ladder}"), "full": (model, f"{work}/gears-full-{ladder}"),
            "aug+gears": (robust, f"{robust}/gears/{ladder}"), "joint": (joint, None),
            "joint+gears": (joint, f"{joint}/gears/{ladder}"),
            "joint+refine": (joint, f"{work}/joint-refine/{ladder}"),
            "aug+full": (robust, f"{work}/gears-augfull-{ladder}"),
            "gears+check": (model, f"{model}/gears/{ladder}", check),
            "refine+check": (joint, f"{work}/joint-refine/{ladder}", check),
            "gears+check1": (model, f"{model}/gears/{ladder}", check1),
            "refine+check1": (joint, f"{work}/joint-refine/{ladder}", check1)}
def run(video, labels, m, g, out, extra=()):
    return bench_runs.run(gearnn, video, m, out, g, labels=labels, extra=extra)
def fmt(v):
    return "n/a   " if v is None else f"{v:.4f}"
results = {}
for ladder in ("qp", "brightness"):
    spec = json.load(open(f"configs/ladders/{ladder}.json"))
    for level in spec["levels"]:
        args = []
        for k, v in level.items():
            if k != "name": args += [f"--{k}", str(v)]
        row = {}
        for name, (m, g, *extra) in methods(ladder).items():
            if not built(m, g):
                row[name] = None
                continue
            reports = []
            for clip in clips:
                video = f"{work}/levels/{os.path.basename(clip)}-{level['name']}.mp4"
                if not os.path.exists(video):
                    os.makedirs(f"{work}/levels", exist_ok=True)
                    subprocess.run([gearnn, "distort", "--quiet", f"{clip}/video.mkv", "--out", video] + args, check=True)
                reports.append(run(video, f"{clip}/labels", m, g, f"{work}/runs/{ladder}/{level['name']}/{name}/{os.path.basename(clip)}",
                                   *extra))
            row[name] = summed_miou(reports)
        results[f"{ladder}/{level['name']}"] = row
        print(f"{ladder:10s} {level['name']:7s} " + " ".join(f"{k} {fmt(v)}" for k, v in row.items()), flush=True)
json.dump(results, open(f"{work}/levels.json", "w"), indent=1)
names = list(next(iter(results.values())).keys())
def mean(n):
    vals = [r[n] for r in results.values()]
    return None if None in vals else sum(vals) / len(vals)
print("\nmean over levels: " + " ".join(f"{n} {fmt(mean(n))}" for n in names))
def relative(a, b):
    return "n/a" if a is None or b is None else f"{100 * (a - b) / b:+.2f}%"
for n in ("aug+gears", "joint", "joint+gears", "joint+refine", "aug+full", "refine+check", "refine+check1"):
    print(f"{n} over levels: {relative(mean(n), mean('augment'))} against augment, "
          f"{relative(mean(n), mean('stability'))} against stability (relative mIoU)")
if mean("full") is not None:
    gain_full = sum(r["full"] - r["clean"] for r in results.values())
    for n in ("gears", "aug+gears"):
        if mean(n) is not None:
            gain = sum(r[n] - r["clean"] for r in results.values())
            print(f"{n} recover {100 * gain / gain_full:.1f}% of the mIoU one-model-per-level wins over clean-only (target >= 90%)")

# Combined gear sets for clips whose QP and brightness both change, made by
# `gearnn combine-gears` from each method's own sets: brightness gears that win
# on validation, QP gears over the luma band of the neutral ones.
def combined(kind_dirs, out):
    if not all(os.path.exists(f"{d}/gears.json") for d in kind_dirs.values()):
        return f"{out}-not-built"
    cmd = [gearnn, "combine-gears", kind_dirs["brightness"], kind_dirs["qp"], "--out", out]
    if subprocess.run(cmd, stderr=subprocess.DEVNULL).returncode != 0:
        subprocess.run(cmd + ["--neutral", "b1.00"], check=True)  # every brightness gear gained: b1.00 is neutral
    return out
sets = {"bn": combined({"qp": f"{work}/gears-bn-qp", "brightness": f"{work}/gears-bn-brightness"}, f"{work}/combined-bn"),
        "gears": f"{model}/gears/combined",
        "full": combined({"qp": f"{work}/gears-full-qp", "brightness": f"{work}/gears-full-brightness"}, f"{work}/combined-full"),
        "aug+gears": f"{robust}/gears/combined",
        "aug+full": combined({"qp": f"{work}/gears-augfull-qp", "brightness": f"{work}/gears-augfull-brightness"},
                             f"{work}/combined-augfull")}
dyn = {"clean": (model, None), "augment": (robust, None), "stability": (stability, None),
       "bn": (model, sets["bn"]), "gears": (model, sets["gears"]), "full": (model, sets["full"]),
       "aug+gears": (robust, sets["aug+gears"]), "joint": (joint, None),
       "joint+gears": (joint, f"{joint}/gears/combined"),
       "joint+refine": (joint, f"{work}/joint-refine/combined"),
       "aug+full": (robust, sets["aug+full"]),
       "gears+check": (model, sets["gears"], check),
       "refine+check": (joint, f"{work}/joint-refine/combined", check),
       "gears+check1": (model, sets["gears"], check1),
       "refine+check1": (joint, f"{work}/joint-refine/combined", check1)}
qp_levels = [l for l in json.load(open("configs/ladders/qp.json"))["levels"]]
b_levels = [l for l in json.load(open("configs/ladders/brightness.json"))["levels"]]
def nearest(levels, key, value):
    # Every level at the least distance: QP 22 is as near to qp20 as to qp24, and either is right.
    d = min(abs(l[key] - value) for l in levels)
    return {l["name"] for l in levels if abs(abs(l[key] - value) - d) < 1e-9}
def true_levels(s, neutral):
    # The nearest brightness level(s), unless neutral: then the nearest QP level(s).
    b = nearest(b_levels, "brightness", s["brightness"])
    if not b & neutral:
        return b
    return nearest(qp_levels, "qp", s["qp"])
print()
memory = {}
for sched in ("abr", "tunnel"):
    row = {}
    match, total = {}, {}
    for name, (m, g, *extra) in dyn.items():
        if not built(m, g):
            row[name] = None
            continue
        reports = []
        for seed in (1011, 1012):
            out = f"{work}/runs/dyn-{sched}/{name}/{seed}"
            reports.append(run(f"{work}/dyn-{seed}-{sched}.mp4", f"{work}/dyn-{seed}/labels", m, g, out, *extra))
            if name in ("gears", "aug+gears", "joint+gears", "joint+refine") or "+check" in name:
                neutral = set(json.load(open(f"{g}/gears.json"))["combined"]["neutral"])
                truth = json.load(open(f"{work}/dyn-{seed}-{sched}.mp4.schedule.json"))["frames"]
                for line, t in zip(open(f"{reports[-1]['_dir']}/frames.jsonl"), truth):
                    total[name] = total.get(name, 0) + 1
                    match[name] = match.get(name, 0) + (json.loads(line)["gear"] in true_levels(t, neutral))
        row[name] = summed_miou(reports)
        r = reports[0]
        memory[name] = r["model"]["weight_bytes"] + (r["gears"]["gear_bytes"] if r["gears"] else 0)
    print(f"dynamic {sched:7s} " + " ".join(f"{k} {fmt(v)}" for k, v in row.items()))
    for n in ("aug+gears", "joint", "joint+gears", "joint+refine", "aug+full", "refine+check", "refine+check1"):
        print(f"dynamic {sched:7s} {n}: {relative(row.get(n), row.get('augment'))} against augment, "
              f"{relative(row.get(n), row.get('stability'))} against stability (target >= +3% and >= +6%)")
    for n in total:
        print(f"dynamic {sched:7s} {n}: selected gear = true level on {100 * match[n] / total[n]:.1f}% of {total[n]} frames (target >= 95%)")
base = memory["clean"]
print("\nweights resident (bytes, and over the clean model): " +
      ", ".join(f"{k} {v} (+{100 * (v - base) / base:.2f}%)" for k, v in memory.items()))
PY
$gearnn bench switch --model "$model" --gears "$model/gears/qp" --rounds 100
$gearnn bench switch --model "$model" --gears "$model/gears/combined" --rounds 100
$gearnn bench switch --model "$robust" --gears "$robust/gears/combined" --rounds 100
