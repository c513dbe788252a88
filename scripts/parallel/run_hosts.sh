#!/usr/bin/env bash
# Runs a sharded `gearnn batch` over a few ssh hosts with GNU parallel, then
# merges them into one report. Every host must see the same paths (shared file
# system with working flock, e.g. NFSv4: binary, model, manifest, videos, OUT)
# and accept ssh logins without a password.
#
#   scripts/parallel/run_hosts.sh (--hosts FILE | -S LOGINS) [-j J] MANIFEST OUT [N] [-- gearnn batch option...]
#
# --hosts FILE   GNU parallel --sshloginfile: one ssh login per line ("host",
#                "user@host", ":" for this machine; see man parallel)
# -S LOGINS      the same as a comma-separated list; "-S :" runs everything here
# -j J           shards at once per login (parallel's -j; default 1). "-j 100%"
#                takes the count from "K/host" prefixes in the logins (a login
#                without one then gets its number of CPUs: give every login one).
# N              shards (default: the number of logins). Shard I runs as
#                `gearnn batch MANIFEST --shard I/N --out OUT`; the N shards cover
#                the manifest exactly once. Items land in OUT/<id>/, failures in
#                OUT/failures.jsonl.
# Then `gearnn merge OUT` writes OUT/merged.json (scripts/slurm/gearnn-merge.sbatch,
# run here as a plain script); GNU parallel's job log goes to OUT/parallel-joblog.tsv.
# Running it again (any N) resumes: complete items are skipped, failed ones retried.
# Environment: GEARNN (binary, default gearnn on PATH, else this repo's
# build/gearnn), GEARNN_MODEL, GEARNN_GEARS (defaults for items naming none).
# Exit code 0 when every shard and the merge succeeded.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

usage() {
  echo "usage: $0 (--hosts FILE | -S LOGINS) [-j J] MANIFEST OUT [N] [-- gearnn batch option...]" >&2
  exit 2
}
logins=()
hosts_count=0
per_login=1
while [ $# -gt 0 ]; do
  case $1 in
    --hosts) [ $# -ge 2 ] || usage
             [ -f "$2" ] || { echo "run_hosts: no hosts file $2" >&2; exit 1; }
             logins+=(--sshloginfile "$(realpath -- "$2")")
             hosts_count=$((hosts_count + $(grep -cEv '^[[:space:]]*(#|$)' "$2" || true)))
             shift 2 ;;
    -S)      [ $# -ge 2 ] || usage
             logins+=(-S "$2")
             hosts_count=$((hosts_count + $(tr ',' '\n' <<< "$2" | grep -c .)))
             shift 2 ;;
    -j)      [ $# -ge 2 ] || usage
             per_login=$2
             shift 2 ;;
    -h|--help) usage ;;
    *) break ;;
  esac
done
[ ${#logins[@]} -gt 0 ] && [ $# -ge 2 ] || usage
manifest=$1 out=$2
shift 2
shards=$hosts_count
if [ $# -gt 0 ] && [ "$1" != -- ]; then shards=$1; shift; fi
if [ $# -gt 0 ]; then [ "$1" = -- ] || usage; shift; fi
[[ "$shards" =~ ^[1-9][0-9]*$ ]] || { echo "run_hosts: N must be a positive integer, got '$shards'" >&2; exit 2; }
[ -f "$manifest" ] || { echo "run_hosts: no manifest $manifest" >&2; exit 1; }
command -v parallel > /dev/null || { echo "run_hosts: GNU parallel not installed (apt-get install parallel)" >&2; exit 1; }

gearnn=${GEARNN:-}
if [ -z "$gearnn" ]; then
  gearnn=$(command -v gearnn || true)
  [ -n "$gearnn" ] || gearnn=$here/../../build/gearnn
fi
[ -x "$gearnn" ] || { echo "run_hosts: gearnn binary $gearnn not found (set GEARNN)" >&2; exit 1; }
gearnn=$(realpath -- "$gearnn")
manifest=$(realpath -- "$manifest")
out=$(realpath -m -- "$out")
mkdir -p "$out"

# The command each host runs; {} is the shard index. -q keeps every argument
# one word through ssh.
cmd=("$gearnn" batch "$manifest" --out "$out" --shard "{}/$shards")
[ -z "${GEARNN_MODEL:-}" ] || cmd+=(--model "$(realpath -- "$GEARNN_MODEL")")
[ -z "${GEARNN_GEARS:-}" ] || cmd+=(--gears "$(realpath -- "$GEARNN_GEARS")")
cmd+=("$@")

echo "run_hosts: $shards shards on $hosts_count login(s) -> $out" >&2
status=0
parallel --will-cite -q "${logins[@]}" -j "$per_login" --halt never --tag --line-buffer \
  --joblog "$out/parallel-joblog.tsv" \
  "${cmd[@]}" ::: $(seq 0 $((shards - 1))) || status=$?
[ "$status" -eq 0 ] || echo "run_hosts: $status shard(s) exited non-zero (see $out/failures.jsonl, $out/parallel-joblog.tsv)" >&2

merge_status=0
GEARNN=$gearnn bash "$here/../slurm/gearnn-merge.sbatch" "$out" "$out/merged.json" || merge_status=$?
[ "$status" -eq 0 ] && [ "$merge_status" -eq 0 ]
