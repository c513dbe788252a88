#!/usr/bin/env bash
# gearnn installed like a real tool: `cmake --install` into a temporary prefix,
# the installed binary run from elsewhere on its shipped sample, model and gear
# set found by name; a program built against the installed CMake package; and
# `cpack -G DEB` holding the binary and the shipped data.
# Usage: install_test.sh BUILD_DIR CXX_COMPILER
set -u
build=$(cd "$1" && pwd)
cxx=$2
tmp=$(mktemp -d /tmp/gearnn-install-test.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix
share=$prefix/share/gearnn
unset GEARNN_DATA_DIR

die() { echo "FAIL: $*" >&2; exit 1; }
json_check() {  # json_check FILE PYTHON-EXPRESSION-OF-j MESSAGE
  python3 -c "import json,sys; j=json.load(open(sys.argv[1])); sys.exit(0 if ($2) else 1)" "$1" || die "$3"
}

# --- install --------------------------------------------------------------
cmake --install "$build" --prefix "$prefix" >"$tmp/install.log" || { cat "$tmp/install.log"; die "cmake --install"; }
for f in bin/gearnn lib/libgearnn_io.a lib/libgearnn_model.a include/gearnn/io/model_card.h \
         lib/cmake/gearnn/gearnnConfig.cmake lib/cmake/gearnn/gearnnConfigVersion.cmake \
         share/gearnn/configs/ladders/qp.json share/gearnn/models/street/model.json \
         share/gearnn/models/street/gears/qp/gears.json share/gearnn/samples/street-dynamic/video.mp4; do
  [ -e "$prefix/$f" ] || die "not installed: $f"
done
[ -e "$prefix/include/gearnn/io/shipped_data.h" ] || die "public headers not all installed"
echo "installed into $prefix"

# --- the installed binary, by names, from a directory outside the source tree
mkdir -p "$tmp/elsewhere" && cd "$tmp/elsewhere" || exit 1
sample=$share/samples/street-dynamic
"$prefix/bin/gearnn" run "$sample/video.mp4" --model street --gears qp --gt "$sample/labels" --out out \
  --masks none --max-frames 20 --threads 2 --quiet || die "installed gearnn run --model street --gears qp"
json_check out/report.json 'j["complete"] is True and j["frames"] == 20' "report.json not complete with 20 frames"
json_check out/report.json '0.2 < j["metrics"]["miou"] <= 1' "report.json has no plausible mIoU"
json_check out/report.json "j['model']['dir'] == '$share/models/street'" "model not the installed one"
json_check out/report.json "j['gears']['dir'] == '$share/models/street/gears/qp'" "gear set not the installed one"
json_check out/report.json 'any(k.startswith("qp") for k in j["gear_usage"])' "no qp gear used"
echo "run: $(python3 -c 'import json; r=json.load(open("out/report.json")); print(r["frames"], "frames, mIoU", r["metrics"]["miou"])')"

"$prefix/bin/gearnn" probe "$sample/video.mp4" --gears street/qp --max-frames 3 --json >probe.json \
  || die "installed gearnn probe --gears street/qp"
json_check probe.json "j['gears'] == '$share/models/street/gears/qp'" "probe: gear set not the installed one"

"$prefix/bin/gearnn" distort "$sample/video.mp4" --out sched.mp4 --schedule sample-dynamic --max-frames 3 --quiet \
  || die "installed gearnn distort --schedule sample-dynamic"
[ -s sched.mp4 ] || die "distort by schedule name wrote nothing"

# An unknown name: one line naming it and the places searched, non-zero exit.
if "$prefix/bin/gearnn" run "$sample/video.mp4" --model nosuch --out bad 2>err.txt; then die "unknown model accepted"; fi
[ "$(wc -l <err.txt)" -eq 1 ] || die "error is not one line: $(cat err.txt)"
grep -q "nosuch: .*$share/models/nosuch" err.txt || die "error does not name the places searched: $(cat err.txt)"

# --- a program built against the installed package ---------------------------
mkdir -p "$tmp/consumer"
cat >"$tmp/consumer/CMakeLists.txt" <<'CMAKE'
cmake_minimum_required(VERSION 3.18)
project(consumer LANGUAGES CXX)
set(CMAKE_CXX_STANDARD 17)
find_package(gearnn 0.1 REQUIRED)
message(STATUS "gearnn package: ${gearnn_DIR}")
add_executable(app main.cpp)
target_link_libraries(app gearnn::gearnn)
CMAKE
cat >"$tmp/consumer/main.cpp" <<'CPP'
#include <cstdio>
#include "gearnn/model/segmenter.h"
int main(int argc, char** argv) {
  gearnn::Segmenter model(argv[1]);  // a shipped model, by name
  const cv::Mat ids = model.predict(cv::Mat(48, 64, CV_8UC3, cv::Scalar(90, 90, 90)));
  std::printf("classes=%d ids=%dx%d\n", model.card().num_classes(), ids.cols, ids.rows);
}
CPP
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
cmake -S "$tmp/consumer" -B "$tmp/consumer/build" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_PREFIX_PATH="$prefix" >"$tmp/consumer.log" 2>&1 \
  || { cat "$tmp/consumer.log"; die "configuring a program with find_package(gearnn)"; }
grep -q "gearnn package: $prefix/lib/cmake/gearnn" "$tmp/consumer.log" || die "find_package(gearnn) found another install"
cmake --build "$tmp/consumer/build" >>"$tmp/consumer.log" 2>&1 || { cat "$tmp/consumer.log"; die "building against gearnn"; }
out=$(GEARNN_DATA_DIR=$share "$tmp/consumer/build/app" street) || die "the consumer program failed: $out"
classes=$(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))['classes']))" "$share/models/street/model.json")
[ "$out" = "classes=$classes ids=64x48" ] || die "consumer printed '$out', expected 'classes=$classes ids=64x48'"
echo "consumer: $out"

# --- the Debian package --------------------------------------------------------
if ! command -v dpkg-deb >/dev/null || ! command -v cpack >/dev/null; then
  echo "SKIP: no dpkg-deb/cpack, Debian package not checked"
  exit 0
fi
(cd "$tmp" && cpack -G DEB --config "$build/CPackConfig.cmake" -B "$tmp/pkg" >"$tmp/cpack.log" 2>&1) \
  || { cat "$tmp/cpack.log"; die "cpack -G DEB"; }
deb=$(ls "$tmp"/pkg/gearnn_*.deb 2>/dev/null | head -1)
[ -n "$deb" ] || { cat "$tmp/cpack.log"; die "cpack made no gearnn_*.deb"; }
dpkg-deb -c "$deb" >"$tmp/contents.txt"
for f in ./usr/bin/gearnn ./usr/share/gearnn/models/street/model.json ./usr/share/gearnn/models/street/gears/qp/gears.json \
         ./usr/share/gearnn/configs/ladders/qp.json ./usr/share/gearnn/samples/street-dynamic/video.mp4 \
         ./usr/lib/cmake/gearnn/gearnnConfig.cmake; do
  grep -q " $f\$" "$tmp/contents.txt" || die "$(basename "$deb") lacks $f"
done
depends=$(dpkg-deb -f "$deb" Depends)
for lib in libtorch libavcodec libavformat libopencv-core; do
  [[ $depends == *$lib* ]] || die "Depends lacks $lib: $depends"
done
echo "package: $(basename "$deb"), Depends: $depends"
echo "install test passed"
