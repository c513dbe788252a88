#!/usr/bin/env bash
# Builds data/models/street-robust: GearNN on a robust shared network.
#  1. The shipped clean model data/models/street, fine-tuned on a mixture of
#     every level of both ladders (4 epochs, every 4th frame, lr 0.001: the
#     `augment` baseline of scripts/bench_gears.sh).
#  2. On top of it, one gear set per ladder exactly as train_default.sh makes
#     them (Fisher scores, 0.2% of the weights per gear, 8 epochs at lr 0.003).
#  3. `combine-gears` joins them into sets for streams where brightness changes
#     together with QP (combined) or with the ABR rendition (abr).
# Finished steps are kept, so an interrupted run resumes.
# Usage: scripts/train_robust.sh [WORK_DIR]   (after scripts/train_default.sh, same WORK_DIR)
set -euo pipefail
cd "$(dirname "$0")/.."
gearnn=${GEARNN:-build/gearnn}
work=${1:-build/train-default}
base=data/models/street
out=data/models/street-robust
ladders=configs/ladders/qp.json,configs/ladders/brightness.json
start=$(date +%s)

if [ ! -f "$out/model.json" ]; then
  $gearnn train --init "$base" --mode augment --dataset "$work/train.json" --val "$work/val.json" \
    --ladder "$ladders" --cache "$work/cache" --epochs 4 --stride 4 --lr 0.001 \
    --checkpoint "$work/checkpoint-robust" --resume --out "$out"
  echo "train_robust: augment fine-tune done in $(( $(date +%s) - start )) s"
fi

for ladder in ${LADDERS:-qp brightness resolution}; do
  t=$(date +%s)
  common=(--model "$out" --dataset "$work/train.json" --ladder "configs/ladders/$ladder.json" --cache "$work/cache"
          --stride 4)
  [ -f "$work/robust-sensitivity-$ladder.json" ] ||
    $gearnn sensitivity "${common[@]}" --method fisher --out "$work/robust-sensitivity-$ladder.json"
  [ -f "$work/robust-selection-$ladder.json" ] ||
    $gearnn select --scores "$work/robust-sensitivity-$ladder.json" --budget 0.2% --out "$work/robust-selection-$ladder.json"
  # fit-gears reuses levels finished by an interrupted run (OUT/.LEVEL.done.json).
  $gearnn fit-gears "${common[@]}" --val "$work/val.json" --selection "$work/robust-selection-$ladder.json" \
    --epochs 8 --lr 0.003 --out "$out/gears/$ladder"
  echo "train_robust: $ladder gears done in $(( $(date +%s) - t )) s"
done
# Sets for streams with more than one distortion (combined, abr, all).
GEARNN=$gearnn scripts/combine_sets.sh "$out" "$work"
echo "train_robust: all done in $(( $(date +%s) - start )) s"
