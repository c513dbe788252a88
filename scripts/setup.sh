#!/usr/bin/env bash
# Installs every Debian package gearnn needs (build, run and test), then builds
# build/gearnn (Release). Safe to run again: installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  cmake ninja-build g++ pkg-config
  libtorch-dev libavcodec-dev libavformat-dev libavutil-dev libswscale-dev ffmpeg
  libopencv-dev libcli11-dev nlohmann-json3-dev catch2 libpng-dev
  # LibTorch calls the system libblas.so.3 (the reference BLAS on a fresh Debian):
  # OpenBLAS takes it over through alternatives; one-thread training takes about 0.6x the time (docs/benchmarks.md, Speed).
  libopenblas0-pthread
  python3-torch python3-torchvision  # tests script TorchScript models with Debian's torch
  slurm-wlm munge parallel  # scripts/test_slurm.sh: a throwaway Slurm cluster, the GNU parallel recipe
  chromium  # tests render the HTML report headless
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "setup: installing ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j "$(nproc)"
