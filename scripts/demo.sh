#!/usr/bin/env bash
# The main job on shipped data: segments the shipped dynamic-distortion clip
# with the shipped model, without gears and with each shipped gear set, and
# prints the mIoU of each. Outputs go to out/demo/. (Run scripts/setup.sh first.)
set -euo pipefail
cd "$(dirname "$0")/.."
gearnn=build/gearnn
model=data/models/street
clip=data/samples/street-dynamic
out=out/demo
mkdir -p "$out"
miou() { /usr/bin/python3 -c "import json,sys; m=json.load(open(sys.argv[1]))['metrics']; print(f\"mIoU {m['miou']:.4f} (mean of frames {m['mean_frame_miou']:.4f})\")" "$1"; }

$gearnn run "$clip/video.mp4" --model "$model" --gt "$clip/labels" --out "$out/no-gears" --masks color --quiet
printf '%-24s %s\n' "without gears:" "$(miou "$out/no-gears/report.json")"
for gears in "$model"/gears/*/; do
  [ -f "$gears/gears.json" ] || continue
  name=$(basename "$gears")
  $gearnn run "$clip/video.mp4" --model "$model" --gears "$gears" --gt "$clip/labels" --out "$out/gears-$name" \
    --masks color --quiet
  printf '%-24s %s\n' "with $name gears:" "$(miou "$out/gears-$name/report.json")"
done
echo "masks, per-frame records and reports: $out/"
