# Helpers shared by the live-input tests (sourced): checks of a run's outputs,
# and free loopback ports. Callers set $work and use `set -euo pipefail`.

fail() { echo "FAIL: $*" >&2; exit 1; }
field() { /usr/bin/python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$1" "$2"; }

# check_complete DIR MIN_FRAMES: exit 0 was checked by the caller; the report is
# complete and masks, frames.jsonl lines and the report's frames agree.
check_complete() {
  [ -f "$1/report.json" ] || fail "$1: no report.json"
  [ "$(field "$1/report.json" complete)" = "True" ] || fail "$1: report not complete"
  local frames lines masks
  frames=$(field "$1/report.json" frames)
  lines=$(wc -l < "$1/frames.jsonl")
  masks=$(find "$1/masks" -name '*.png' | wc -l)
  [ "$frames" -ge "$2" ] || fail "$1: $frames frames, expected at least $2"
  [ "$lines" -eq "$frames" ] || fail "$1: frames.jsonl has $lines lines for $frames frames"
  [ "$masks" -eq "$frames" ] || fail "$1: $masks masks for $frames frames"
  echo "ok: $1 ($frames frames)"
}

# free_port tcp|udp: a port of 127.0.0.1 nothing uses now (the kernel's pick
# for port 0). Another process may take it before we do: callers retry.
free_port() {
  /usr/bin/python3 -c "import socket,sys
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM if sys.argv[1] == 'tcp' else socket.SOCK_DGRAM)
s.bind(('127.0.0.1', 0))
print(s.getsockname()[1])" "$1"
}

# bound tcp|udp PORT: a socket listens on TCP PORT, or is bound to UDP PORT.
bound() {
  local hex
  hex=$(printf ':%04X' "$2")
  if [ "$1" = tcp ]; then
    awk -v p="$hex" '$2 ~ p"$" && $4 == "0A" {found = 1} END {exit !found}' /proc/net/tcp
  else
    awk -v p="$hex" '$2 ~ p"$" {found = 1} END {exit !found}' /proc/net/udp
  fi
}

# wait_bound tcp|udp PORT PID: waits up to 60 s until PORT is bound; false at
# once if process PID has exited (e.g. the port was taken) or on time out.
wait_bound() {
  local _
  for _ in $(seq 600); do
    bound "$1" "$2" && return 0
    kill -0 "$3" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}
