#!/usr/bin/env bash
# Builds data/models/street-joint: joint gear-aware training (`train --mode
# gears`) of the shipped clean model data/models/street with a gear per level
# of both ladders, at the budget of the augment baseline (4 epochs over every
# 4th frame at every level, lr 0.001: the command bench_gears.sh measures as
# joint+gears), each level's gear holding the tensors of street's shipped gear
# for that level. Then `combine-gears` joins the brightness and QP sets.
# Resumes from its checkpoint when interrupted.
# Usage: scripts/train_joint.sh [WORK_DIR]   (after scripts/train_default.sh, same WORK_DIR)
set -euo pipefail
cd "$(dirname "$0")/.."
gearnn=${GEARNN:-build/gearnn}
work=${1:-build/train-default}
base=data/models/street
out=data/models/street-joint
start=$(date +%s)
if [ ! -f "$out/gears/brightness/gears.json" ]; then
  $gearnn train --init "$base" --mode gears --selection "$base/gears/qp,$base/gears/brightness" \
    --dataset "$work/train.json" --val "$work/val.json" \
    --ladder configs/ladders/qp.json,configs/ladders/brightness.json --cache "$work/cache" \
    --epochs 4 --stride 4 --lr 0.001 --checkpoint "$work/checkpoint-joint" --resume --out "$out"
fi
rm -rf "$out/gears/combined"
$gearnn combine-gears "$out/gears/brightness" "$out/gears/qp" --out "$out/gears/combined"
echo "train_joint: done in $(( $(date +%s) - start )) s"
