#!/usr/bin/env bash
# Submits a sharded `gearnn batch` run to Slurm: a job array of N shards and a
# merge job that runs after the whole array, whatever its outcome.
#
#   scripts/slurm/submit.sh [--wait] MANIFEST OUT [N] [-- gearnn batch option...]
#
# Array task I runs `gearnn batch MANIFEST --shard I/N --out OUT` (default N 4);
# then `gearnn merge OUT` writes OUT/merged.json. Job logs go to OUT/slurm/.
# Prints "array=JOBID merge=JOBID" on stdout. With --wait it then waits for the
# merge job and exits with its exit code (0 when it completed).
# Environment (all optional):
#   GEARNN              gearnn binary (default: gearnn on PATH, else this repo's build/gearnn)
#   GEARNN_MODEL        model for items that name none
#   GEARNN_GEARS        gear set for items that name none
#   GEARNN_CPUS         CPUs per array task (default 2)
#   GEARNN_JOBS         items run at once within a task (default 1)
#   GEARNN_MAX_RUNNING  at most this many array tasks at once (sbatch --array=...%K)
#   SBATCH_PARTITION, SBATCH_ACCOUNT, SBATCH_TIMELIMIT, ...: read by sbatch itself
# Paths are made absolute here, so the jobs do not depend on the submit
# directory; OUT and every input must be on a file system all nodes see.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

usage() {
  echo "usage: $0 [--wait] MANIFEST OUT [N] [-- gearnn batch option...]" >&2
  exit 2
}
wait_merge=0
if [ "${1:-}" = --wait ]; then wait_merge=1; shift; fi
[ $# -ge 2 ] || usage
manifest=$1 out=$2
shift 2
shards=4
if [ $# -gt 0 ] && [ "$1" != -- ]; then shards=$1; shift; fi
if [ $# -gt 0 ]; then [ "$1" = -- ] || usage; shift; fi
[[ "$shards" =~ ^[1-9][0-9]*$ ]] || { echo "submit: N must be a positive integer, got '$shards'" >&2; exit 2; }
[ -f "$manifest" ] || { echo "submit: no manifest $manifest" >&2; exit 1; }

gearnn=${GEARNN:-}
if [ -z "$gearnn" ]; then
  gearnn=$(command -v gearnn || true)
  [ -n "$gearnn" ] || gearnn=$here/../../build/gearnn
fi
[ -x "$gearnn" ] || { echo "submit: gearnn binary $gearnn not found (set GEARNN)" >&2; exit 1; }
export GEARNN=$(realpath -- "$gearnn")
[ -z "${GEARNN_MODEL:-}" ] || export GEARNN_MODEL=$(realpath -m -- "$GEARNN_MODEL")
[ -z "${GEARNN_GEARS:-}" ] || export GEARNN_GEARS=$(realpath -m -- "$GEARNN_GEARS")
export GEARNN_JOBS=${GEARNN_JOBS:-1}
manifest=$(realpath -- "$manifest")
out=$(realpath -m -- "$out")
mkdir -p "$out/slurm"   # sbatch does not create the directory of --output

range=0-$((shards - 1))
[ -z "${GEARNN_MAX_RUNNING:-}" ] || range+="%$GEARNN_MAX_RUNNING"

submitted=$(date +%s)
array_id=$(sbatch --parsable --array="$range" --cpus-per-task="${GEARNN_CPUS:-2}" \
  --output="$out/slurm/array-%A_%a.out" \
  "$here/gearnn-array.sbatch" "$manifest" "$out" "$@")
array_id=${array_id%%;*}   # "id;cluster" on multi-cluster setups

merge_id=$(sbatch --parsable --dependency="afterany:$array_id" --kill-on-invalid-dep=no \
  --output="$out/slurm/merge-%j.out" \
  "$here/gearnn-merge.sbatch" "$out" "$out/merged.json")
merge_id=${merge_id%%;*}
echo "array=$array_id merge=$merge_id"
echo "submit: $shards shards -> $out, merged report -> $out/merged.json, logs in $out/slurm/" >&2
[ "$wait_merge" -eq 1 ] || exit 0

# --wait: poll the merge job every 2 s (sbatch --wait backs off to half a
# minute between polls) and exit with its exit code.
while :; do
  if ! record=$(scontrol show job -o "$merge_id" 2>/dev/null); then
    # The record is gone (purged after MinJobAge): judge by the report.
    echo "submit: merge job $merge_id no longer known to slurmctld" >&2
    [ -f "$out/merged.json" ] && [ "$(stat -c %Y "$out/merged.json")" -ge "$submitted" ]
    exit
  fi
  state=$(sed -nE 's/.*JobState=([A-Z_]+).*/\1/p' <<< "$record")
  case $state in
    PENDING|CONFIGURING|RUNNING|COMPLETING|SUSPENDED|REQUEUED|RESIZING|SIGNALING|STAGE_OUT) sleep 2 ;;
    *) code=$(sed -nE 's/.* ExitCode=([0-9]+):([0-9]+).*/\1/p' <<< "$record")
       echo "submit: merge job $merge_id $state, exit code ${code:-?}" >&2
       [ "$state" = COMPLETED ] && exit 0
       [ "${code:-0}" -ne 0 ] && exit "$code"
       exit 1 ;;   # cancelled, timed out, ...
  esac
done
