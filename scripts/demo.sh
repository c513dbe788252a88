#!/usr/bin/env bash
# The main job on shipped data: segments the shipped dynamic-distortion clip
# with each shipped model (street: trained on clean frames; street-robust: then
# fine-tuned on every distortion level; street-joint: trained jointly with its
# gears), without gears, with each of its gear sets, and with its all set
# (every ladder) and --check-neighbours 5 ("checked"); then the shipped baselines
# (data/models/baselines: augment and stability training, the same budget as
# street-robust) and the shipped
# default (data/models/default.json, what `gearnn run` uses without --model),
# and prints the mIoU of each. Outputs go to out/demo/.
# (Run scripts/setup.sh first.)
set -euo pipefail
cd "$(dirname "$0")/.."
gearnn=${GEARNN:-build/gearnn}
clip=data/samples/street-dynamic
out=out/demo
mkdir -p "$out"
miou() { /usr/bin/python3 -c "import json,sys; m=json.load(open(sys.argv[1]))['metrics']; print(f\"mIoU {m['miou']:.4f} (mean of frames {m['mean_frame_miou']:.4f})\")" "$1"; }

for model in data/models/street data/models/street-robust data/models/street-joint; do
  name=$(basename "$model")
  $gearnn run "$clip/video.mp4" --model "$model" --gt "$clip/labels" --out "$out/$name/no-gears" --masks color --quiet
  printf '%-44s %s\n' "$name without gears:" "$(miou "$out/$name/no-gears/report.json")"
  for gears in "$model"/gears/*/; do
    [ -f "$gears/gears.json" ] || continue
    set_name=$(basename "$gears")
    $gearnn run "$clip/video.mp4" --model "$model" --gears "$gears" --gt "$clip/labels" \
      --out "$out/$name/gears-$set_name" --masks color --quiet
    printf '%-44s %s\n' "$name with $set_name gears:" "$(miou "$out/$name/gears-$set_name/report.json")"
  done
  # The all set, each frame also tried with the adjacent levels' gears.
  $gearnn run "$clip/video.mp4" --model "$model" --gears "$model/gears/all" --check-neighbours 5 \
    --gt "$clip/labels" --out "$out/$name/gears-all-check" --masks color --quiet
  printf '%-44s %s\n' "$name with all gears, checked:" "$(miou "$out/$name/gears-all-check/report.json")"
done
for model in data/models/baselines/*/; do
  name=baselines-$(basename "$model")
  $gearnn run "$clip/video.mp4" --model "$model" --gt "$clip/labels" --out "$out/$name" --masks color --quiet
  printf '%-44s %s\n' "baseline $(basename "$model"):" "$(miou "$out/$name/report.json")"
done
# This repo's default (data/models/default.json), whichever binary GEARNN names.
GEARNN_DATA_DIR=${GEARNN_DATA_DIR:-$PWD/data} \
  $gearnn run "$clip/video.mp4" --gt "$clip/labels" --out "$out/default" --masks color --quiet
printf '%-44s %s\n' "shipped default (no --model):" "$(miou "$out/default/report.json")"
echo "masks, per-frame records and reports: $out/"
