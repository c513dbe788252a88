#!/usr/bin/env bash
# Installs the real footage the benchmarks and studies use, from Debian packages
# (never committed): opencv-doc's vtest.avi, a 768x576 street scene, 795 frames.
set -euo pipefail
if [ ! -f /usr/share/doc/opencv-doc/examples/data/vtest.avi ]; then
  sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get install -y -q opencv-doc
fi
echo "footage: /usr/share/doc/opencv-doc/examples/data/vtest.avi"
