#!/usr/bin/env bash
# Fuzzes every loader of untrusted files (test/fuzz, docs/fuzzing.md) with
# libFuzzer + ASan + UBSan: builds build-fuzz with clang if needed, makes the
# seed corpus if needed (scripts/make_fuzz_corpus.sh, needs build/gearnn),
# then runs each target for SECONDS, one after the other, and prints per
# target executions, exec/s, coverage (cov: edges, ft: features) and any
# crash file. New corpus units go to build-fuzz/corpus/TARGET, findings to
# build-fuzz/findings/TARGET/, logs to build-fuzz/logs/. Exit 1 on any finding.
# Long (SECONDS x 7 plus the build): its run time is in README.md, "Long checks". Not part of CI.
# Usage: scripts/fuzz.sh SECONDS [TARGET...]   (after scripts/setup.sh; CXX=clang++-14 by default)
set -euo pipefail
cd "$(dirname "$0")/.."
src=$PWD
seconds=${1:?usage: scripts/fuzz.sh SECONDS [TARGET...]}
shift
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(tensor_file gear_set model_card manifest merge ladder selection)
tree=build-fuzz

if [ ! -f "$tree/build.ninja" ]; then
  cxx=${CXX:-$(command -v clang++-14 || command -v clang++ || echo clang++)}
  launcher=()
  command -v ccache > /dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  cmake -S . -B "$tree" -G Ninja -DGEARNN_FUZZ=ON -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    "${launcher[@]}" > /dev/null
fi
cmake --build "$tree"
[ -d "$tree/seeds" ] || scripts/make_fuzz_corpus.sh "$tree/seeds"

mkdir -p "$tree/logs"
# The targets' scratch files, rewritten at every input: in memory when there
# is a tmpfs (merge runs 7 times faster than on disk), removed at the end.
scratch=$(mktemp -d /dev/shm/gearnn-fuzz.XXXXXX 2> /dev/null || mktemp -d "$src/$tree/tmp.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
export TMPDIR=$scratch
export OMP_NUM_THREADS=1 OMP_WAIT_POLICY=PASSIVE  # LibTorch in tensor_file
# LeakSanitizer runs after every input; suppressions as for scripts/test_sanitizers.sh.
export ASAN_OPTIONS="detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:suppressions=$src/test/sanitizers/ubsan.supp"

status=0
summary=$(printf '%-12s %12s %8s %7s %7s %7s  %s' target execs exec/s cov ft corpus result)
for t in "${targets[@]}"; do
  exe=$tree/test/fuzz/fuzz_$t
  [ -x "$exe" ] || { echo "fuzz: $exe: no such target" >&2; exit 2; }
  corpus=$tree/corpus/$t findings=$tree/findings/$t log=$tree/logs/$t.log
  mkdir -p "$corpus" "$findings"
  echo "fuzz: $t for $seconds s (log $log)" >&2
  # A target's own LeakSanitizer suppressions (each justified in its file), else the suite's.
  supp=test/fuzz/lsan_$t.supp
  [ -f "$supp" ] || supp=test/sanitizers/lsan.supp
  # tensor_file: LibTorch's zip reader allocates the size a record declares
  # before reading it, up to 2^64 (docs/fuzzing.md): a failed or untouched
  # allocation is no finding there, the memory actually used (-rss_limit_mb) is.
  extra=() asan=$ASAN_OPTIONS
  [ "$t" = tensor_file ] && extra=(-malloc_limit_mb=1048576) asan+=:allocator_may_return_null=1
  rc=0
  ASAN_OPTIONS=$asan LSAN_OPTIONS="suppressions=$src/$supp:print_suppressions=0" nice -n 10 "$exe" "${extra[@]}" -max_total_time="$seconds" -rss_limit_mb=2560 -timeout=10 -print_final_stats=1 \
    -artifact_prefix="$findings/" "$corpus" "$tree/seeds/$t" > "$log" 2>&1 || rc=$?
  # libFuzzer's last status line ("#N DONE cov: C ft: F corp: U/...") and final stats.
  last=$(grep -E '^#[0-9]+[[:space:]].*cov: ' "$log" | tail -1 || true)
  stat() { grep -oE "^stat::$1: *[0-9]+" "$log" | grep -oE '[0-9]+$' || echo '?'; }
  cov=$(echo "$last" | grep -oE 'cov: [0-9]+' | grep -oE '[0-9]+' || echo '?')
  ft=$(echo "$last" | grep -oE 'ft: [0-9]+' | grep -oE '[0-9]+' || echo '?')
  crash=$(grep -oE 'Test unit written to [^ ]+' "$log" | sed 's/Test unit written to //' | tr '\n' ' ' || true)
  result=ok
  if [ "$rc" -ne 0 ] || [ -n "$crash" ]; then
    result="FINDING (exit $rc) ${crash:-see $log}"
    status=1
  fi
  summary+=$'\n'$(printf '%-12s %12s %8s %7s %7s %7s  %s' "$t" "$(stat number_of_executed_units)" \
    "$(stat average_exec_per_sec)" "$cov" "$ft" "$(ls "$corpus" | wc -l)" "$result")
done
echo "$summary"
[ "$status" -eq 0 ] || echo "fuzz: findings above; reproduce one with $tree/test/fuzz/fuzz_TARGET FILE (docs/fuzzing.md)" >&2
exit "$status"
