#!/usr/bin/env bash
# Live inputs of gearnn run, on the loopback only: standard input ("-"), a UDP
# MPEG-TS stream ended by --max-seconds, and one ended by SIGINT. Each ends with
# a complete report for the frames done, masks matching frames.jsonl.
# Usage: cli_live.sh GEARNN_BINARY FIXTURES_DIR SOURCE_DIR
set -euo pipefail
gearnn=$1
work=$2/scratch/cli-live-$$
model=$3/data/models/street
rm -rf "$work"
mkdir -p "$work"
senders=()
trap 'for p in "${senders[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"' EXIT
source "$(dirname "$0")/live_support.sh"

source_args=(-nostdin -v error -f lavfi -i testsrc2=size=320x192:rate=10)
encode_args=(-c:v libx264 -preset ultrafast -qp 26 -g 10 -pix_fmt yuv420p -f mpegts)  # a key frame a second
port=$((20000 + $$ % 20000))

# 1. Standard input: a pipe from another ffmpeg, to its end. The overlay of a
# live run is a fragmented MP4 (no per-frame index in memory), complete when the run is.
ffmpeg "${source_args[@]}" -frames:v 20 "${encode_args[@]}" - |
  "$gearnn" run - --model "$model" --out "$work/stdin" --quiet --threads 1 --overlay "$work/stdin/overlay.mp4"
check_complete "$work/stdin" 20
overlay_frames=$(ffprobe -v error -count_frames -show_entries stream=nb_read_frames -of csv=p=0 "$work/stdin/overlay.mp4")
[ "$overlay_frames" -eq 20 ] || fail "overlay.mp4 of the stdin run has $overlay_frames frames, expected 20"
grep -q moof "$work/stdin/overlay.mp4" || fail "overlay.mp4 of the stdin run is not fragmented"

# 2. A UDP stream that would run for 60 s, ended by --max-seconds 4.
# The sender starts first, as a camera would be; the run joins at a key frame.
ffmpeg -re "${source_args[@]}" -t 60 "${encode_args[@]}" "udp://127.0.0.1:$port?pkt_size=1316" &
senders+=($!)
sleep 1
start=$SECONDS
"$gearnn" run "udp://127.0.0.1:$port" --model "$model" --out "$work/udp" --quiet --threads 1 \
  --max-seconds 4 &
run=$!
wait $run || fail "udp run exited with $?"
# (startup counted: GEARNN_TEST_TIME_SCALE lengthens it for instrumented builds)
[ $((SECONDS - start)) -le $((15 * ${GEARNN_TEST_TIME_SCALE:-1})) ] || fail "--max-seconds 4 took $((SECONDS - start)) s"
check_complete "$work/udp" 5

# 3. The same stream ended by SIGINT after 4 s: exit 0, report complete.
port=$((port + 1))
ffmpeg -re "${source_args[@]}" -t 60 "${encode_args[@]}" "udp://127.0.0.1:$port?pkt_size=1316" &
senders+=($!)
sleep 1
"$gearnn" run "udp://127.0.0.1:$port" --model "$model" --out "$work/sigint" --quiet --threads 1 &
run=$!
# SIGINT once some frames are done (model loading and joining take longer on a loaded machine).
for _ in $(seq 60); do
  [ "$(find "$work/sigint/masks.partial" -name '*.png' 2>/dev/null | wc -l)" -ge 5 ] && break
  sleep 0.5
done
kill -INT $run
wait $run || fail "run ended by SIGINT exited with $?"
check_complete "$work/sigint" 5
echo "cli_live: all passed"
