#!/usr/bin/env bash
# One of street's gear sets (LADDER=qp, the default, or brightness) fitted again
# with another recipe, against the shipped set and no gears. RECIPE is
#   nsel      (default) `fit-gears --neighbour-selections`: each level's gear also
#             fitted on its adjacent levels' selections, the best on validation kept
#   teacher   `--targets teacher --temperature 2 --bn-stats shift`: no labels; each
#             gear learns to give the model's own class probabilities on the pristine
#             frames, so it undoes the distortion rather than learning the fitting
#             clips' labels, with BatchNorm statistics shifted as the distortion shifts them
# Scored on:
#   every level   held-out clips (seeds 1001-1003) at each level of the ladder, and their mean
#   abr, tunnel   the held-out dynamic clips (seeds 1011-1012)
#   sample        the shipped sample (data/samples/street-dynamic)
# The set is fitted as the shipped set was (8 epochs, lr 0.003, the shipped gears'
# tensors as the selection) plus the recipe's options, in WORK/gears-RECIPE-LADDER
# (kept once made; a rerun resumes). Prints mIoU (confusion matrices summed over the clips).
# Usage: [LADDER=qp|brightness] [RECIPE=nsel|teacher] scripts/bench_refit.sh [WORK_DIR]   (after scripts/train_default.sh's
#   clips in build/train-default and scripts/bench_gears.sh's clips in build/bench-gears;
#   THREADS=N for the fit)
set -euo pipefail
cd "$(dirname "$0")/.."
gearnn=${GEARNN:-build/gearnn}
model=data/models/street
train=build/train-default
clips=build/bench-gears
work=${1:-build/bench-refit}
ladder=${LADDER:-qp}
recipe=${RECIPE:-nsel}
case $recipe in
  nsel) recipe_opts=(--neighbour-selections) ;;
  teacher) recipe_opts=(--targets teacher --temperature 2 --bn-stats shift) ;;
  *) echo "bench_refit: RECIPE must be nsel or teacher" >&2; exit 2 ;;
esac
refit=$work/gears-$recipe-$ladder
mkdir -p "$work"
[ -f "$train/train.json" ] || { echo "bench_refit: run scripts/train_default.sh first" >&2; exit 1; }
[ -f "$clips/dyn-1011-abr.mp4" ] || { echo "bench_refit: run scripts/bench_gears.sh first" >&2; exit 1; }
if [ ! -f "$refit/gears.json" ]; then
  $gearnn fit-gears --model "$model" --dataset "$train/train.json" --val "$train/val.json" \
    --ladder "configs/ladders/$ladder.json" --cache "$train/cache" --stride 4 ${THREADS:+--threads "$THREADS"} \
    --selection "$model/gears/$ladder/gears.json" --epochs 8 --lr 0.003 "${recipe_opts[@]}" --out "$refit.tmp"
  rm -rf "$refit" && mv "$refit.tmp" "$refit"
fi

/usr/bin/python3 - "$gearnn" "$model" "$work" "$clips" "$ladder" "$refit" "$recipe" <<'PY'
import json, os, sys
sys.path.insert(0, "scripts")
import bench_runs
from bench_runs import fmt
gearnn, model, work, clips, ladder, refit, recipe = sys.argv[1:8]
sets = {"none": None, "shipped": f"{model}/gears/{ladder}", recipe: refit}
levels = [level["name"] for level in json.load(open(f"configs/ladders/{ladder}.json"))["levels"]]

def score(videos, key):
    return bench_runs.score_sets(gearnn, model, sets, videos, f"{work}/runs/{key}")

print("| clip | " + " | ".join(sets) + f" | {recipe} - shipped |")
print("|---|" + "---|" * (len(sets) + 1))
def line(label, row):
    print(f"| {label} | " + " | ".join(fmt(v) for v in row.values()) + f" | {100 * (row[recipe] - row['shipped']):+.2f} |",
          flush=True)
scores = []
for name in levels:
    videos = [(f"{clips}/levels/test-{seed}-{name}.mp4", f"{clips}/test-{seed}/labels") for seed in (1001, 1002, 1003)]
    missing = [v for v, _ in videos if not os.path.exists(v)]
    if missing:
        sys.exit(f"bench_refit: {missing[0]} missing (scripts/bench_gears.sh makes the level clips)")
    scores.append(score(videos, f"{ladder}/{name}"))
    line(name, scores[-1])
line("mean of levels", {name: sum(r[name] for r in scores) / len(scores) for name in sets})
for sched in ("abr", "tunnel"):
    line(sched, score([(f"{clips}/dyn-{s}-{sched}.mp4", f"{clips}/dyn-{s}/labels") for s in (1011, 1012)],
                      f"{ladder}/{sched}"))
sample = "data/samples/street-dynamic"
line("sample", score([(f"{sample}/video.mp4", f"{sample}/labels")], f"{ladder}/sample"))
PY
