#!/usr/bin/env bash
# The held-out labelled clips of the gear benchmarks (seeds 1001-1003, never used
# in training, 60 frames each) in WORK/test-SEED, made once.
# Usage: scripts/make_heldout_clips.sh GEARNN WORK
set -euo pipefail
for seed in 1001 1002 1003; do
  [ -f "$2/test-$seed/meta.json" ] || "$1" synth --quiet --out "$2/test-$seed" --frames 60 --seed "$seed"
done
