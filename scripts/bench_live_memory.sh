#!/usr/bin/env bash
# Memory of a long live run: streams a small clip looped many times (ffmpeg
# -stream_loop, MPEG-TS on standard input, as a live feed) into `gearnn run -`
# and samples the run's resident memory (VmRSS, /proc/PID/status) every
# second. Prints a table of time / frames done / RSS and a summary: RSS after
# warm-up against RSS at the end, and the slope of RSS over frames after
# warm-up in MiB per 1000 frames (flat = ~0).
# Usage: scripts/bench_live_memory.sh [MODEL_DIR]
#   FRAMES (default 10000), CLIP_FRAMES (100), SIZE (320x192), THREADS (nproc),
#   MASKS (none | ids | color, default none), OVERLAY (a container, e.g. mp4: also
#   write the overlay video; default none), GEARNN (default build/gearnn)
set -euo pipefail
cd "$(dirname "$0")/.."
gearnn=${GEARNN:-build/gearnn}
model=${1:-data/models/street}
frames=${FRAMES:-10000}
clip_frames=${CLIP_FRAMES:-100}
size=${SIZE:-320x192}
threads=${THREADS:-$(nproc)}
masks=${MASKS:-none}
work=$(mktemp -d /tmp/gearnn-live-memory.XXXXXX)
overlay_args=()
[ -n "${OVERLAY:-}" ] && overlay_args=(--overlay "$work/overlay.$OVERLAY")
run_pid=
trap '[ -n "$run_pid" ] && kill "$run_pid" 2>/dev/null; rm -rf "$work"' EXIT

# A clip with a key frame a second, looped into one continuous stream of $frames
# frames (no B-frames: each loop then decodes whole).
ffmpeg -nostdin -v error -f lavfi -i "testsrc2=size=$size:rate=25" -frames:v "$clip_frames" \
  -c:v libx264 -preset veryfast -bf 0 -qp 28 -g 25 -pix_fmt yuv420p -f mpegts "$work/clip.ts"
loops=$(((frames + clip_frames - 1) / clip_frames - 1))
echo "input: ${size} testsrc2, ${clip_frames}-frame clip looped to $((clip_frames * (loops + 1))) frames on stdin;" \
  "model $model, $threads torch threads, --masks $masks${OVERLAY:+, overlay .$OVERLAY}"

ffmpeg -nostdin -v error -stream_loop "$loops" -i "$work/clip.ts" -c copy -f mpegts - |
  "$gearnn" run - --model "$model" --out "$work/out" --quiet --threads "$threads" --masks "$masks" "${overlay_args[@]}" &
run_pid=$!  # the last command of the pipeline: gearnn

# One sample a second while the run lives: seconds, frames listed so far, VmRSS in KiB.
start=$(date +%s.%N)
while kill -0 "$run_pid" 2>/dev/null; do
  rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$run_pid/status" 2>/dev/null || true)
  # frames.jsonl.tmp until the run renames it at its end
  done_frames=$({ cat "$work/out/frames.jsonl.tmp" 2>/dev/null || cat "$work/out/frames.jsonl" 2>/dev/null || true; } | wc -l)
  [ -n "$rss" ] && echo "$(echo "$(date +%s.%N) - $start" | bc) $done_frames $rss" >>"$work/samples.txt"
  sleep 1
done
wait "$run_pid" || { echo "gearnn run failed" >&2; exit 1; }
run_pid=

/usr/bin/python3 - "$work/samples.txt" "$work/out/report.json" <<'PY'
import json, sys
samples = [tuple(map(float, line.split())) for line in open(sys.argv[1])]
report = json.load(open(sys.argv[2]))
mib = lambda kib: kib / 1024
print(f"{'time s':>7} {'frames':>7} {'RSS MiB':>8}")
step = max(1, len(samples) // 40)  # at most ~40 rows
for i, (t, n, rss) in enumerate(samples):
    if i % step == 0 or i == len(samples) - 1:
        print(f"{t:7.0f} {n:7.0f} {mib(rss):8.1f}")
total = report["frames"]
# Warm-up: the model loaded, the queues full, the allocator settled: the first 10% of frames.
warm = [s for s in samples if s[1] >= 0.1 * total]
if len(warm) < 20:
    sys.exit("too few samples after warm-up: use more FRAMES")
# RSS swings by a few MiB as buffers are freed and taken again, so each end is
# the median of its first or last 10 samples.
median = lambda xs: sorted(xs)[len(xs) // 2]
r0, r1 = median([s[2] for s in warm[:10]]), median([s[2] for s in warm[-10:]])
n0, n1 = warm[0][1], warm[-1][1]
xs = [s[1] for s in warm]
ys = [mib(s[2]) for s in warm]
mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
print(f"frames {total} in {report['seconds']:.0f} s ({report['fps']:.1f} fps), report complete: {report['complete']}")
print(f"RSS after warm-up (from {n0:.0f} frames) {mib(r0):.1f} MiB, at the end (to {n1:.0f} frames) {mib(r1):.1f} MiB, "
      f"change {mib(r1 - r0):+.1f} MiB (medians of 10 samples)")
print(f"RSS after warm-up min {min(ys):.1f} MiB, max {max(ys):.1f} MiB")
print(f"slope after warm-up {slope * 1000:+.3f} MiB per 1000 frames (least squares over {len(warm)} samples)")
print(f"peak RSS (report.json) {report['peak_rss_mib']:.1f} MiB")
PY
