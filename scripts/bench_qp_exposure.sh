#!/usr/bin/env bash
# street's QP gears per exposure. How much compression harms a scene depends on
# its exposure: at one QP, bright scenes lose less, and a QP gear fitted on the
# training clips at their own exposure corrects bright frames for harm they do
# not have. Here the QP ladder is fitted again at brightness 1.4
# (configs/ladders/qp-b1.40.json; the shipped QP gears' tensors and recipe:
# 8 epochs, lr 0.003, stride 4) and `cell-gears --on luma --setting brightness`
# makes each QP gear two cells: the shipped gear (fitted at 1.0) below the luma
# where street's brightness set passes from its x1.00 level to its x1.40 one
# (half-way between their measured medians), the gear fitted at 1.4 above.
# Scored, summed mIoU over the clips, for
#   none       no gears
#   qp         street's shipped QP set
#   qp-b1.40   the QP ladder fitted at brightness 1.4, alone
#   cells      the two as cells on luma
# on held-out clips (seeds 1001-1003) at QP 24, 34, 43, 47 and 51 with brightness
# 1.0 and 1.4, the held-out dynamic clips (seeds 1011-1012) and the shipped
# sample. Finished steps are kept: a rerun resumes.
# BN_STATS=keep|shift fits the set at 1.4 with `--bn-stats` (default: re-estimated, as
# the shipped set), in WORK/qp-b1.40-MODE. CLIPS=val scores the levels on the fits'
# validation clips (scripts/train_default.sh's val-101 and val-102) instead, and no
# dynamic clip: where a variant may be chosen without looking at held-out clips.
# Usage: [BN_STATS=MODE] scripts/bench_qp_exposure.sh [WORK_DIR]   (after scripts/train_default.sh's clips
#   in build/train-default and scripts/bench_gears.sh's clips in build/bench-gears; THREADS=N
#   for the fit)
set -euo pipefail
cd "$(dirname "$0")/.."
gearnn=${GEARNN:-build/gearnn}
model=data/models/street
train=build/train-default
clips=build/bench-gears
work=${1:-build/bench-qp-exposure}
mkdir -p "$work"
[ -f "$train/train.json" ] || { echo "bench_qp_exposure: run scripts/train_default.sh first" >&2; exit 1; }
[ -f "$clips/dyn-1011-abr.mp4" ] || { echo "bench_qp_exposure: run scripts/bench_gears.sh first" >&2; exit 1; }
clip_set=${CLIPS:-heldout}
case $clip_set in
  heldout) scripts/make_heldout_clips.sh "$gearnn" "$work"; level_clips="$work/test-1001 $work/test-1002 $work/test-1003" ;;
  val) level_clips="$train/val-101 $train/val-102" ;;
  *) echo "bench_qp_exposure: CLIPS must be heldout or val" >&2; exit 2 ;;
esac

bn_stats=${BN_STATS:-}
bright=$work/qp-b1.40${bn_stats:+-$bn_stats}
cells=$work/cells${bn_stats:+-$bn_stats}
if [ ! -f "$bright/gears.json" ]; then
  $gearnn fit-gears --model "$model" --dataset "$train/train.json" --val "$train/val.json" \
    --ladder configs/ladders/qp-b1.40.json --cache "$train/cache" --stride 4 ${THREADS:+--threads "$THREADS"} \
    --selection "$model/gears/qp/gears.json" --epochs 8 --lr 0.003 ${bn_stats:+--bn-stats "$bn_stats"} --out "$bright.tmp"
  rm -rf "$bright" && mv "$bright.tmp" "$bright"
fi
# The luma where street's brightness set's x1.40 level begins (its range is cut half-way
# between the measured medians of the x1.00 and x1.40 renderings).
cut=$(/usr/bin/python3 -c '
import json, sys
gears = json.load(open(sys.argv[1]))["gears"]
print(next(g["when"]["luma"][0] for g in gears if g["settings"].get("brightness") == 1.4))' "$model/gears/brightness/gears.json")
rm -rf "$cells"
$gearnn cell-gears "$model/gears/qp" --add "$bright" --on luma --setting brightness --cuts "$cut" --out "$cells"

/usr/bin/python3 - "$gearnn" "$model" "$work" "$clips" "$bright" "$cells" "$level_clips" "$clip_set" <<'PY'
import os, subprocess, sys
sys.path.insert(0, "scripts")
import bench_runs
gearnn, model, work, clips, bright, cells = sys.argv[1:7]
level_clips, clip_set = sys.argv[7].split(), sys.argv[8]
sets = {"none": None, "qp": f"{model}/gears/qp", "qp-b1.40": bright, "cells": cells}

def score(videos, key):
    return bench_runs.score_sets(gearnn, model, sets, videos, f"{work}/runs/{key}")

line = bench_runs.table(sets, [("cells", "qp"), ("cells", "none")])
rows = []
for brightness in ("1.00", "1.40"):
    for qp in (24, 34, 43, 47, 51):
        videos = []
        for clip in level_clips:
            video = f"{work}/levels/{os.path.basename(clip)}-qp{qp}-b{brightness}.mp4"
            if not os.path.exists(video):
                os.makedirs(f"{work}/levels", exist_ok=True)
                subprocess.run([gearnn, "distort", "--quiet", f"{clip}/video.mkv", "--out", video,
                                "--qp", str(qp), "--brightness", brightness], check=True)
            videos.append((video, f"{clip}/labels"))
        val = "" if clip_set == "heldout" else "val/"
        rows.append(score(videos, f"{val}qp{qp}-b{brightness}"))
        line(f"QP {qp}, x{brightness}", rows[-1])
line("mean of these", {name: sum(r[name] for r in rows) / len(rows) for name in sets})
if clip_set == "val":
    sys.exit(0)
for sched in ("abr", "tunnel"):
    line(sched, score([(f"{clips}/dyn-{s}-{sched}.mp4", f"{clips}/dyn-{s}/labels") for s in (1011, 1012)], sched))
sample = "data/samples/street-dynamic"
line("sample", score([(f"{sample}/video.mp4", f"{sample}/labels")], "sample"))
PY
