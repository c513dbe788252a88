#!/usr/bin/env bash
# Network inputs of gearnn run, on the loopback only, every step bounded in
# time: TCP and SRT streams from an ffmpeg that listens, and RTSP published to
# a run that listens (--input-option rtsp_flags=listen), each ending with the
# sender's input; a UDP stream, which ends by going silent; and URLs with
# nothing behind them (refused, silent), which fail with one line naming them.
# Usage: cli_live_net.sh GEARNN_BINARY FIXTURES_DIR SOURCE_DIR
set -euo pipefail
gearnn=$1
work=$2/scratch/cli-live-net-$$
model=$3/data/models/street
rm -rf "$work"
mkdir -p "$work"
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"' EXIT
source "$(dirname "$0")/live_support.sh"

run() { timeout 120 "$gearnn" run "$@" --model "$model" --quiet --threads 1; }
input_field() { /usr/bin/python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['input'][sys.argv[2]])" "$1" "$2"; }

# A 3 s clip (30 frames at 10 fps, a key frame a second) that each sender plays in real time.
clip=$work/clip.ts
timeout 60 ffmpeg -nostdin -v error -f lavfi -i testsrc2=size=320x192:rate=10 -t 3 \
  -c:v libx264 -preset ultrafast -qp 26 -g 10 -pix_fmt yuv420p -f mpegts "$clip"
send() { timeout 60 ffmpeg -nostdin -v error -re -i "$clip" -c copy "$@"; }

# serve tcp|udp URL_BEFORE_PORT URL_AFTER_PORT: an ffmpeg sending the clip from a
# socket it listens on, on a free port (another one if that is taken meanwhile). Sets $port.
serve() {
  local attempt pid
  for attempt in 1 2 3 4 5; do
    port=$(free_port "$1")
    send -f mpegts "$2$port$3" &
    pid=$!
    pids+=("$pid")
    wait_bound "$1" "$port" "$pid" && return 0
  done
  fail "no sender would listen on $2PORT$3"
}

# listen_run tcp|udp URL_BEFORE_PORT URL_AFTER_PORT OUT ARGS...: a run in the
# background listening on a free port (retried likewise). Sets $port and $run_pid.
listen_run() {
  local proto=$1 before=$2 after=$3 out=$4 attempt
  shift 4
  for attempt in 1 2 3 4 5; do
    port=$(free_port "$proto")
    run "$before$port$after" --out "$out" "$@" &
    run_pid=$!
    pids+=("$run_pid")
    wait_bound "$proto" "$port" "$run_pid" && return 0
  done
  fail "no run would listen on ${before}PORT$after"
}

# 1. TCP: the run connects to the listening sender; the sender's close ends the
# stream, every frame read.
serve tcp "tcp://127.0.0.1:" "?listen=1"
run "tcp://127.0.0.1:$port" --out "$work/tcp" || fail "tcp run exited with $?"
check_complete "$work/tcp" 30

# 2. SRT: the run calls the listening sender; the stream ends when the sender
# closes, which FFmpeg reports as a read error (kept in the report). SRT drops
# what the run has not read by then, so the last frames may be missing.
serve udp "srt://127.0.0.1:" "?mode=listener"
run "srt://127.0.0.1:$port?mode=caller" --out "$work/srt" || fail "srt run exited with $?"
check_complete "$work/srt" 10
[ "$(input_field "$work/srt/report.json" end_error)" != None ] || fail "srt: no end_error in the report"

# 3. RTSP: the run listens (an FFmpeg option of the rtsp demuxer) and ffmpeg
# publishes to it over TCP; its TEARDOWN ends the stream.
listen_run tcp "rtsp://127.0.0.1:" "/live" "$work/rtsp" --input-option rtsp_flags=listen
send -f rtsp -rtsp_transport tcp "rtsp://127.0.0.1:$port/live" || fail "rtsp publisher exited with $?"
wait "$run_pid" || fail "rtsp run exited with $?"
check_complete "$work/rtsp" 30

# 4. UDP has no end: the stream ends when it is silent for the read timeout
# (here 2 s: udp's own `timeout` option, in microseconds, instead of the default 10 s).
listen_run udp "udp://127.0.0.1:" "" "$work/udp" --input-option timeout=2000000
send -f mpegts "udp://127.0.0.1:$port?pkt_size=1316" || fail "udp sender exited with $?"
wait "$run_pid" || fail "udp run exited with $?"
check_complete "$work/udp" 20
[ "$(input_field "$work/udp/report.json" end_error)" != None ] || fail "udp: no end_error in the report"

# 5. Nothing behind the URL: exit 1 within LIMIT seconds, one stderr line naming it.
expect_error() {  # URL LIMIT
  local url=$1 limit=$(($2 * ${GEARNN_TEST_TIME_SCALE:-1})) start=$SECONDS code=0
  timeout $((90 * ${GEARNN_TEST_TIME_SCALE:-1})) "$gearnn" run "$url" --model "$model" --out "$work/error" --quiet --threads 1 2>"$work/error.txt" ||
    code=$?
  [ "$code" -eq 1 ] || fail "$url: exit $code, expected 1: $(cat "$work/error.txt")"
  [ "$(wc -l < "$work/error.txt")" -eq 1 ] && grep -qF "gearnn: error: $url: " "$work/error.txt" ||
    fail "$url: expected one line naming it, got: $(cat "$work/error.txt")"
  [ $((SECONDS - start)) -le "$limit" ] || fail "$url: failed after $((SECONDS - start)) s, expected at most $limit"
  echo "ok: $(cat "$work/error.txt")"
}
expect_error "tcp://127.0.0.1:$(free_port tcp)" 30               # refused at once
expect_error "srt://127.0.0.1:$(free_port udp)?mode=caller" 30   # SRT's connect timeout, 3 s
expect_error "udp://127.0.0.1:$(free_port udp)" 45               # the default network timeout, 10 s
echo "cli_live_net: all passed"
