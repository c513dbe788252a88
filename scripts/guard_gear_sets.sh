#!/usr/bin/env bash
# Applies fit-gears' neighbour guard (--guard neighbours, the default since the
# sets below were fitted) to existing gear sets, keeping everything else of
# them: each set's gears are re-validated as they are (`fit-gears --start SET
# --epochs 0`: same tensors, same ranges), and the gears the guard drops (one
# that gains less on its level than it loses on a neighbouring level, and the
# undistorted level's) become "file": null in the set's own gears.json, with the
# check recorded for every gear. Then the combined sets are made again.
# Usage: scripts/guard_gear_sets.sh [TRAIN_WORK]   (default build/train-default,
#   after scripts/train_default.sh; MODELS="street street-robust street-joint":
#   names under data/models, or model directories)
set -euo pipefail
cd "$(dirname "$0")/.."
gearnn=${GEARNN:-build/gearnn}
work=${1:-build/train-default}
for name in ${MODELS:-street street-robust street-joint}; do
  model=data/models/$name
  case $name in */*) model=$name ;; esac
  for ladder in qp brightness resolution; do
    set=$model/gears/$ladder
    [ -f "$set/gears.json" ] || continue
    tmp=$work/guard-$(echo "$name" | tr / _)-$ladder
    rm -rf "$tmp"
    $gearnn fit-gears --model "$model" --dataset "$work/train.json" --val "$work/val.json" \
      --ladder "configs/ladders/$ladder.json" --cache "$work/cache" --stride 4 --epochs 0 --start "$set" \
      --out "$tmp" --quiet
    /usr/bin/python3 - "$set" "$tmp" <<'PY'
import json, os, sys
set_dir, checked_dir = sys.argv[1:3]
path = f"{set_dir}/gears.json"
original, checked = json.load(open(path)), json.load(open(f"{checked_dir}/gears.json"))
by_name = {g["name"]: g for g in checked["gears"]}
for g in original["gears"]:
    c = by_name[g["name"]]
    for key in ("neighbour_check", "undistorted_level"):
        if key in c:
            g[key] = c[key]
    if c["file"] is None and g["file"] is not None:  # dropped by the guard
        os.remove(f"{set_dir}/{g['file']}")
        g.update(file=None, kept_base=True, val_miou=g["base_val_miou"], bytes=0, share=0.0)
        print(f"{path}: {g['name']} dropped")
original["guard"] = "neighbours"
original["gear_bytes"] = sum(g["bytes"] for g in original["gears"])
original["overhead"] = original["gear_bytes"] / original["model_bytes"]
with open(path + ".tmp", "w") as f:
    json.dump(original, f, indent=2)
os.replace(path + ".tmp", path)
PY
  done
  for pair in "combined qp" "abr resolution"; do
    set -- $pair
    [ -f "$model/gears/$1/gears.json" ] && [ -f "$model/gears/$2/gears.json" ] || continue
    rm -rf "$model/gears/$1.tmp"
    $gearnn combine-gears "$model/gears/brightness" "$model/gears/$2" --out "$model/gears/$1.tmp"
    rm -rf "$model/gears/$1" && mv "$model/gears/$1.tmp" "$model/gears/$1"
  done
done
