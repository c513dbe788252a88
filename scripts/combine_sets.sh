#!/usr/bin/env bash
# Joins a model's per-ladder gear sets (gears/brightness, gears/qp,
# gears/resolution) into the sets that serve streams with more than one
# distortion:
#   combined  brightness gears where the frame is dark or bright, QP gears elsewhere
#   abr       brightness gears likewise, rendition gears elsewhere
#   all       brightness gears likewise; elsewhere rendition gears on renditions
#             smaller than full size and QP gears on full-size frames
# (`gearnn combine-gears`; the gear files are referenced, not copied.)
# Usage: scripts/combine_sets.sh MODEL_DIR WORK_DIR   (WORK_DIR keeps the
#   intermediate renditions-then-QP set that `all` records as its source)
set -euo pipefail
cd "$(dirname "$0")/.."
gearnn=${GEARNN:-build/gearnn}
model=$1
work=$2
g=$model/gears
name=$(basename "$model")
rm -rf "$g/combined" "$g/abr" "$g/all" "$work/$name-resolution-qp"
$gearnn combine-gears "$g/brightness" "$g/qp" --out "$g/combined"
$gearnn combine-gears "$g/brightness" "$g/resolution" --out "$g/abr"
# Full size is the renditions' undistorted level: there the QP gears take over.
$gearnn combine-gears "$g/resolution" "$g/qp" --neutral r1.00 --out "$work/$name-resolution-qp"
$gearnn combine-gears "$g/brightness" "$work/$name-resolution-qp" --out "$g/all"
