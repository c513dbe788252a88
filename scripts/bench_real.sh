#!/usr/bin/env bash
# Gears for real, unlabelled footage: opencv-doc's vtest.avi (a real 768x576
# street scene, 795 frames at 10 fps), split in time: fit on frames 0-399,
# validate on 400-494, test on the last 300 (495-794); fitting takes every 8th
# frame (50 frames 0.8 s apart: the camera is fixed, so nearer frames repeat the
# scene). No labels anywhere: the
# targets are each model's own prediction on the pristine frames (teacher
# targets), and every figure is AGREEMENT with that prediction on the pristine
# test frames (never mIoU). For both shipped models, per level of the QP and
# brightness ladders and on a dynamic schedule (configs/schedules/real-dynamic.json),
# prints agreement for:
#   none         the model alone
#   shipped      its shipped gear sets (fitted on labelled synthetic clips)
#   lf-MODE      gear sets fitted here with --targets teacher, one per BatchNorm
#                statistics mode in BN_STATS (shift, reestimate, keep; MODE:tT
#                fits with soft targets at temperature T, MODE alone with hard ones)
#   augment      (street only) the label-free augment baseline: street fine-tuned
#                on every level with teacher targets (soft, T=2), at augment's usual budget
# Finished steps are kept: an interrupted run resumes.
# Usage: scripts/bench_real.sh [WORK_DIR]   (after scripts/setup.sh; installs opencv-doc)
#   BN_STATS="shift:t2 shift keep:t2 reestimate" (default "shift shift:t2"), MODELS="street street-robust"
#   (the default), THREADS=N (LibTorch threads of the fits; default all cores).
set -euo pipefail
cd "$(dirname "$0")/.."
gearnn=${GEARNN:-build/gearnn}
work=${1:-build/bench-real}
bn_modes=${BN_STATS:-shift shift:t2}
models=${MODELS:-street street-robust}
export bn_modes models
scripts/install_footage.sh > /dev/null
footage=/usr/share/doc/opencv-doc/examples/data/vtest.avi
mkdir -p "$work"

# The parts, as frame ranges of the one video (no copies for fitting and validation).
echo "{\"clips\": [{\"video\": \"$footage\", \"frames\": [0, 400]}]}" > "$work/fit.json"
echo "{\"clips\": [{\"video\": \"$footage\", \"frames\": [400, 495]}]}" > "$work/val.json"
# The test part as its own lossless file, so every rendering starts at its first frame.
if [ ! -f "$work/test.mkv" ]; then
  ffmpeg -nostdin -v error -y -i "$footage" -vf "select=gte(n\,495),setpts=PTS-STARTPTS" -c:v ffv1 "$work/test.tmp.mkv"
  mv "$work/test.tmp.mkv" "$work/test.mkv"
fi

for model in $models; do
  m=data/models/$model
  for ladder in qp brightness; do
    common=(--model "$m" --dataset "$work/fit.json" --ladder "configs/ladders/$ladder.json" --cache "$work/cache"
            --stride 8 --targets teacher ${THREADS:+--threads "$THREADS"})
    [ -f "$work/sensitivity-$model-$ladder.json" ] ||
      $gearnn sensitivity "${common[@]}" --method fisher --out "$work/sensitivity-$model-$ladder.json"
    [ -f "$work/selection-$model-$ladder.json" ] ||
      $gearnn select --scores "$work/sensitivity-$model-$ladder.json" --budget 0.2% \
        --out "$work/selection-$model-$ladder.json"
    for variant in $bn_modes; do
      out="$work/gears-$model-lf-${variant/:/-}-$ladder"
      [ -f "$out/gears.json" ] && continue
      soft=()
      case $variant in *:t*) soft=(--temperature "${variant#*:t}") ;; esac
      t=$(date +%s)
      $gearnn fit-gears "${common[@]}" --val "$work/val.json" --selection "$work/selection-$model-$ladder.json" \
        --epochs 8 --lr 0.001 --bn-stats "${variant%%:*}" "${soft[@]}" --out "$out"
      echo "bench_real: $model $variant $ladder gears in $(( $(date +%s) - t )) s" >&2
    done
  done
  for variant in $bn_modes; do
    g="$work/gears-$model-lf-${variant/:/-}"
    [ -f "$g-combined/gears.json" ] ||
      $gearnn combine-gears "$g-brightness" "$g-qp" --out "$g-combined" 2>/dev/null ||
      $gearnn combine-gears "$g-brightness" "$g-qp" --neutral b1.00 --out "$g-combined"
  done
done
[ -f "$work/models/augment/model.json" ] ||
  $gearnn train --init data/models/street --mode augment --targets teacher --dataset "$work/fit.json" \
    --val "$work/val.json" --ladder configs/ladders/qp.json,configs/ladders/brightness.json --cache "$work/cache" \
    --temperature 2 --epochs 4 --stride 8 --lr 0.001 ${THREADS:+--threads "$THREADS"} --checkpoint "$work/checkpoint-augment" --resume --out "$work/models/augment"

# Test renderings: every level, and the dynamic schedule.
mkdir -p "$work/levels"
for ladder in qp brightness; do
  /usr/bin/python3 -c "
import json,sys
for l in json.load(open('configs/ladders/$ladder.json'))['levels']:
    print(l['name'], ' '.join(f'--{k} {v}' for k, v in l.items() if k != 'name'))" |
  while read -r name args; do
    [ -f "$work/levels/$name.mp4" ] || $gearnn distort --quiet "$work/test.mkv" --out "$work/levels/$name.mp4" $args
  done
done
[ -f "$work/levels/dynamic.mp4" ] || $gearnn distort --quiet "$work/test.mkv" --out "$work/levels/dynamic.mp4" \
  --schedule configs/schedules/real-dynamic.json

/usr/bin/python3 - "$gearnn" "$work" <<'PY'
import json, os, sys
sys.path.insert(0, "scripts")
from bench_runs import built, run
gearnn, work = sys.argv[1:3]
levels = [(lad, l["name"]) for lad in ("qp", "brightness") for l in json.load(open(f"configs/ladders/{lad}.json"))["levels"]]
for model in os.environ["models"].split():
    m = f"data/models/{model}"
    # The reference: the model's own masks on the pristine test frames.
    ref = run(gearnn, f"{work}/test.mkv", m, f"{work}/runs/{model}/pristine", masks="ids")["_dir"]
    methods = {"none": (m, None), "shipped": (m, f"{m}/gears/{{ladder}}")}
    for v in os.environ["bn_modes"].split():
        v = v.replace(":", "-")
        methods[f"lf-{v}"] = (m, f"{work}/gears-{model}-lf-{v}-{{ladder}}")
    if model == "street":
        methods["augment"] = (f"{work}/models/augment", None)
    print(f"\n{model}: agreement with its own prediction on the pristine test frames (frames 495-794 of vtest.avi)")
    print("| level | " + " | ".join(methods) + " |")
    print("|---|" + "---|" * len(methods))
    rows = [(lad, name, f"{work}/levels/{name}.mp4") for lad, name in levels]
    rows.append(("combined", "dynamic", f"{work}/levels/dynamic.mp4"))
    means = {k: [] for k in methods}
    for ladder, name, video in rows:
        cells = []
        for k, (mm, g) in methods.items():
            g = g.format(ladder=ladder) if g else None
            if not built(mm, g):
                cells.append("n/a"); continue
            a = run(gearnn, video, mm, f"{work}/runs/{model}/{name}/{k}", g, reference=ref)["agreement"]["agreement"]
            if name != "dynamic": means[k].append(a)
            cells.append(f"{a:.4f}")
        print(f"| {name} | " + " | ".join(cells) + " |")
    print("| **mean over levels** | " + " | ".join(f"**{sum(v) / len(v):.4f}**" if len(v) == len(levels) else "n/a"
                                           for v in means.values()) + " |")
PY
