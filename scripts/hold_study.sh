#!/usr/bin/env bash
# How `--hold K` (a new gear must match K frames in a row before it takes over)
# trades switching against delay, on scheduled clips whose true level changes
# every 2-3 s and on real encodes whose quality moves every frame.
# For each K prints switches per 100 frames and, on scheduled clips, the share
# of frames on their segment's gear (the gear K=1 gives most often inside each
# run of equal true settings). Decoding and features only: no model runs.
# Usage: scripts/hold_study.sh [WORK_DIR]   (after scripts/setup.sh; vtest.avi
# from scripts/install_footage.sh is used when installed)
set -euo pipefail
cd "$(dirname "$0")/.."
gearnn=${GEARNN:-build/gearnn}
work=${1:-build/hold-study}
model=data/models/street
mkdir -p "$work"
clips=()  # "NAME VIDEO GEARS [SCHEDULE]"

# The shipped sample (QP and brightness change every 2 s) with the joint set.
clips+=("sample data/samples/street-dynamic/video.mp4 $model/gears/combined data/samples/street-dynamic/video.mp4.schedule.json")
# Held-out synthetic clips (seeds never used in training), one per schedule.
for seed in 1011 1012; do
  [ -f "$work/dyn-$seed/meta.json" ] || $gearnn synth --quiet --out "$work/dyn-$seed" --frames 120 --seed "$seed"
  for sched in abr tunnel renditions; do
    ext=mp4; [ $sched = renditions ] && ext=ts
    v="$work/dyn-$seed-$sched.$ext"
    [ -f "$v" ] || $gearnn distort --quiet "$work/dyn-$seed/video.mkv" --out "$v" \
      --schedule "configs/schedules/dynamic-$sched.json"
    case $sched in abr) g=qp ;; tunnel) g=combined ;; renditions) g=resolution ;; esac
    [ -f "$model/gears/$g/gears.json" ] && clips+=("$sched-$seed $v $model/gears/$g $v.schedule.json")
  done
done
# Real encodes as a user has them: x264's defaults (B-frames, adaptive quantisation, mb-tree).
footage=/usr/share/doc/opencv-doc/examples/data/vtest.avi
if [ -f "$footage" ]; then
  for q in "crf 23" "crf 33" "qp 30"; do
    set -- $q
    v="$work/vtest-$1$2.mp4"
    [ -f "$v" ] || ffmpeg -nostdin -v error -y -i "$footage" -c:v libx264 -preset veryfast -"$1" "$2" "$v"
    clips+=("vtest-$1$2 $v $model/gears/qp")
  done
else
  echo "hold_study: $footage not installed (scripts/install_footage.sh): real encodes skipped" >&2
fi

holds="1 2 3 5 8"
for c in "${clips[@]}"; do
  set -- $c
  for k in $holds; do
    out="$work/probe/$1-hold$k.jsonl"
    mkdir -p "$work/probe"
    [ -f "$out" ] || $gearnn probe "$2" --gears "$3" --hold "$k" --out "$out" > /dev/null
  done
done
/usr/bin/python3 - "$work" "$holds" "${clips[@]}" <<'PY'
import json, sys
work, holds, clips = sys.argv[1], sys.argv[2].split(), [c.split() for c in sys.argv[3:]]
def gears(name, k):
    return [json.loads(l)["gear"] for l in open(f"{work}/probe/{name}-hold{k}.jsonl")]
print("| clip | frames | " + " | ".join(f"K={k} switches/100 | K={k} on segment gear" for k in holds) + " |")
print("|---|---|" + "---|---|" * len(holds))
for c in clips:
    name, schedule = c[0], (c[3] if len(c) > 3 else None)
    base = gears(name, 1)
    seg_gear = None
    if schedule:
        truth = json.load(open(schedule))["frames"]
        keys = [json.dumps({k: v for k, v in f.items() if k != "frame"}, sort_keys=True) for f in truth]
        runs, start = [], 0
        for i in range(1, len(keys) + 1):
            if i == len(keys) or keys[i] != keys[start]:
                runs.append((start, i)); start = i
        seg_gear = [None] * len(keys)
        for a, b in runs:
            seg = base[a:b]
            mode = max(set(seg), key=seg.count)
            for i in range(a, b): seg_gear[i] = mode
    cells = []
    for k in holds:
        g = gears(name, k)
        switches = sum(1 for a, b in zip(g, g[1:]) if a != b)
        cells.append(f"{100 * switches / len(g):.1f}")
        if seg_gear:
            n = min(len(g), len(seg_gear))
            cells.append(f"{100 * sum(g[i] == seg_gear[i] for i in range(n)) / n:.1f}%")
        else:
            cells.append("n/a")
    print(f"| {name} | {len(base)} | " + " | ".join(cells) + " |")
PY
