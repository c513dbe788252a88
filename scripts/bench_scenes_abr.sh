#!/usr/bin/env bash
# The default configuration against augmentation when both see 16 training
# scenes instead of 8, at the same number of steps (scripts/bench_scene_qp.sh
# found street's QP gears generalise better fitted on 16 scenes). Fair both ways:
#   augment16  street fine-tuned on every level of both ladders as the shipped
#              augment baseline (4 epochs, lr 0.001), on the 16 scenes every
#              8th frame instead of the 8 every 4th
#   joint16    street-joint's network with its QP gears refined on the 16 scenes
#              as scripts/train_joint.sh refines them on the 8 (fit-gears --start
#              from the joint gears, 8 epochs, lr 0.003, every 8th frame instead
#              of every 4th), then its combined, abr, all and cells sets made
#              again (scripts/combine_sets.sh, cell-gears) in WORK/joint16
# The networks are those trained on the 8 clips: only the last fine-tuning sees
# the 16 scenes. Scored on the held-out dynamic clips (seeds 1011-1012, ABR and
# tunnel), summed mIoU, against the shipped baselines and default. Then the joint
# network itself trained on the 16 scenes (jointnet16) with its QP gears refined
# there, and what any per-level weights can add to augment16 (augment16-full: a
# whole model per QP level fine-tuned from it on the 16 scenes, as aug+full in
# bench_gears.sh), on the ABR clip. Finished steps are kept: a rerun resumes
# (about 70 min the first time on 2 cores).
# Usage: scripts/bench_scenes_abr.sh [WORK_DIR]   (after scripts/train_default.sh and
#   scripts/train_joint.sh in build/train-default and scripts/bench_gears.sh's clips in
#   build/bench-gears; THREADS=N for the fits)
set -euo pipefail
cd "$(dirname "$0")/.."
gearnn=${GEARNN:-build/gearnn}
train=build/train-default
clips=build/bench-gears
joint=data/models/street-joint
work=${1:-build/bench-scene-qp}
mkdir -p "$work"
[ -d "$train/joint-start-qp" ] || { echo "bench_scenes_abr: run scripts/train_joint.sh first" >&2; exit 1; }
[ -f "$clips/dyn-1011-abr.mp4" ] || { echo "bench_scenes_abr: run scripts/bench_gears.sh first" >&2; exit 1; }
scripts/make_extra_scenes.sh "$gearnn" "$train" "$work"

if [ ! -f "$work/augment16/model.json" ]; then
  $gearnn train --init data/models/street --mode augment --dataset "$work/scenes16.json" --val "$train/val.json" \
    --ladder configs/ladders/qp.json,configs/ladders/brightness.json --cache "$train/cache" --epochs 4 --stride 8 \
    --lr 0.001 ${THREADS:+--threads "$THREADS"} --checkpoint "$work/checkpoint-augment16" --resume \
    --out "$work/augment16"
fi
if [ ! -f "$work/joint16-qp/gears.json" ]; then
  $gearnn fit-gears --model "$joint" --dataset "$work/scenes16.json" --val "$train/val.json" \
    --ladder configs/ladders/qp.json --cache "$train/cache" --stride 8 --epochs 8 --lr 0.003 \
    ${THREADS:+--threads "$THREADS"} --start "$train/joint-start-qp" --out "$work/joint16-qp.tmp"
  rm -rf "${work:?}/joint16-qp" && mv "$work/joint16-qp.tmp" "$work/joint16-qp"
fi
# The fair counterpart of augment16 for the joint network: joint training itself on the
# 16 scenes (as scripts/train_joint.sh, every 8th frame), then its QP gears refined
# on them. For the ABR clip only, which changes QP alone.
if [ ! -f "$work/jointnet16/gears/brightness/gears.json" ]; then
  $gearnn train --init data/models/street --mode gears \
    --selection data/models/street/gears/qp,data/models/street/gears/brightness \
    --dataset "$work/scenes16.json" --val "$train/val.json" \
    --ladder configs/ladders/qp.json,configs/ladders/brightness.json --cache "$train/cache" \
    --epochs 4 --stride 8 --lr 0.001 ${THREADS:+--threads "$THREADS"} --checkpoint "$work/checkpoint-jointnet16" \
    --resume --out "$work/jointnet16"
fi
if [ ! -f "$work/jointnet16-qp/gears.json" ]; then
  [ -d "$work/jointnet16-start-qp" ] || cp -r "$work/jointnet16/gears/qp" "$work/jointnet16-start-qp"
  $gearnn fit-gears --model "$work/jointnet16" --dataset "$work/scenes16.json" --val "$train/val.json" \
    --ladder configs/ladders/qp.json --cache "$train/cache" --stride 8 --epochs 8 --lr 0.003 \
    ${THREADS:+--threads "$THREADS"} --start "$work/jointnet16-start-qp" --out "$work/jointnet16-qp.tmp"
  rm -rf "${work:?}/jointnet16-qp" && mv "$work/jointnet16-qp.tmp" "$work/jointnet16-qp"
fi
if [ ! -f "$work/augment16-full/gears.json" ]; then
  $gearnn fit-gears --kind full --model "$work/augment16" --dataset "$work/scenes16.json" --val "$train/val.json" \
    --ladder configs/ladders/qp.json --cache "$train/cache" --stride 8 --epochs 8 --lr 0.001 --guard none \
    ${THREADS:+--threads "$THREADS"} --out "$work/augment16-full.tmp"
  rm -rf "${work:?}/augment16-full" && mv "$work/augment16-full.tmp" "$work/augment16-full"
fi
# street-joint with the refined QP set swapped, and the sets built on it made again.
m=$work/joint16
if [ ! -f "$m/gears/cells/gears.json" ]; then
  rm -rf "$m" && mkdir -p "$m/gears"
  cp "$joint/model.json" "$joint/weights.pt" "$m/"
  for set in brightness resolution brightness-qp34 brightness-qp46; do cp -r "$joint/gears/$set" "$m/gears/"; done
  cp -r "$work/joint16-qp" "$m/gears/qp"
  GEARNN=$gearnn scripts/combine_sets.sh "$m" "$work"
  $gearnn cell-gears "$m/gears/all" --add "$m/gears/brightness-qp34,$m/gears/brightness-qp46" --on qp \
    --out "$m/gears/cells.tmp"
  mv "$m/gears/cells.tmp" "$m/gears/cells"
fi

/usr/bin/python3 - "$gearnn" "$joint" "$work" "$clips" <<'PY'
import sys
sys.path.insert(0, "scripts")
import bench_runs
gearnn, joint, work, clips = sys.argv[1:5]
check = ("--check-neighbours", "5")
methods = {"augment": ("data/models/baselines/augment", None, ()),
           "augment16": (f"{work}/augment16", None, ()),
           "stability": ("data/models/baselines/stability", None, ()),
           "joint-qp": (joint, f"{joint}/gears/qp", ()),
           "joint16-qp": (f"{work}/joint16", f"{work}/joint16/gears/qp", ()),
           "default": (joint, f"{joint}/gears/cells", check),
           "joint16-default": (f"{work}/joint16", f"{work}/joint16/gears/cells", check)}
print("| clip | " + " | ".join(methods) + " | default over augment | joint16 default over augment16 |")
print("|---|" + "---|" * (len(methods) + 2))
for sched in ("abr", "tunnel"):
    row = {name: bench_runs.summed_miou([
        bench_runs.run(gearnn, f"{clips}/dyn-{seed}-{sched}.mp4", model, f"{work}/runs/dyn/{name}/{sched}-{seed}",
                       gears, labels=f"{clips}/dyn-{seed}/labels", extra=extra) for seed in (1011, 1012)])
        for name, (model, gears, extra) in methods.items()}
    print(f"| {sched} | " + " | ".join(bench_runs.fmt(v) for v in row.values()) +
          f" | {100 * (row['default'] / row['augment'] - 1):+.2f}% |"
          f" {100 * (row['joint16-default'] / row['augment16'] - 1):+.2f}% |", flush=True)
print()
methods = {"augment16": (f"{work}/augment16", None),
           "jointnet16": (f"{work}/jointnet16", None),
           "jointnet16-qp": (f"{work}/jointnet16", f"{work}/jointnet16-qp"),
           "augment16-full": (f"{work}/augment16", f"{work}/augment16-full")}
print("| clip | " + " | ".join(methods) + " | jointnet16-qp over augment16 | augment16-full over augment16 |")
print("|---|" + "---|" * (len(methods) + 2))
row = {name: bench_runs.summed_miou([
    bench_runs.run(gearnn, f"{clips}/dyn-{seed}-abr.mp4", model, f"{work}/runs/dyn/{name}/abr-{seed}", gears,
                   labels=f"{clips}/dyn-{seed}/labels") for seed in (1011, 1012)])
    for name, (model, gears) in methods.items()}
print("| abr | " + " | ".join(bench_runs.fmt(v) for v in row.values()) +
      f" | {100 * (row['jointnet16-qp'] / row['augment16'] - 1):+.2f}% |"
      f" {100 * (row['augment16-full'] / row['augment16'] - 1):+.2f}% |", flush=True)
PY
