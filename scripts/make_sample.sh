#!/usr/bin/env bash
# Reproduces data/samples/street-dynamic: 60 frames of a held-out synthetic
# street (seed 1000) re-encoded through libx264 with QP and brightness changing
# every 1.5 s (configs/schedules/sample-dynamic.json), with its labels.
set -euo pipefail
cd "$(dirname "$0")/.."
gearnn=build/gearnn
out=data/samples/street-dynamic
tmp=$(mktemp -d /tmp/gearnn-sample.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
$gearnn synth --quiet --out "$tmp/clip" --frames 60 --width 640 --height 360 --seed 1000
rm -rf "$out" && mkdir -p "$out"
$gearnn distort --quiet "$tmp/clip/video.mkv" --out "$out/video.mp4" --schedule configs/schedules/sample-dynamic.json
cp -r "$tmp/clip/labels" "$out/labels"
cp "$tmp/clip/meta.json" "$out/meta.json"
du -sh "$out"
