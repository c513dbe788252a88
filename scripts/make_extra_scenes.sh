#!/usr/bin/env bash
# Eight more labelled training scenes (seeds 5000-5007, 100 frames each, used
# nowhere else) in WORK/wSEED, and WORK/scenes16.json: them and the 8 training
# clips of scripts/train_default.sh (TRAIN_DIR), 16 scenes. Made once.
# Usage: scripts/make_extra_scenes.sh GEARNN TRAIN_DIR WORK
set -euo pipefail
gearnn=$1 train=$2 work=$3
for seed in $(seq 5000 5007); do
  [ -f "$work/w$seed/meta.json" ] || "$gearnn" synth --quiet --out "$work/w$seed" --frames 100 --seed "$seed"
done
/usr/bin/python3 -c '
import json, os, sys
train, work = sys.argv[1:3]
clips = [f"{train}/{c}" for c in json.load(open(f"{train}/train.json"))["clips"]]
clips += [f"{work}/w{s}" for s in range(5000, 5008)]
json.dump({"clips": [os.path.abspath(c) for c in clips]}, open(f"{work}/scenes16.json.tmp", "w"))' "$train" "$work"
mv "$work/scenes16.json.tmp" "$work/scenes16.json"
