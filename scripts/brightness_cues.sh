#!/usr/bin/env bash
# How well per-frame statistics tell a frame's brightness level, on held-out
# clips: calibrates each candidate cue on the training renderings of both
# ladders (as fit-gears calibrates gear ranges) and counts matches on the
# held-out level renderings and dynamic clips of scripts/bench_gears.sh.
# Usage: scripts/brightness_cues.sh   (after scripts/train_default.sh and scripts/bench_gears.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
gearnn=build/gearnn
cache=build/train-default/cache
bench=${1:-build/bench-gears}
work=build/brightness-cues
mkdir -p "$work/probe"
probe() {  # VIDEO -> probe file, measured once
  local out="$work/probe/$(echo "$1" | tr / _).jsonl"
  [ -f "$out" ] || $gearnn probe "$1" --out "$out" > /dev/null
  echo "$out"
}
: > "$work/calibration.list"
for v in "$cache"/*.mp4; do echo "train $(probe "$v") $v.schedule.json" >> "$work/calibration.list"; done
: > "$work/evaluation.list"
for v in "$bench"/levels/test-*-b*.mp4 "$bench"/levels/test-*-qp*.mp4; do
  echo "held-out-levels $(probe "$v") $v.schedule.json" >> "$work/evaluation.list"
done
for v in "$bench"/dyn-*-abr.mp4; do echo "dynamic-abr $(probe "$v") $v.schedule.json" >> "$work/evaluation.list"; done
for v in "$bench"/dyn-*-tunnel.mp4; do echo "dynamic-tunnel $(probe "$v") $v.schedule.json" >> "$work/evaluation.list"; done
/usr/bin/python3 scripts/brightness_cues.py "$work/calibration.list" "$work/evaluation.list"
