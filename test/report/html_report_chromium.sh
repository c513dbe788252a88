#!/usr/bin/env bash
# Renders `gearnn report` pages in headless Chromium: the screenshot must not be
# blank and must show the charts' colours, and the DOM must hold the charts and
# sample frames; also a batch page and a page comparing two runs.
# Usage: html_report_chromium.sh GEARNN FIXTURES SOURCE_DIR
# Exits 77 (skipped) when chromium is not installed (scripts/setup.sh installs it).
set -u
gearnn=$1
work=$2/scratch/html-chromium-$$
src=$3
if ! command -v chromium >/dev/null; then
  echo "chromium not installed: skipped"
  exit 77
fi
rm -rf "$work" && mkdir -p "$work"
trap 'rm -rf "$work"' EXIT
failures=0
check() {  # check DESCRIPTION command...
  local what=$1
  shift
  if "$@"; then echo "ok   $what"; else echo "FAIL $what"; failures=$((failures + 1)); fi
}

# A short run of the shipped model with gears, labels and masks, also scored
# against the same model's masks without gears; --html writes the page too.
clip=$src/data/samples/street-dynamic
"$gearnn" run "$clip/video.mp4" --model "$src/data/models/street" --max-frames 20 --quiet --out "$work/ref" || exit 1
"$gearnn" run "$clip/video.mp4" --model "$src/data/models/street" \
  --gears "$src/data/models/street/gears/brightness" --gt "$clip/labels" --reference "$work/ref" \
  --max-frames 20 --quiet --out "$work/run" --html "$work/run-page.html" || exit 1
"$gearnn" report "$work/run" --quiet || exit 1
check "gearnn report wrote DIR/report.html" test -s "$work/run/report.html"
check "run --html wrote the same page" cmp -s "$work/run/report.html" "$work/run-page.html"

browse() {  # browse HTML PNG DOM
  timeout 120 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
    --user-data-dir="$work/profile" --window-size=1280,3000 --screenshot="$2" "file://$1" >/dev/null 2>&1
  timeout 120 chromium --headless --no-sandbox --disable-gpu \
    --user-data-dir="$work/profile" --dump-dom "file://$1" >"$3" 2>/dev/null
}
browse "$work/run/report.html" "$work/run.png" "$work/run.dom"
check "screenshot written" test -s "$work/run.png"

# Pixels: ffmpeg decodes the PNG, numpy judges it.
size=$(ffprobe -v error -select_streams v:0 -show_entries stream=width,height -of csv=p=0:s=x "$work/run.png")
ffmpeg -loglevel error -y -i "$work/run.png" -f rawvideo -pix_fmt rgb24 "$work/run.rgb"
check "screenshot not blank, chart colours drawn ($size)" /usr/bin/python3 - "$work/run.rgb" "$size" <<'EOF'
import sys
import numpy as np
w, h = map(int, sys.argv[2].split("x"))
img = np.fromfile(sys.argv[1], dtype=np.uint8).reshape(h, w, 3).astype(int)
flat = img.reshape(-1, 3)
colours = len(np.unique(flat[:, 0] * 65536 + flat[:, 1] * 256 + flat[:, 2]))
background = np.all(np.abs(flat - flat[0]) <= 3, axis=1).mean()
std = img.mean(axis=2).std()
print(f"  {w}x{h}: {colours} distinct colours, std {std:.1f}, {100 * background:.1f}% like the corner pixel")
ok = w >= 1000 and h >= 2000 and colours > 2000 and std > 20 and background < 0.8
# Each chart's own colour must show up: series lines, confusion cells, a gear band.
for name, rgb in [("mIoU line", (0x25, 0x63, 0xeb)), ("agreement line", (0x7c, 0x3a, 0xed)),
                  ("QP line", (0xdc, 0x26, 0x26)), ("luma line", (0xd9, 0x77, 0x06)),
                  ("confusion diagonal", (0x08, 0x30, 0x6b)), ("class bar 'car'", (0, 0, 142))]:
    n = int(np.all(np.abs(flat - np.array(rgb)) <= 12, axis=1).sum())
    print(f"  {name}: {n} pixels")
    ok = ok and n >= 40
sys.exit(0 if ok else 1)
EOF

# DOM: charts by id, polylines with points, six sample frames as data URIs.
for id in chart-miou chart-agreement chart-qp chart-luma gear-timeline class-iou confusion \
  agreement-class-iou agreement-confusion; do
  check "DOM has #$id" grep -q "id=\"$id\"" "$work/run.dom"
done
check "DOM has 4 series lines" test "$(grep -o '<polyline class="series"' "$work/run.dom" | wc -l)" -ge 4
check "DOM names the reference" grep -q "agreement with $work/ref" "$work/run.dom"
check "DOM has 6 sample frames as data URIs" \
  test "$(grep -o '<img class="sample"[^>]*src="data:image/jpeg;base64,' "$work/run.dom" | wc -l)" -eq 6
check "DOM has no scripts or remote resources" bash -c "! grep -Eq '<script|https?://' '$work/run.dom'"

# A batch directory of two copies and a failure: per-item charts and the failures table.
mkdir -p "$work/batch"
cp -r "$work/run" "$work/batch/a" && cp -r "$work/run" "$work/batch/b" && rm -f "$work/batch/"*/report.html
echo '{"id":"c","input":"c.mp4","error":"c.mp4: input file not found"}' >"$work/batch/failures.jsonl"
"$gearnn" report "$work/batch" --quiet || exit 1
browse "$work/batch/report.html" "$work/batch.png" "$work/batch.dom"
for id in item-0-chart-miou item-1-gear-timeline class-iou confusion; do
  check "batch DOM has #$id" grep -q "id=\"$id\"" "$work/batch.dom"
done
check "batch DOM lists the failure" grep -q "c.mp4: input file not found" "$work/batch.dom"
check "batch screenshot written" test -s "$work/batch.png"

# Two runs compared: another model against the same reference, both on one chart.
"$gearnn" run "$clip/video.mp4" --model "$src/data/models/street-robust" --gt "$clip/labels" \
  --reference "$work/ref" --max-frames 20 --quiet --out "$work/robust" || exit 1
"$gearnn" report "$work/run" --compare "$work/robust" --out "$work/compare.html" --quiet || exit 1
browse "$work/compare.html" "$work/compare.png" "$work/compare.dom"
for id in compare-summary compare-miou compare-agreement compare-agreement-frames a-gear-timeline b-gear-timeline; do
  check "compare DOM has #$id" grep -q "id=\"$id\"" "$work/compare.dom"
done
check "compare DOM marks 5 frames per chart" test "$(grep -o '<rect class="diff-mark"' "$work/compare.dom" | wc -l)" -eq 10
check "compare DOM has no scripts or remote resources" bash -c "! grep -Eq '<script|https?://' '$work/compare.dom'"
size=$(ffprobe -v error -select_streams v:0 -show_entries stream=width,height -of csv=p=0:s=x "$work/compare.png")
ffmpeg -loglevel error -y -i "$work/compare.png" -f rawvideo -pix_fmt rgb24 "$work/compare.rgb"
check "compare screenshot shows both runs' lines and the marks ($size)" /usr/bin/python3 - "$work/compare.rgb" "$size" <<'EOF'
import sys
import numpy as np
w, h = map(int, sys.argv[2].split("x"))
flat = np.fromfile(sys.argv[1], dtype=np.uint8).reshape(h * w, 3).astype(int)
ok = True
for name, rgb in [("run A line", (0x25, 0x63, 0xeb)), ("run B line", (0xea, 0x58, 0x0c)),
                  ("marked frames", (0xfe, 0xec, 0xa7))]:  # #fde68a at 75% on white
    n = int(np.all(np.abs(flat - np.array(rgb)) <= 12, axis=1).sum())
    print(f"  {name}: {n} pixels")
    ok = ok and n >= 40
sys.exit(0 if ok else 1)
EOF

[ "$failures" -eq 0 ] || { echo "$failures check(s) failed"; exit 1; }
echo "all checks passed"
