#!/usr/bin/env bash
# Runs the whole test suite (Catch2 unit tests and CLI tests, through CTest).
set -euo pipefail
cd "$(dirname "$0")/.."
ctest --test-dir build --output-on-failure -j "$(nproc)" "$@"
