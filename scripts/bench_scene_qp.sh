#!/usr/bin/env bash
# street's QP gears per scene exposure. At one QP a bright scene loses less to
# compression than a dark one (scripts/bench_scene_harm.sh); the idea tested: a
# QP gear fitted on all training scenes over-corrects bright ones. bench_qp_exposure.sh split
# the QP gears by a *rendered* brightness (x1.4) and lost on neutral bright
# frames; here they are split by the scenes' own exposure instead:
#   - the 8 training clips are split in two at the median of their median luma
#     (pristine frames): dark scenes and bright scenes;
#   - each half gets validation clips of its own exposure: the first 4 of the
#     candidate scenes (seeds 4000-4039, 60 frames, used nowhere else) whose
#     median luma lies in that half's range of training medians;
#   - the QP ladder is fitted on each half (the shipped QP gears' tensors and
#     recipe: 8 epochs, lr 0.003, stride 4);
#   - `cell-gears --on luma --values` makes each QP gear two cells, cut half-way
#     between the two halves' median luma.
# Fitting on half the scenes asks how much the gears depend on their number, so
# the same ladder is also fitted on twice the scenes at the same number of steps
# (the 8 clips and 8 new ones, seeds 5000-5007, every 8th frame instead of every
# 4th; --stride thins the validation clips too: 16 frames instead of 30), and
# again with --val-stride 4, validated on the same 30 frames as the 8.
# Scored, summed mIoU over the clips, for
#   none      no gears
#   qp        street's shipped QP set (fitted on the 8 clips)
#   dark      fitted on the dark half alone
#   bright    fitted on the bright half alone
#   cells     dark and bright as cells on luma
#   scenes8   fitted on the 8 clips by this build (the control)
#   scenes16  fitted on 16 scenes at the same number of steps
#   scenes16v the same, validated on every 4th frame as scenes8 is
#   full8     a whole model per QP level, fine-tuned from street on the 8 clips
#             (fit-gears --kind full --guard none, the same recipe but lr 0.001
#             as aug+full in bench_gears.sh): what any per-level weights fitted
#             on these scenes can do, an upper bound for the gears
# on held-out clips (seeds 1001-1003) at QP 24, 34, 43, 47 and 51, the 16 scenes
# of bench_scene_harm.sh at QP 47 (those below the cut and those above, by
# median luma), the held-out dynamic clips (seeds 1011-1012) and the shipped
# sample. Finished steps are kept: a rerun resumes (about 100 min the first time on 2
# cores: six fits of 5-16 min and 324 runs).
# Usage: scripts/bench_scene_qp.sh [WORK_DIR]   (after scripts/train_default.sh's clips in
#   build/train-default, scripts/bench_gears.sh's clips in build/bench-gears and
#   scripts/bench_scene_harm.sh's in build/bench-scene-harm; THREADS=N for the fits)
set -euo pipefail
cd "$(dirname "$0")/.."
gearnn=${GEARNN:-build/gearnn}
model=data/models/street
train=build/train-default
clips=build/bench-gears
harm=build/bench-scene-harm
work=${1:-build/bench-scene-qp}
mkdir -p "$work"
[ -f "$train/train.json" ] || { echo "bench_scene_qp: run scripts/train_default.sh first" >&2; exit 1; }
[ -f "$clips/dyn-1011-abr.mp4" ] || { echo "bench_scene_qp: run scripts/bench_gears.sh first" >&2; exit 1; }
[ -f "$harm/s3015-qp47.mp4" ] || { echo "bench_scene_qp: run scripts/bench_scene_harm.sh first" >&2; exit 1; }
scripts/make_heldout_clips.sh "$gearnn" "$work"
for seed in $(seq 4000 4039); do
  [ -f "$work/c$seed/meta.json" ] || $gearnn synth --quiet --out "$work/c$seed" --frames 60 --seed "$seed"
done

# Median luma of a clip's pristine frames (from `probe --json`), cached in WORK/luma/CLIP_NAME.txt.
mkdir -p "$work/luma"
median_luma() {
  local cached=$work/luma/$(basename "$1").txt
  [ -f "$cached" ] || {
    $gearnn probe "$1/video.mkv" --json |
      /usr/bin/python3 -c 'import json, sys; print(json.load(sys.stdin)["features"]["luma"]["median"])' >"$cached.tmp"
    mv "$cached.tmp" "$cached"
  }
}
for c in "$train"/train-* "$work"/c4* "$harm"/s3*/; do median_luma "${c%/}" >/dev/null; done

# The halves, their validation clips and the luma each stands for (datasets in WORK).
/usr/bin/python3 - "$train" "$work" <<'PY'
import json, os, statistics, sys
train, work = sys.argv[1:3]
luma = lambda d: float(open(f"{work}/luma/{os.path.basename(d)}.txt").read())
clips = sorted(json.load(open(f"{train}/train.json"))["clips"], key=lambda c: luma(f"{train}/{c}"))
half = len(clips) // 2
candidates = sorted((d for d in os.listdir(work) if d.startswith("c4")), key=lambda d: int(d[1:]))
values = {}
for name, part in (("dark", clips[:half]), ("bright", clips[half:])):
    lumas = [luma(f"{train}/{c}") for c in part]
    val = [c for c in candidates if min(lumas) <= luma(f"{work}/{c}") <= max(lumas)][:4]
    json.dump({"clips": [os.path.abspath(f"{train}/{c}") for c in part]}, open(f"{work}/{name}.json", "w"))
    json.dump({"clips": [os.path.abspath(f"{work}/{c}") for c in val]}, open(f"{work}/val-{name}.json", "w"))
    values[name] = statistics.median(lumas)
    print(f"{name}: train {part} (median luma {values[name]:.1f}), validation {val}", file=sys.stderr)
open(f"{work}/values.txt", "w").write(f"{values['dark']:.2f},{values['bright']:.2f}\n")
PY

for half in dark bright; do
  if [ ! -f "$work/$half/gears.json" ]; then
    $gearnn fit-gears --model "$model" --dataset "$work/$half.json" --val "$work/val-$half.json" \
      --ladder configs/ladders/qp.json --cache "$train/cache" --stride 4 ${THREADS:+--threads "$THREADS"} \
      --selection "$model/gears/qp/gears.json" --epochs 8 --lr 0.003 --out "$work/$half.tmp"
    rm -rf "${work:?}/$half" && mv "$work/$half.tmp" "$work/$half"
  fi
done
# Twice the scenes at the same number of steps: the 8 training clips and 8 new ones (seeds
# 5000-5007, 100 frames, used nowhere else), every 8th frame instead of every 4th.
scripts/make_extra_scenes.sh "$gearnn" "$train" "$work"
# And the control: the 8 training clips every 4th frame, fitted by this build as the others.
for fit in "scenes16 $work/scenes16.json 8 8" "scenes16v $work/scenes16.json 8 4" "scenes8 $train/train.json 4 4"; do
  read -r name dataset stride val_stride <<<"$fit"
  if [ ! -f "$work/$name/gears.json" ]; then
    $gearnn fit-gears --model "$model" --dataset "$dataset" --val "$train/val.json" \
      --ladder configs/ladders/qp.json --cache "$train/cache" --stride "$stride" --val-stride "$val_stride" \
      ${THREADS:+--threads "$THREADS"} --selection "$model/gears/qp/gears.json" --epochs 8 --lr 0.003 \
      --out "$work/$name.tmp"
    rm -rf "${work:?}/$name" && mv "$work/$name.tmp" "$work/$name"
  fi
done
if [ ! -f "$work/full8/gears.json" ]; then
  $gearnn fit-gears --kind full --guard none --model "$model" --dataset "$train/train.json" --val "$train/val.json" \
    --ladder configs/ladders/qp.json --cache "$train/cache" --stride 4 ${THREADS:+--threads "$THREADS"} \
    --epochs 8 --lr 0.001 --out "$work/full8.tmp"
  rm -rf "${work:?}/full8" && mv "$work/full8.tmp" "$work/full8"
fi
rm -rf "${work:?}/cells"
$gearnn cell-gears "$work/dark" --add "$work/bright" --on luma --values "$(cat "$work/values.txt")" --out "$work/cells"

/usr/bin/python3 - "$gearnn" "$model" "$work" "$clips" "$harm" <<'PY'
import glob, json, os, subprocess, sys
sys.path.insert(0, "scripts")
import bench_runs
gearnn, model, work, clips, harm = sys.argv[1:6]
sets = {"none": None, "qp": f"{model}/gears/qp", "dark": f"{work}/dark", "bright": f"{work}/bright",
        "cells": f"{work}/cells", "scenes8": f"{work}/scenes8", "scenes16": f"{work}/scenes16",
        "scenes16v": f"{work}/scenes16v", "full8": f"{work}/full8"}
cut = json.load(open(f"{work}/cells/gears.json"))["cells"]["cuts"][0]

def score(videos, key):
    return bench_runs.score_sets(gearnn, model, sets, videos, f"{work}/runs/{key}")

print(f"cells cut at luma {cut:.1f}")
line = bench_runs.table(sets, [("cells", "qp"), ("cells", "none")])
rows = []
for qp in (24, 34, 43, 47, 51):
    videos = []
    for seed in (1001, 1002, 1003):
        clip = f"{work}/test-{seed}"
        video = f"{work}/levels/test-{seed}-qp{qp}.mp4"
        if not os.path.exists(video):
            os.makedirs(f"{work}/levels", exist_ok=True)
            subprocess.run([gearnn, "distort", "--quiet", f"{clip}/video.mkv", "--out", video, "--qp", str(qp)],
                           check=True)
        videos.append((video, f"{clip}/labels"))
    rows.append(score(videos, f"qp{qp}"))
    line(f"QP {qp}", rows[-1])
line("mean of these", {name: sum(r[name] for r in rows) / len(rows) for name in sets})
# Each scene run on its own (its runs are kept whatever the cut), then summed per side of the cut.
scenes = [s.rstrip("/") for s in sorted(glob.glob(f"{harm}/s3*/"))]
for side, keep in (("<", lambda l: l < cut), (">=", lambda l: l >= cut)):
    part = [s for s in scenes if keep(float(open(f"{work}/luma/{os.path.basename(s)}.txt").read()))]
    if not part:
        continue
    row = {name: bench_runs.summed_miou([
        bench_runs.run(gearnn, f"{s}-qp47.mp4", model, f"{work}/runs/harm/{name}/{os.path.basename(s)}", gears,
                       labels=f"{s}/labels") for s in part]) for name, gears in sets.items()}
    line(f"{len(part)} of the 16 scenes at QP 47, luma {side} {cut:.1f}", row)
for sched in ("abr", "tunnel"):
    line(sched, score([(f"{clips}/dyn-{s}-{sched}.mp4", f"{clips}/dyn-{s}/labels") for s in (1011, 1012)], sched))
sample = "data/samples/street-dynamic"
line("sample", score([(f"{sample}/video.mp4", f"{sample}/labels")], "sample"))
PY
