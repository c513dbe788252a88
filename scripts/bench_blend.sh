#!/usr/bin/env bash
# Gears between levels: held-out clips (seeds 1001-1003, 60 frames) re-encoded at
# QPs that are not levels of the shipped QP ladder (26, 33, 45: between 24/28,
# 31/34, 43/47; LADDER=brightness: brightness factors 0.37, 0.55, 1.65 at QP 22,
# between 0.30/0.45, 0.45/0.65, 1.40/1.90), segmented by the shipped `street` model with
#   none     no gears
#   nearest  its shipped QP gears, the nearest level's gear (as `gearnn run` does)
#   blend    the same gears mixed between the two neighbouring levels (--blend 8)
#   fitted   gears fitted AT those QPs with the shipped set's recipe (Fisher
#            sensitivity, 0.2% per tensor, fit-gears 8 epochs lr 0.003 on
#            scripts/train_default.sh's labelled clips)
#   shared, blend-shared (QP only)
#            a QP set fitted on the shipped ladder with the same recipe but one
#            selection for every level (`select --mode shared`), nearest gear and
#            blended: with the same tensors in every gear, a blend interpolates
#            each tensor between two fitted values, never towards the base
#   nearest-refit, blend-refit
#            the shipped ladder's levels either side of each QP fitted again with the
#            same recipe in the same run as `fitted`, nearest gear and blended: the
#            blend against `fitted` with the fits' run-to-run differences left out
#   fitted-nsel, nearest-nsel, blend-nsel
#            as fitted, nearest-refit and blend-refit with fit-gears
#            --neighbour-selections (each gear also fitted on its adjacent levels'
#            selections, the best on validation kept); fitted-nsel's ladder holds
#            the QPs and their neighbours, so each in-between gear has the same choice
# Prints mIoU per QP (confusion matrices summed over the clips) and blend - fitted
# in points (target: within 0.5). Finished steps are kept: a rerun resumes.
# Usage: [LADDER=brightness] [QPS=... | FACTORS=...] scripts/bench_blend.sh [WORK_DIR]   (after scripts/setup.sh and the clips
#   of scripts/train_default.sh in build/train-default; THREADS=N for the fits)
set -euo pipefail
cd "$(dirname "$0")/.."
gearnn=${GEARNN:-build/gearnn}
model=data/models/street
train=build/train-default
work=${1:-build/bench-blend}
ladder=${LADDER:-qp}  # qp, or brightness (factors between its levels, at its QP 22)
case $ladder in
  qp) values=${QPS:-26 33 45}; key=qp; prefix=qp; fixed=""; distort="--qp" ;;
  brightness) values=${FACTORS:-0.37 0.55 1.65}; key=brightness; prefix=b; fixed=', "qp": 22'
    distort="--qp 22 --brightness" ;;
  *) echo "bench_blend: LADDER must be qp or brightness" >&2; exit 2 ;;
esac
mkdir -p "$work"
[ -f "$train/train.json" ] || { echo "bench_blend: run scripts/train_default.sh first ($train/train.json missing)" >&2; exit 1; }
scripts/make_heldout_clips.sh "$gearnn" "$work"
# A gear set fitted with the shipped recipe: fit_set LADDER DIR [--mode shared] [fit-gears options]
# (Fisher sensitivity, 0.2% per gear, fit-gears 8 epochs lr 0.003; DIR/gears-fitted, kept once made).
# The ladders of a few in-between or neighbouring levels are fitted with --guard none: the neighbour guard
# compares a gear with the ladder's next levels, which on such a ladder can be far apart (0.55 next to 1.65)
# and are not where a misread frame comes from; it would drop gears and leave the base in their place.
fit_set() {
  local ladder=$1 dir=$2; shift 2
  local select_opts=() fit_opts=()
  while [ $# -gt 0 ]; do
    case $1 in --mode) select_opts+=("$1" "$2"); shift 2 ;; *) fit_opts+=("$1"); shift ;; esac
  done
  local common=(--model "$model" --dataset "$train/train.json" --ladder "$ladder" --cache "$train/cache" --stride 4
                ${THREADS:+--threads "$THREADS"})
  mkdir -p "$dir"
  [ -f "$dir/sensitivity.json" ] || $gearnn sensitivity "${common[@]}" --method fisher --out "$dir/sensitivity.json"
  [ -f "$dir/selection.json" ] ||
    $gearnn select --scores "$dir/sensitivity.json" --budget 0.2% --units tensors ${select_opts[@]+"${select_opts[@]}"} \
      --out "$dir/selection.json"
  if [ ! -f "$dir/gears-fitted/gears.json" ]; then
    $gearnn fit-gears "${common[@]}" --val "$train/val.json" --selection "$dir/selection.json" --epochs 8 --lr 0.003 \
      ${fit_opts[@]+"${fit_opts[@]}"} --out "$dir/gears-fitted.tmp"
    rm -rf "$dir/gears-fitted" && mv "$dir/gears-fitted.tmp" "$dir/gears-fitted"
  fi
}
ladder_of() {  # ladder_of FILE VALUE...: a ladder of those levels (the shipped ladder's feature and fixed settings)
  local file=$1; shift
  local levels; levels=$(for v in "$@"; do printf '{"name": "%s%s", "%s": %s%s},' "$prefix" "$v" "$key" "$v" "$fixed"; done)
  local feature; feature=$(/usr/bin/python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["feature"])' \
    "configs/ladders/$ladder.json")
  echo "{\"name\": \"$ladder-between\", \"feature\": \"$feature\", \"levels\": [${levels%,}]}" > "$file"
}
# The fits at the values asked for live in directories named by them, so other values never reuse them.
tag=$prefix$(echo $values | sed "s/ /-$prefix/g")
between=$work/between-$tag
mkdir -p "$between"
ladder_of "$between/ladder.json" $values
fit_set "$between/ladder.json" "$between" --guard none
# The shipped ladder's levels either side of each QP, fitted again with the same recipe in this run, so that
# blend-refit against fitted compares blending alone, not gears fitted by another build on another day.
neighbours=$work/neighbours-$tag
mkdir -p "$neighbours"
around=$(/usr/bin/python3 - "configs/ladders/$ladder.json" "$key" $values <<'PY'
import json, sys
key = sys.argv[2]
levels = sorted(l[key] for l in json.load(open(sys.argv[1]))["levels"])
out = set()
for v in map(float, sys.argv[3:]):
    out |= {max([l for l in levels if l <= v], default=levels[0]), min([l for l in levels if l >= v], default=levels[-1])}
print(" ".join(f"{l:.2f}" if key == "brightness" else str(l) for l in sorted(out)))
PY
)
ladder_of "$neighbours/ladder.json" $around
fit_set "$neighbours/ladder.json" "$neighbours" --guard none
# The same with each gear also fitted on its adjacent levels' selections, the best on validation kept
# (fit-gears --neighbour-selections): the neighbours' set for the blend, and the QPs with their neighbours
# for the gears fitted at the level (so that the QP 45 gear may take QP 43's or 47's tensors too).
nsel=$work/nsel-$tag
mkdir -p "$nsel/neighbours" "$nsel/around"
cp "$neighbours/ladder.json" "$nsel/neighbours/ladder.json"
ladder_of "$nsel/around/ladder.json" $(echo $values $around | tr ' ' '\n' | sort -n | uniq)
fit_set "$nsel/around/ladder.json" "$nsel/around" --neighbour-selections --guard none
fit_set "$nsel/neighbours/ladder.json" "$nsel/neighbours" --neighbour-selections --guard none
# The shared-selection set over the shipped ladder (same recipe, one selection for all levels).
[ "$ladder" = qp ] && fit_set configs/ladders/qp.json "$work/shared" --mode shared

/usr/bin/python3 - "$gearnn" "$model" "$work" "$values" "$between" "$neighbours" "$nsel" "$ladder" "$prefix" \
  "$distort" <<'PY'
import os, subprocess, sys
sys.path.insert(0, "scripts")
import bench_runs
from bench_runs import fmt, summed_miou
gearnn, model, work, values, between, neighbours, nsel, ladder, prefix = (sys.argv[1:4] + [sys.argv[4].split()]
                                                                         + sys.argv[5:10])
distort = sys.argv[10].split()  # the distort options before each value
methods = {"none": (None, ()), "nearest": (f"{model}/gears/{ladder}", ()),
           "blend": (f"{model}/gears/{ladder}", ("--blend", "8")), "fitted": (f"{between}/gears-fitted", ())}
if ladder == "qp":
    methods.update({"shared": (f"{work}/shared/gears-fitted", ()),
                    "blend-shared": (f"{work}/shared/gears-fitted", ("--blend", "8"))})
methods.update({
           "nearest-refit": (f"{neighbours}/gears-fitted", ()),
           "blend-refit": (f"{neighbours}/gears-fitted", ("--blend", "8")),
           "fitted-nsel": (f"{nsel}/around/gears-fitted", ()),
           "nearest-nsel": (f"{nsel}/neighbours/gears-fitted", ()),
           "blend-nsel": (f"{nsel}/neighbours/gears-fitted", ("--blend", "8"))})
diffs = {d: f for d, f in {"blend": "fitted", "blend-shared": "fitted", "blend-refit": "fitted",
                           "blend-nsel": "fitted-nsel"}.items() if d in methods}
print(f"| {ladder} | " + " | ".join(methods) + "".join(f" | {d} - {f}" for d, f in diffs.items()) + " |")
print("|---|" + "---|" * (len(methods) + len(diffs)))
for v in values:
    row = {}
    for name, (gears, extra) in methods.items():
        reports = []
        for seed in (1001, 1002, 1003):
            video = f"{work}/levels/test-{seed}-{prefix}{v}.mp4"
            if not os.path.exists(video):
                os.makedirs(f"{work}/levels", exist_ok=True)
                subprocess.run([gearnn, "distort", "--quiet", f"{work}/test-{seed}/video.mkv", "--out", video]
                               + distort + [v], check=True)
            reports.append(bench_runs.run(gearnn, video, model, f"{work}/runs/{prefix}{v}/{name}/{seed}", gears,
                                          labels=f"{work}/test-{seed}/labels", extra=extra))
        row[name] = summed_miou(reports)
    print(f"| {v} | " + " | ".join(fmt(x) for x in row.values())
          + "".join(f" | {100 * (row[d] - row[f]):+.2f}" for d, f in diffs.items()) + " |")
PY
