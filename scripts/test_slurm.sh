#!/usr/bin/env bash
# Integration test of the scale-out recipes (docs/scaleout.md) on a real,
# throwaway single-node Slurm cluster:
#   1. installs slurm-wlm and munge if missing (Debian packages; needs root),
#   2. writes a slurm.conf under a temp dir and starts munged, slurmctld and
#      slurmd there (own socket, ports, state and spool; no systemd, no cgroups),
#   3. makes 4 short labelled clips and a manifest with one bad item (missing file),
#   4. scripts/slurm/submit.sh --wait: a 3-task array + the dependent merge,
#   5. runs the same manifest in one unsharded `gearnn batch` + `gearnn merge`,
#   6. checks: the merged confusion matrices and metrics are identical, every id
#      ran in exactly one shard, the bad item is a recorded failure and only its
#      shard's task failed; a resubmission with another N skips every complete item,
#   7. runs scripts/parallel/run_hosts.sh -S : -j 2 (GNU parallel, this machine)
#      and checks its merged report the same way.
# Every daemon is stopped on exit, also on failure or Ctrl-C.
#
#   scripts/test_slurm.sh [GEARNN_BINARY]      (default build/gearnn)
#
# Exit 0 pass, 1 fail, 77 skipped (not root, so nothing can be installed or
# started). The temp dir is removed on success and kept (path printed) on failure
# or when KEEP_TMP=1.
set -euo pipefail
t_start=$(date +%s)
repo=$(cd "$(dirname "$0")/.." && pwd)
gearnn=$(realpath -- "${1:-$repo/build/gearnn}")
model=$repo/data/models/street
gears=$model/gears/qp
say() { echo "test_slurm: $*" >&2; }
die() { say "FAIL: $*"; exit 1; }

[ -x "$gearnn" ] || die "no gearnn binary at $gearnn"
if [ "$(id -u)" -ne 0 ]; then
  say "skipped: needs root (to install slurm-wlm/munge and run slurmd)"
  exit 77
fi

# --- 1. packages ---------------------------------------------------------------
missing=()
for p in slurm-wlm munge parallel python3; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]}"
  apt-get update -qq
  # policy-rc.d keeps the packages' own services from starting where it exists;
  # they would not be used anyway (everything below has its own config).
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" > /dev/null
fi

# --- 2. cluster -----------------------------------------------------------------
T=$(mktemp -d /tmp/gearnn-slurm.XXXXXX)
chmod 755 "$T"   # munged insists that every directory above its socket is searchable by all
mkdir -p "$T/munge-run" "$T/munge-key" "$T/state" "$T/spool" "$T/log" "$T/data"
chmod 700 "$T/munge-key"
chmod 755 "$T/munge-run"
munged_pid= ctld_pid= slurmd_pid= step_pid=

# Runs a long step in the background and waits for it, so that a TERM or INT
# reaches the cleanup at once instead of after the step. Exit status: the step's.
step() {
  "$@" &
  step_pid=$!
  local status=0
  wait "$step_pid" || status=$?
  step_pid=
  return "$status"
}
export SLURM_CONF=$T/slurm.conf

stop_pid() {  # PID NAME: SIGTERM, up to 10 s, then SIGKILL; reaps it
  local pid=$1 name=$2 i
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then
    say "$name ($pid) ignored SIGTERM; killing it"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}

cleanup() {
  local status=$?
  set +e
  trap - EXIT INT TERM
  stop_pid "$step_pid" "step"
  if [ -n "$ctld_pid" ] && kill -0 "$ctld_pid" 2>/dev/null; then
    local jobs
    jobs=$(squeue -h -o %A 2>/dev/null | sort -u)
    if [ -n "$jobs" ]; then
      say "cancelling leftover jobs: $(echo $jobs)"
      scancel $jobs 2>/dev/null
      for ((i = 0; i < 100; i++)); do [ -z "$(squeue -h 2>/dev/null)" ] && break; sleep 0.2; done
    fi
  fi
  stop_pid "$slurmd_pid" slurmd
  stop_pid "$ctld_pid" slurmctld
  # Job steps (slurmstepd) detach from slurmd; any still alive belong to this
  # cluster if they hold files in its spool directory.
  local exe pid
  for exe in /proc/[0-9]*/exe; do
    pid=${exe#/proc/}; pid=${pid%/exe}
    [ "$(readlink "$exe" 2>/dev/null)" = /usr/sbin/slurmstepd ] || continue
    if ls -l "/proc/$pid/fd" 2>/dev/null | grep -qF "$T/"; then
      say "killing stray slurmstepd $pid"
      kill -KILL "$pid" 2>/dev/null
    fi
  done
  stop_pid "$munged_pid" munged
  if [ "$status" -ne 0 ] || [ -n "${KEEP_TMP:-}" ]; then
    [ "$status" -eq 0 ] || for f in "$T"/log/*.log "$T"/*-out/slurm/*.out; do
      [ -f "$f" ] || continue
      echo "----- $f (last 15 lines)" >&2
      tail -n 15 "$f" >&2
    done
    [ "$status" -eq 0 ] || say "failed after $(( $(date +%s) - t_start )) s"
    say "files kept in $T"
  else
    rm -rf "$T"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Two free TCP ports, so a running Slurm (or another copy of this test) is not disturbed.
read -r ctld_port slurmd_port < <(python3 -c '
import socket
socks = [socket.socket() for _ in range(2)]
for s in socks: s.bind(("", 0))
print(*[s.getsockname()[1] for s in socks])')

host=$(hostname -s)
cpus=$(nproc)
mem_mib=$(( $(awk '/^MemTotal:/ {print $2}' /proc/meminfo) / 1024 / 2 ))
cat > "$T/slurm.conf" <<EOF
# Throwaway single-node cluster of scripts/test_slurm.sh
ClusterName=gearnntest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$T/munge-run/munge.socket
StateSaveLocation=$T/state
SlurmdSpoolDir=$T/spool
SlurmctldPidFile=$T/slurmctld.pid
SlurmdPidFile=$T/slurmd.pid
SlurmctldLogFile=$T/log/slurmctld.log
SlurmdLogFile=$T/log/slurmd.log
# No cgroups: plain process tracking, no task binding, no accounting.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
MailProg=/bin/true
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
ReturnToService=2
MinJobAge=600
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem_mib State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF

dd if=/dev/urandom of="$T/munge-key/munge.key" bs=1024 count=1 status=none
chmod 400 "$T/munge-key/munge.key"
munged -F --socket="$T/munge-run/munge.socket" --key-file="$T/munge-key/munge.key" \
  --pid-file="$T/munge-run/munged.pid" --log-file="$T/log/munged.log" \
  --seed-file="$T/munge-key/munged.seed" > "$T/log/munged.out" 2>&1 &
munged_pid=$!
for ((i = 0; i < 100; i++)); do [ -S "$T/munge-run/munge.socket" ] && break; sleep 0.1; done
munge -S "$T/munge-run/munge.socket" -n | unmunge -S "$T/munge-run/munge.socket" > /dev/null \
  || die "munged does not answer (see $T/log/munged.log)"

slurmctld -D -f "$T/slurm.conf" > "$T/log/slurmctld.out" 2>&1 &
ctld_pid=$!
slurmd -D -f "$T/slurm.conf" -N "$host" > "$T/log/slurmd.out" 2>&1 &
slurmd_pid=$!
state=
for ((i = 0; i < 150; i++)); do
  kill -0 "$ctld_pid" 2>/dev/null || die "slurmctld exited (see $T/log/slurmctld.log)"
  kill -0 "$slurmd_pid" 2>/dev/null || die "slurmd exited (see $T/log/slurmd.log)"
  state=$(sinfo -h -n "$host" -o %t 2>/dev/null || true)
  [ "$state" = idle ] && break
  sleep 0.2
done
[ "$state" = idle ] || die "node $host not idle after 30 s (state '${state}')"
say "cluster up in $(( $(date +%s) - t_start )) s: node $host, $cpus CPUs, ports $ctld_port/$slurmd_port, conf $SLURM_CONF"

# --- 3. data ----------------------------------------------------------------------
d=$T/data
"$gearnn" synth --out "$d/a" --frames 12 --seed 11 --width 320 --height 180 --quiet
"$gearnn" synth --out "$d/b" --frames 12 --seed 12 --width 320 --height 180 --quiet
"$gearnn" distort "$d/a/video.mkv" --out "$d/a-qp30.mp4" --qp 30 --quiet
"$gearnn" distort "$d/b/video.mkv" --out "$d/b-qp42.mp4" --qp 42 --quiet
cat > "$d/manifest.jsonl" <<'EOF'
{"id": "a-lossless", "input": "a/video.mkv", "gt": "a/labels"}
{"id": "a-qp30", "input": "a-qp30.mp4", "gt": "a/labels"}
{"id": "b-lossless", "input": "b/video.mkv", "gt": "b/labels"}
{"id": "b-qp42", "input": "b-qp42.mp4", "gt": "b/labels"}
{"id": "missing", "input": "no-such-clip.mp4", "gt": "a/labels"}
EOF
good_ids="a-lossless a-qp30 b-lossless b-qp42"

# --- 4. Slurm: array of 3 shards + dependent merge ---------------------------------
t0=$(date +%s)
status=0
GEARNN=$gearnn GEARNN_MODEL=$model GEARNN_GEARS=$gears GEARNN_CPUS=1 \
  step timeout 600 "$repo/scripts/slurm/submit.sh" --wait "$d/manifest.jsonl" "$T/slurm-out" 3 -- --masks none \
  > "$T/submit-ids.txt" || status=$?
ids=$(cat "$T/submit-ids.txt")
say "slurm: $ids, merge exit $status, $(( $(date +%s) - t0 )) s"
[ "$status" -eq 0 ] || die "merge job failed (exit $status)"
[[ "$ids" =~ ^array=([0-9]+)\ merge=([0-9]+)$ ]] || die "submit.sh printed '$ids'"
array_id=${BASH_REMATCH[1]}
[ -f "$T/slurm-out/merged.json" ] || die "no merged report"
scontrol show job -o "$array_id" > "$T/array-jobs.txt" || die "scontrol show job $array_id"

# --- 5. the same manifest, one local unsharded batch ---------------------------------
t0=$(date +%s)
status=0
step timeout 600 "$gearnn" batch "$d/manifest.jsonl" --out "$T/local" --model "$model" --gears "$gears" \
  --masks none --jobs 2 --threads 1 2> "$T/log/local-batch.log" || status=$?
[ "$status" -eq 3 ] || die "local batch exited $status, expected 3 (partial: one bad item)"
"$gearnn" merge "$T/local" --out "$T/local.json"
say "local: batch + merge in $(( $(date +%s) - t0 )) s"

# --- 6. checks -------------------------------------------------------------------------
check() {  # REFERENCE MERGED SHARDS LOG... : same metrics, ids once across shard logs
  python3 - "$@" <<'EOF'
import json, re, sys
ref_path, got_path, shards, logs = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4:]
ref, got = json.load(open(ref_path)), json.load(open(got_path))
good = {"a-lossless", "a-qp30", "b-lossless", "b-qp42"}
problems = []
def expect(cond, what):
    if not cond: problems.append(what)
for name, r in (("local", ref), ("merged", got)):
    expect({i["id"] for i in r["items"]} == good, f"{name}: items {sorted(i['id'] for i in r['items'])}")
    expect([f["id"] for f in r["failures"]] == ["missing"], f"{name}: failures {r['failures']}")
m, n = ref["metrics"], got["metrics"]
expect(m["confusion_matrix"] == n["confusion_matrix"], "confusion matrices differ")
for k in ("miou", "pixel_acc", "per_class_iou", "mean_item_miou", "mean_frame_miou"):
    expect(m[k] == n[k], f"metrics.{k}: local {m[k]} vs merged {n[k]}")
expect(ref["frames"] == got["frames"] == 48, f"frames: local {ref['frames']}, merged {got['frames']}")
# Which shard ran each item: every log has its "shard I/N" summary line and one line per item.
seen = {}
for log in logs:
    text = open(log).read()
    s = re.search(r"batch: shard (\d+)/(\d+)", text)
    if not s:
        problems.append(f"{log}: no batch summary line"); continue
    expect(int(s.group(2)) == shards, f"{log}: shard count {s.group(2)}")
    for item, event in re.findall(r"\[([A-Za-z0-9._-]+): (done|FAILED|skipped)", text):
        seen.setdefault(item, []).append((s.group(1), event))
expect(sorted(seen) == sorted(good | {"missing"}), f"ids seen in shard logs: {sorted(seen)}")
for item, runs in seen.items():
    expect(len(runs) == 1, f"{item} ran {len(runs)} times: {runs}")
print(json.dumps({"miou": n["miou"], "mean_item_miou": n["mean_item_miou"],
                  "shard_of": {i: r[0][0] for i, r in sorted(seen.items())}}))
if problems:
    print("\n".join(problems), file=sys.stderr); sys.exit(1)
EOF
}
logs=("$T"/slurm-out/slurm/array-"$array_id"_*.out)
[ ${#logs[@]} -eq 3 ] || die "expected 3 array task logs, found ${#logs[@]}"
summary=$(check "$T/local.json" "$T/slurm-out/merged.json" 3 "${logs[@]}") || die "slurm run differs from the local run"
say "slurm merged == local: $summary"

# Exit codes: 3 (partial) for the task whose shard holds the bad item, 0 for the others.
bad_shard=$(python3 -c 'import json,sys; print([json.loads(l) for l in open(sys.argv[1])][0]["shard"].split("/")[0])' \
  "$T/slurm-out/failures.jsonl")
for ((i = 0; i < 3; i++)); do
  line=$(grep -E "ArrayTaskId=$i " "$T/array-jobs.txt") || die "no record of array task $i"
  code=$(sed -E 's/.* ExitCode=([0-9]+):.*/\1/' <<< "$line")
  want=0; [ "$i" -ne "$bad_shard" ] || want=3
  [ "$code" = "$want" ] || die "array task $i exit code $code, expected $want"
done
say "array task exit codes: 3 for shard $bad_shard (the bad item), 0 for the others"

# Resume with another shard count: complete items are skipped, the bad one is retried.
t0=$(date +%s)
GEARNN=$gearnn GEARNN_MODEL=$model GEARNN_GEARS=$gears GEARNN_CPUS=1 \
  step timeout 600 "$repo/scripts/slurm/submit.sh" --wait "$d/manifest.jsonl" "$T/slurm-out" 2 -- --masks none \
  > "$T/submit-ids.txt" || die "resubmission: merge failed"
ids=$(cat "$T/submit-ids.txt")
[[ "$ids" =~ ^array=([0-9]+)\ merge=([0-9]+)$ ]] || die "submit.sh printed '$ids'"
skipped=$(cat "$T"/slurm-out/slurm/array-"${BASH_REMATCH[1]}"_*.out | grep -oE '\[[a-z0-9-]+: skipped' | sort | tr '\n' ' ')
[ "$skipped" = "[a-lossless: skipped [a-qp30: skipped [b-lossless: skipped [b-qp42: skipped " ] \
  || die "resubmission (2 shards) skipped '$skipped', expected every good item"
check "$T/local.json" "$T/slurm-out/merged.json" 2 "$T"/slurm-out/slurm/array-"${BASH_REMATCH[1]}"_*.out > /dev/null \
  || die "merged report after resubmission differs"
say "resubmission with 2 shards skipped the 4 complete items, retried the bad one ($(( $(date +%s) - t0 )) s)"

# --- 7. GNU parallel recipe, on this machine (-S :), two shards at a time ------------------
t0=$(date +%s)
status=0
GEARNN=$gearnn GEARNN_MODEL=$model GEARNN_GEARS=$gears \
  step timeout 600 "$repo/scripts/parallel/run_hosts.sh" -S : -j 2 "$d/manifest.jsonl" "$T/parallel-out" 3 \
  -- --masks none --threads 1 > "$T/log/parallel.log" 2>&1 || status=$?
[ "$status" -eq 1 ] || { cat "$T/log/parallel.log" >&2; die "run_hosts.sh exited $status, expected 1 (one shard fails)"; }
[ -f "$T/parallel-out/merged.json" ] || die "run_hosts.sh wrote no merged report"
# Split parallel's tagged output ("I<TAB>line") into one log per shard for the check.
for ((i = 0; i < 3; i++)); do
  { grep -P "^$i\t" "$T/log/parallel.log" || true; } | cut -f2- > "$T/log/parallel-shard-$i.log"
done
summary=$(check "$T/local.json" "$T/parallel-out/merged.json" 3 "$T"/log/parallel-shard-*.log) \
  || { cat "$T/log/parallel.log" >&2; die "parallel run differs from the local run"; }
say "parallel merged == local ($(( $(date +%s) - t0 )) s)"

say "passed in $(( $(date +%s) - t_start )) s"
