#!/usr/bin/env bash
# Pipeline benchmark: on the same H.264 frames, prints bare model forward fps,
# decode-only fps and `gearnn run` end-to-end fps with their ratios, then peak
# memory of `gearnn run` on a short input and on one 10x longer.
# Usage: scripts/bench_pipeline.sh [MODEL_DIR [GEARS_DIR]]   (run scripts/setup.sh first)
set -euo pipefail
cd "$(dirname "$0")/.."
gearnn=build/gearnn
model=${1:-data/models/street}
gears=${2:-}
[ -z "$gears" ] && [ "$model" = data/models/street ] && [ -d data/models/street/gears/qp ] && gears=data/models/street/gears/qp
work=$(mktemp -d /tmp/gearnn-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
frames=${FRAMES:-150}
width=${WIDTH:-640}
height=${HEIGHT:-360}
threads=${THREADS:-$(nproc)}

if [ ! -f "$model/model.json" ]; then
  echo "no model at $model: timing a randomly initialised StreetNet (speed does not depend on the weights)"
  model=$work/model
  $gearnn init-model --out "$model" --width 320 --height 192
fi
json() { /usr/bin/python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$@"; }

echo "making inputs: ${frames} and $((10 * frames)) frames of ${width}x${height} synthetic street, libx264 QP 30"
$gearnn synth --quiet --out "$work/clip" --frames $((10 * frames)) --width "$width" --height "$height" --seed 11
$gearnn distort --quiet "$work/clip/video.mkv" --out "$work/long.mp4" --qp 30
$gearnn distort --quiet "$work/clip/video.mkv" --out "$work/short.mp4" --qp 30 --max-frames "$frames"

gear_args=()
[ -n "$gears" ] && gear_args=(--gears "$gears")
$gearnn bench forward --model "$model" "$work/short.mp4" --frames "$frames" --threads "$threads" >"$work/forward.json"
$gearnn bench decode "$work/short.mp4" >"$work/decode.json"
$gearnn run "$work/short.mp4" --model "$model" "${gear_args[@]}" --out "$work/run-short" --quiet --threads "$threads"
$gearnn run "$work/long.mp4" --model "$model" "${gear_args[@]}" --out "$work/run-long" --quiet --threads "$threads" --masks ids

fwd=$(json "$work/forward.json" 'd["forward_fps"]')
fwdpp=$(json "$work/forward.json" 'd["forward_postprocess_fps"]')
dec=$(json "$work/decode.json" 'd["decode_fps"]')
decm=$(json "$work/decode.json" 'd["decode_convert_measure_fps"]')
est=$(json "$work/decode.json" 'd["estimate_ms_per_frame"]')
fwdms=$(json "$work/forward.json" 'd["forward_ms"]')
e2e=$(json "$work/run-short/report.json" 'd["fps"]')
rss_s=$(json "$work/run-short/report.json" 'd["peak_rss_mib"]')
rss_l=$(json "$work/run-long/report.json" 'd["peak_rss_mib"]')
e2e_l=$(json "$work/run-long/report.json" 'd["fps"]')

/usr/bin/python3 - "$fwd" "$fwdpp" "$dec" "$decm" "$e2e" "$est" "$fwdms" "$rss_s" "$rss_l" "$frames" "$e2e_l" "$threads" "$model" "${gears:-none}" <<'PY'
import sys
fwd, fwdpp, dec, decm, e2e, est, fwdms, rss_s, rss_l = map(float, sys.argv[1:10])
frames, e2e_l, threads, model, gears = int(sys.argv[10]), float(sys.argv[11]), sys.argv[12], sys.argv[13], sys.argv[14]
print(f"model {model}, gears {gears}, torch threads {threads}")
print(f"{'bare model forward':38s} {fwd:8.1f} fps")
print(f"{'forward + resize logits + argmax':38s} {fwdpp:8.1f} fps")
print(f"{'decode only':38s} {dec:8.1f} fps")
print(f"{'decode + RGB + quality features':38s} {decm:8.1f} fps")
print(f"{'gearnn run end to end':38s} {e2e:8.1f} fps")
print(f"end-to-end / bare forward              {e2e / fwd:8.3f}   (target >= 0.9)")
print(f"end-to-end / forward+postprocess       {e2e / fwdpp:8.3f}")
print(f"decode / end-to-end                    {dec / e2e:8.1f}x")
print(f"quality estimation {est:.3f} ms/frame = {100 * est / fwdms:.2f}% of one forward ({fwdms:.2f} ms)   (target < 2%)")
print(f"peak RSS: {frames} frames {rss_s:.0f} MiB, {10 * frames} frames {rss_l:.0f} MiB, ratio {rss_l / rss_s:.3f}   (flat = ~1)")
print(f"long run end-to-end {e2e_l:.1f} fps")
PY
