#!/usr/bin/env bash
# Label-free gears against labelled gears, measured with true labels.
# The shipped model data/models/street and its labelled gear sets (qp, brightness,
# combined) were fitted on scripts/train_default.sh's synthetic clips WITH their
# labels. Here the same steps (Fisher sensitivity, 0.2% selection, fit-gears, 8
# epochs) run on the same clips WITHOUT labels: --targets teacher (the model's own
# prediction on the pristine frames). Both are then scored against the true labels
# of held-out clips (seeds never used in training), per level of the QP and
# brightness ladders and on dynamic clips (QP, or QP and brightness, changing every
# 3 s). Prints mIoU per level for:
#   none         the model alone
#   labelled     its shipped gear sets
#   lf-MODE      label-free gear sets, one per BatchNorm statistics mode in BN_STATS
#                (shift: the distortion's shift relative to the pristine frames;
#                reestimate: re-estimated on the distorted frames; keep: the base's)
# and the share of the labelled gears' gain over none that each label-free set
# recovers (gains summed over levels; target >= 85%), and on the dynamic clips
# the difference to the labelled sets (target within 2 points).
# Finished steps are kept: an interrupted run resumes.
# Usage: scripts/bench_label_free.sh [WORK_DIR]   (after scripts/setup.sh and the
#   synthetic clips of scripts/train_default.sh in build/train-default)
#   BN_STATS="shift reestimate keep shift:t2" (default "shift"; MODE:tT fits with soft
#   targets at temperature T, --temperature T), LADDERS="qp brightness",
#   THREADS=N (LibTorch threads of the fits; default all cores).
set -euo pipefail
cd "$(dirname "$0")/.."
gearnn=${GEARNN:-build/gearnn}
model=data/models/street
train=build/train-default
work=${1:-build/bench-label-free}
bn_modes=${BN_STATS:-shift}
ladders=${LADDERS:-qp brightness}
mkdir -p "$work"
[ -f "$train/train.json" ] || { echo "bench_label_free: run scripts/train_default.sh first ($train/train.json missing)" >&2; exit 1; }

# Held-out clips: the seeds of scripts/bench_gears.sh.
for seed in 1001 1002 1003; do
  [ -f "$work/test-$seed/meta.json" ] || $gearnn synth --quiet --out "$work/test-$seed" --frames 60 --seed "$seed"
done
for seed in 1011 1012; do
  [ -f "$work/dyn-$seed/meta.json" ] || $gearnn synth --quiet --out "$work/dyn-$seed" --frames 120 --seed "$seed"
  for sched in abr tunnel; do
    [ -f "$work/dyn-$seed-$sched.mp4" ] || $gearnn distort --quiet "$work/dyn-$seed/video.mkv" \
      --out "$work/dyn-$seed-$sched.mp4" --schedule "configs/schedules/dynamic-$sched.json"
  done
done

# Label-free gear sets: the shipped sets' recipe with --targets teacher. The
# teacher's masks are cached beside the rendered levels in the training cache.
for ladder in $ladders; do
  common=(--model "$model" --dataset "$train/train.json" --ladder "configs/ladders/$ladder.json" --cache "$train/cache"
          --stride 4 --targets teacher ${THREADS:+--threads "$THREADS"})
  [ -f "$work/sensitivity-$ladder.json" ] ||
    $gearnn sensitivity "${common[@]}" --method fisher --out "$work/sensitivity-$ladder.json"
  [ -f "$work/selection-$ladder.json" ] ||
    $gearnn select --scores "$work/sensitivity-$ladder.json" --budget 0.2% --out "$work/selection-$ladder.json"
  for variant in $bn_modes; do
    out="$work/gears-${variant/:/-}-$ladder"
    [ -f "$out/gears.json" ] && continue
    soft=()
    case $variant in *:t*) soft=(--temperature "${variant#*:t}") ;; esac
    t=$(date +%s)
    $gearnn fit-gears "${common[@]}" --val "$train/val.json" --selection "$work/selection-$ladder.json" --epochs 8 \
      --lr 0.003 --bn-stats "${variant%%:*}" "${soft[@]}" --out "$out.tmp"
    rm -rf "$out" && mv "$out.tmp" "$out"
    echo "bench_label_free: $variant $ladder gears in $(( $(date +%s) - t )) s" >&2
  done
done
for variant in $bn_modes; do
  bn=${variant/:/-}
  out="$work/gears-$bn-combined"
  [ -f "$out/gears.json" ] || [ ! -f "$work/gears-$bn-brightness/gears.json" ] || [ ! -f "$work/gears-$bn-qp/gears.json" ] ||
    $gearnn combine-gears "$work/gears-$bn-brightness" "$work/gears-$bn-qp" --out "$out" 2>/dev/null ||
    $gearnn combine-gears "$work/gears-$bn-brightness" "$work/gears-$bn-qp" --neutral b1.00 --out "$out"
done

/usr/bin/python3 - "$gearnn" "$model" "$work" "$bn_modes" "$ladders" <<'PY'
import json, os, subprocess, sys
sys.path.insert(0, "scripts")
import bench_runs
from bench_runs import fmt, summed_miou
gearnn, model, work, ladders = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[5].split()
bn_modes = [v.replace(":", "-") for v in sys.argv[4].split()]
clips = [f"{work}/test-{s}" for s in (1001, 1002, 1003)]
def methods(ladder):
    m = {"none": None, "labelled": f"{model}/gears/{ladder}"}
    m.update({f"lf-{bn}": f"{work}/gears-{bn}-{ladder}" for bn in bn_modes})
    return m
def run(video, labels, g, out):
    return bench_runs.run(gearnn, video, model, out, g, labels=labels)
rows = {}
for ladder in ladders:
    for level in json.load(open(f"configs/ladders/{ladder}.json"))["levels"]:
        args = [a for k, v in level.items() if k != "name" for a in (f"--{k}", str(v))]
        row = {}
        for name, g in methods(ladder).items():
            if g and not os.path.exists(f"{g}/gears.json"):
                row[name] = None; continue
            reports = []
            for clip in clips:
                video = f"{work}/levels/{os.path.basename(clip)}-{level['name']}.mp4"
                if not os.path.exists(video):
                    os.makedirs(f"{work}/levels", exist_ok=True)
                    subprocess.run([gearnn, "distort", "--quiet", f"{clip}/video.mkv", "--out", video] + args, check=True)
                reports.append(run(video, f"{clip}/labels", g, f"{work}/runs/{level['name']}/{name}/{os.path.basename(clip)}"))
            row[name] = summed_miou(reports)
        rows[level["name"]] = row
names = list(next(iter(rows.values())).keys())
print("| level | " + " | ".join(names) + " |")
print("|---|" + "---|" * len(names))
for level, row in rows.items():
    print(f"| {level} | " + " | ".join(fmt(row[n]) for n in names) + " |")
def mean(n):
    v = [r[n] for r in rows.values()]
    return None if None in v else sum(v) / len(v)
print("| **mean** | " + " | ".join(f"**{fmt(mean(n))}**" for n in names) + " |")
gain_lab = sum(r["labelled"] - r["none"] for r in rows.values())
for n in names[2:]:
    if mean(n) is not None:
        gain = sum(r[n] - r["none"] for r in rows.values())
        worst = min(rows, key=lambda l: rows[l][n] - rows[l]["labelled"])
        print(f"{n}: gain over none {gain / len(rows):+.4f} a level, labelled {gain_lab / len(rows):+.4f}: "
              f"recovers {100 * gain / gain_lab:.1f}% of the labelled gain (target >= 85%); "
              f"furthest below labelled at {worst} ({rows[worst][n] - rows[worst]['labelled']:+.4f})")
json.dump(rows, open(f"{work}/levels.json", "w"), indent=1)
if set(ladders) >= {"qp", "brightness"}:
    print("\n| dynamic clip | " + " | ".join(names) + " |")
    print("|---|" + "---|" * len(names))
    for sched in ("abr", "tunnel"):
        row = {}
        for name, g in methods("combined").items():
            if g and not os.path.exists(f"{g}/gears.json"):
                row[name] = None; continue
            row[name] = summed_miou([run(f"{work}/dyn-{s}-{sched}.mp4", f"{work}/dyn-{s}/labels", g,
                                         f"{work}/runs/dyn-{sched}/{name}/{s}") for s in (1011, 1012)])
        print(f"| {sched} | " + " | ".join(fmt(row[n]) for n in names) + " |")
        for n in names[2:]:
            if row[n] is not None:
                print(f"  {sched}: {n} {100 * (row[n] - row['labelled']):+.2f} points against labelled (target within 2)")
    # What the combination does: the QP sets alone, and each label-free set
    # combined with the labelled combined set's neutral brightness gears.
    neutral = json.load(open(f"{model}/gears/combined/gears.json"))["combined"]["neutral"]
    extra = {"labelled-qp": f"{model}/gears/qp"}
    for bn in bn_modes:
        extra[f"lf-{bn}-qp"] = f"{work}/gears-{bn}-qp"
        out = f"{work}/gears-{bn}-combined-labelled-neutral"
        if os.path.exists(f"{work}/gears-{bn}-brightness/gears.json") and not os.path.exists(f"{out}/gears.json"):
            subprocess.run([gearnn, "combine-gears", f"{work}/gears-{bn}-brightness", f"{work}/gears-{bn}-qp",
                            "--neutral", *neutral, "--out", out], check=True, stdout=subprocess.DEVNULL)
        extra[f"lf-{bn}-combined-neutral-{'-'.join(neutral)}"] = out
    for name, g in extra.items():
        if os.path.exists(f"{g}/gears.json"):
            for sched in ("abr", "tunnel"):
                v = summed_miou([run(f"{work}/dyn-{s}-{sched}.mp4", f"{work}/dyn-{s}/labels", g,
                                     f"{work}/runs/extra/{sched}/{name}/{s}") for s in (1011, 1012)])
                print(f"  {sched}: {name} {fmt(v)}")
PY
