#!/usr/bin/env bash
# Builds data/models/street-joint: joint gear-aware training (`train --mode
# gears`) of the shipped clean model data/models/street with a gear per level
# of both ladders, at the budget of the augment baseline (4 epochs over every
# 4th frame at every level, lr 0.001: the command bench_gears.sh measures as
# joint+gears), each level's gear holding the tensors of street's shipped gear
# for that level. Then each gear is fitted 8 more epochs on its own level
# (`fit-gears --start`, lr 0.003 on every 4th frame: the fitting budget of
# street-robust's gears; bench_gears.sh's joint+refine). Then rendition gears
# on the joint network (not trained jointly: Fisher sensitivity, 0.2% per gear,
# fit-gears as scripts/train_default.sh fits every set), and
# scripts/combine_sets.sh joins the sets (combined, abr, all). Last, the
# brightness gears are fitted again at QP 34 and 46 (fit-gears --start, the same
# recipe) and `cell-gears` makes `cells`: the all set with a brightness gear
# per (brightness, QP) cell, the shipped default.
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
for ladder in qp brightness; do
  # A set already refined (it records its start) is left as it is.
  from=$(/usr/bin/python3 -c 'import json, sys; print(json.load(open(sys.argv[1])).get("start") or "")' \
    "$out/gears/$ladder/gears.json")
  case $from in *joint-start-$ladder) continue ;; esac
  # The joint sets are kept as the start; a refit reuses levels an interrupted run finished.
  [ -d "$work/joint-start-$ladder" ] || cp -r "$out/gears/$ladder" "$work/joint-start-$ladder"
  [ -f "$work/joint-refined-$ladder/gears.json" ] ||
    $gearnn fit-gears --model "$out" --dataset "$work/train.json" --val "$work/val.json" \
      --ladder "configs/ladders/$ladder.json" --cache "$work/cache" --stride 4 --epochs 8 --lr 0.003 \
      --start "$work/joint-start-$ladder" --out "$work/joint-refined-$ladder"
  rm -rf "$out/gears/$ladder" && cp -r "$work/joint-refined-$ladder" "$out/gears/$ladder"
  rm -f "$out/gears/$ladder"/.*.done.json
done
if [ ! -f "$out/gears/resolution/gears.json" ]; then
  common=(--model "$out" --dataset "$work/train.json" --ladder configs/ladders/resolution.json --cache "$work/cache"
          --stride 4)
  [ -f "$work/joint-sensitivity-resolution.json" ] ||
    $gearnn sensitivity "${common[@]}" --method fisher --out "$work/joint-sensitivity-resolution.json"
  [ -f "$work/joint-selection-resolution.json" ] ||
    $gearnn select --scores "$work/joint-sensitivity-resolution.json" --budget 0.2% \
      --out "$work/joint-selection-resolution.json"
  $gearnn fit-gears "${common[@]}" --val "$work/val.json" --selection "$work/joint-selection-resolution.json" \
    --epochs 8 --lr 0.003 --out "$out/gears/resolution.tmp"
  rm -rf "$out/gears/resolution" && mv "$out/gears/resolution.tmp" "$out/gears/resolution"
  rm -f "$out/gears/resolution"/.*.done.json
fi
# Sets for streams with more than one distortion (combined, abr, all).
GEARNN=$gearnn scripts/combine_sets.sh "$out" "$work"
# The brightness gears fitted again on the brightness ladder at QP 34 and 46, from
# their QP 22 values, and the all set with its brightness gears as (brightness, QP) cells.
for q in 34 46; do
  [ -f "$out/gears/brightness-qp$q/gears.json" ] && continue
  $gearnn fit-gears --model "$out" --dataset "$work/train.json" --val "$work/val.json" \
    --ladder "configs/ladders/brightness-qp$q.json" --cache "$work/cache" --stride 4 --epochs 8 --lr 0.003 \
    --start "$out/gears/brightness" --out "$out/gears/brightness-qp$q.tmp"
  rm -rf "$out/gears/brightness-qp$q" && mv "$out/gears/brightness-qp$q.tmp" "$out/gears/brightness-qp$q"
  rm -f "$out/gears/brightness-qp$q"/.*.done.json
done
rm -rf "$out/gears/cells"
$gearnn cell-gears "$out/gears/all" --add "$out/gears/brightness-qp34,$out/gears/brightness-qp46" --on qp \
  --out "$out/gears/cells"
echo "train_joint: done in $(( $(date +%s) - start )) s"
