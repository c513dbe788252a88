#!/usr/bin/env bash
# Batch benchmark: the same manifest of H.264 clips run by `gearnn batch` with
# every thread plan that fits the machine (--jobs J x --threads cores/J), then
# a rerun that skips everything (the cost of checking keys), and the overhead
# of a batch item over a bare `gearnn run` of the same clip.
# Usage: scripts/bench_batch.sh [ITEMS [FRAMES]]   (run scripts/setup.sh first)
set -euo pipefail
cd "$(dirname "$0")/.."
gearnn=$PWD/build/gearnn
model=$PWD/data/models/street
items=${1:-6}
frames=${2:-40}
cores=$(nproc)
work=$(mktemp -d /tmp/gearnn-bench-batch.XXXXXX)
trap 'rm -rf "$work"' EXIT
now() { date +%s.%N; }
calc() { awk "BEGIN { print $1 }"; }

echo "making $items clips of $frames frames, 640x360, libx264 QP 30"
for i in $(seq 0 $((items - 1))); do
  $gearnn synth --quiet --out "$work/c$i" --frames "$frames" --width 640 --height 360 --seed $((31 + i))
  $gearnn distort --quiet "$work/c$i/video.mkv" --out "$work/c$i/video.mp4" --qp 30
  echo "{\"id\": \"c$i\", \"input\": \"c$i/video.mp4\"}" >>"$work/manifest.jsonl"
done

t=$(now)
$gearnn run "$work/c0/video.mp4" --model "$model" --out "$work/bare" --masks none --quiet --threads "$cores"
bare=$(calc "$(now) - $t")
printf 'bare gearnn run of one item: %.2f s\n' "$bare"

for jobs in $(seq 1 "$cores"); do
  rm -rf "$work/out"
  t=$(now)
  $gearnn batch "$work/manifest.jsonl" --out "$work/out" --model "$model" --masks none --jobs "$jobs" --quiet
  secs=$(calc "$(now) - $t")
  printf 'batch --jobs %d (x %d threads): %.2f s, %.1f frames/s, %.2f s per item\n' "$jobs" $((cores / jobs)) \
    "$secs" "$(calc "$items * $frames / $secs")" "$(calc "$secs / $items")"
  [ "$jobs" -eq 1 ] && one=$secs
done
printf 'per-item overhead of batch over a bare run (jobs 1): %+.2f s (%.1f%%)\n' \
  "$(calc "$one / $items - $bare")" "$(calc "100 * ($one / $items - $bare) / $bare")"
t=$(now)
$gearnn batch "$work/manifest.jsonl" --out "$work/out" --model "$model" --masks none --quiet
printf 'rerun, all %d items skipped (keys checked): %.2f s\n' "$items" "$(calc "$(now) - $t")"
