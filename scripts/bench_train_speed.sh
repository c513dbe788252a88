#!/usr/bin/env bash
# Training and gear-fitting speed with Debian's reference BLAS (libblas3, what
# LibTorch calls on a fresh Debian 12) against OpenBLAS, in its pthread variant
# (libopenblas0-pthread, installed by setup.sh) and its OpenMP one
# (libopenblas0-openmp, which shares LibTorch's OpenMP threads; measured only
# if installed), at 1 and 2 threads: samples/s of `train`, `sensitivity` and
# `fit-gears` as the commands print them, runs interleaved (reference,
# pthread, openmp, reference, ...), ROUNDS each, medians and their ratio to the
# reference. Each BLAS is chosen per run with LD_LIBRARY_PATH, so the
# machine's alternatives stay as they are. Takes about 15 minutes on 2 cores.
# Usage: scripts/bench_train_speed.sh [WORK_DIR]   (after scripts/setup.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
gearnn=${GEARNN:-build/gearnn}
model=data/models/street
work=${1:-build/bench-train-speed}
rounds=${ROUNDS:-2}
reference=/usr/lib/x86_64-linux-gnu/blas
openblas=/usr/lib/x86_64-linux-gnu/openblas-pthread
openmp=/usr/lib/x86_64-linux-gnu/openblas-openmp
for dir in "$reference" "$openblas"; do
  [ -f "$dir/libblas.so.3" ] || { echo "bench_train_speed: $dir/libblas.so.3 missing (libblas3 / libopenblas0-pthread)" >&2; exit 1; }
done
mkdir -p "$work"
for seed in 3001 3002; do
  [ -f "$work/clip-$seed/meta.json" ] || $gearnn synth --quiet --out "$work/clip-$seed" --frames 40 --seed "$seed"
done
echo '{"clips": ["clip-3001", "clip-3002"]}' >"$work/data.json"
echo '{"name": "speed", "feature": "qp", "levels": [{"name": "qp30", "qp": 30}, {"name": "qp46", "qp": 46}]}' \
  >"$work/ladder.json"
common=(--dataset "$work/data.json" --ladder "$work/ladder.json" --cache "$work/cache" --stride 2)
# Renderings and the selection, made once outside the timed runs.
[ -f "$work/scores.json" ] || $gearnn sensitivity --quiet --model "$model" "${common[@]}" --method fisher --out "$work/scores.json"
[ -f "$work/sel.json" ] || $gearnn select --scores "$work/scores.json" --budget 0.2% --out "$work/sel.json" >/dev/null

# samples/s of one command: the mean of what it prints per epoch or level.
rate() {
  local blas=$1 threads=$2 job=$3 out
  rm -rf "$work/out"
  case $job in
    train) out=$(LD_LIBRARY_PATH=$blas OMP_WAIT_POLICY=PASSIVE $gearnn train --init "$model" --mode augment \
                 "${common[@]}" --epochs 1 --threads "$threads" --out "$work/out" 2>&1) ;;
    sensitivity) out=$(LD_LIBRARY_PATH=$blas OMP_WAIT_POLICY=PASSIVE $gearnn sensitivity --model "$model" \
                 "${common[@]}" --method fisher --threads "$threads" --out "$work/out.json" 2>&1) ;;
    fit-gears) out=$(LD_LIBRARY_PATH=$blas OMP_WAIT_POLICY=PASSIVE $gearnn fit-gears --model "$model" \
                 "${common[@]}" --selection "$work/sel.json" --epochs 1 --threads "$threads" --out "$work/out" 2>&1) ;;
  esac
  echo "$out" | grep -o '[0-9.]* samples/s' | awk '{s += $1; n++} END {if (n) printf "%.2f\n", s / n; else print "nan"}'
}

have_openmp=0
[ -f "$openmp/libblas.so.3" ] && have_openmp=1
printf '%-12s %7s %12s %19s %19s\n' command threads reference "openblas-pthread" "openblas-openmp"
for job in train sensitivity fit-gears; do
  for threads in 1 2; do
    ref=(); opt=(); omp=()
    for ((r = 0; r < rounds; r++)); do
      ref+=("$(rate "$reference" "$threads" "$job")")
      opt+=("$(rate "$openblas" "$threads" "$job")")
      [ $have_openmp = 0 ] || omp+=("$(rate "$openmp" "$threads" "$job")")
    done
    python3 - "$job" "$threads" "${ref[*]}" "${opt[*]}" "${omp[*]:-}" <<'PY'
import statistics, sys
job, threads = sys.argv[1], sys.argv[2]
ref, opt, omp = ([float(x) for x in a.split()] for a in sys.argv[3:6])
r = statistics.median(ref)
def col(v):
    if not v:
        return f"{'not installed':>19s}"
    m = statistics.median(v)
    return f"{m:8.2f}/s ({m / r:4.2f}x)"
print(f"{job:12s} {threads:>7s} {r:10.2f}/s {col(opt)} {col(omp)}")
PY
  done
done
