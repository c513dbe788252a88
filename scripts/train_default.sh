#!/usr/bin/env bash
# Reproduces the shipped default model data/models/street from nothing:
# synthetic labelled street clips (training and validation seeds disjoint from
# the held-out seeds used by benchmarks), then a StreetNet trained on clean frames.
# Usage: scripts/train_default.sh [WORK_DIR]   (run scripts/setup.sh first)
set -euo pipefail
cd "$(dirname "$0")/.."
gearnn=${GEARNN:-build/gearnn}
work=${1:-build/train-default}
out=data/models/street
epochs=${EPOCHS:-30}
mkdir -p "$work"
start=$(date +%s)

# Training seeds 1..8, validation seeds 101..102. Benchmarks hold out seeds >= 1000.
clips=()
for seed in 1 2 3 4 5 6 7 8; do
  [ -f "$work/train-$seed/meta.json" ] || $gearnn synth --quiet --out "$work/train-$seed" --frames 100 --seed "$seed"
  clips+=("\"train-$seed\"")
done
for seed in 101 102; do
  [ -f "$work/val-$seed/meta.json" ] || $gearnn synth --quiet --out "$work/val-$seed" --frames 60 --seed "$seed"
done
(IFS=,; echo "{\"clips\": [${clips[*]}]}") >"$work/train.json"
echo '{"clips": ["val-101", "val-102"]}' >"$work/val.json"

if [ ! -f "$out/model.json" ] || [ -n "${RETRAIN:-}" ]; then
  $gearnn train --dataset "$work/train.json" --val "$work/val.json" --out "$out" \
    --width 384 --height 224 --widths 32,64,128,256 --head 128 --epochs "$epochs" --batch 8 --lr 0.003 --stride 2 \
    --seed 1 --checkpoint "$work/checkpoint" --resume
  echo "train_default: base model done in $(( $(date +%s) - start )) s"
fi

# One gear set per ladder: Fisher sensitivity, selection under 0.2% of the weights per gear, fitting.
# LADDERS="resolution" refits only the sets named.
for ladder in ${LADDERS:-qp brightness resolution}; do
  t=$(date +%s)
  common=(--model "$out" --dataset "$work/train.json" --ladder "configs/ladders/$ladder.json" --cache "$work/cache"
          --stride 4)
  # Fisher scores chose better gears than the change score here (QP 47: +7.2 points against +2.1).
  [ -f "$work/sensitivity-$ladder.json" ] ||
    $gearnn sensitivity "${common[@]}" --method fisher --out "$work/sensitivity-$ladder.json"
  [ -f "$work/selection-$ladder.json" ] ||
    $gearnn select --scores "$work/sensitivity-$ladder.json" --budget 0.2% --out "$work/selection-$ladder.json"
  # fit-gears reuses levels finished by an interrupted run (OUT/.LEVEL.done.json).
  $gearnn fit-gears "${common[@]}" --val "$work/val.json" --selection "$work/selection-$ladder.json" --epochs 8 \
    --lr 0.003 \
    --out "$out/gears/$ladder.tmp"
  rm -rf "$out/gears/$ladder" && mv "$out/gears/$ladder.tmp" "$out/gears/$ladder"
  echo "train_default: $ladder gears done in $(( $(date +%s) - t )) s"
done
# Sets for streams with more than one distortion (combined, abr, all).
GEARNN=$gearnn scripts/combine_sets.sh "$out" "$work"
echo "train_default: all done in $(( $(date +%s) - start )) s"
