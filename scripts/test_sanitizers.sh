#!/usr/bin/env bash
# The whole test suite under AddressSanitizer + UndefinedBehaviorSanitizer
# (and LeakSanitizer, part of ASan), built in its own tree. Every gearnn process
# the tests start (the CLI scripts, batch children) is instrumented too; their
# reports go to files under TREE/sanitizer-logs, so a report from a process whose
# exit code a test ignores still fails this script. Suppressions, each justified,
# are in test/sanitizers/ (LibTorch internals only).
# Long (a full instrumented build and the suite): its run time is in README.md, "Long checks". Not part of CI.
# Usage: scripts/test_sanitizers.sh [BUILD_TREE]   (default build-asan; after scripts/setup.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
src=$PWD
tree=${1:-build-asan}
start=$(date +%s)
launcher=()
command -v ccache > /dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S . -B "$tree" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGEARNN_SANITIZE=address,undefined \
  -DCMAKE_DISABLE_PRECOMPILE_HEADERS=ON "${launcher[@]}" > /dev/null
cmake --build "$tree"
built=$(date +%s)

logs=$PWD/$tree/sanitizer-logs
rm -rf "$logs" && mkdir -p "$logs"
# Exit codes 86/87 never collide with gearnn's own (0-3, 70): a test expecting
# "exit 1, bad input" cannot pass on a sanitizer report.
export ASAN_OPTIONS="log_path=$logs/asan:exitcode=86:detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1"
export UBSAN_OPTIONS="log_path=$logs/ubsan:exitcode=87:halt_on_error=1:print_stacktrace=1:suppressions=$src/test/sanitizers/ubsan.supp"
export LSAN_OPTIONS="suppressions=$src/test/sanitizers/lsan.supp:print_suppressions=0"
export OMP_WAIT_POLICY=PASSIVE  # the suite runs two tests at once on two cores
status=0
(cd "$tree" && ctest -j2 --timeout 3600 --output-on-failure) || status=$?

reports=$(find "$logs" -type f | sort)
if [ -n "$reports" ]; then
  echo "test_sanitizers: sanitizer reports:" >&2
  for f in $reports; do echo "----- $f" >&2; head -40 "$f" >&2; done
  status=1
fi
echo "test_sanitizers: build $((built - start)) s, tests $(( $(date +%s) - built )) s, $(echo "$reports" | grep -c . || true) report file(s), ctest status $status" >&2
exit "$status"
