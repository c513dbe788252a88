#!/usr/bin/env bash
# Speed of two gearnn builds on the same work, interleaved (A B A B ...) so a
# drifting machine moves both: a 150-frame 640x360 synthetic street clip at
# libx264 QP 28, with labels and ids masks written. Prints, for --threads 1 and
# 2, each build's median wall seconds of `gearnn run` and the median of the
# per-pair ratios NEW/OLD; each build's `bench forward` (forward alone, and with
# the logits' resize + argmax, ms per frame); and, for NEW, one epoch of `train`
# at one thread with the reference BLAS against OpenBLAS (LD_LIBRARY_PATH picks
# which libblas.so.3 LibTorch loads).
# Usage: scripts/bench_speed.sh OLD_GEARNN [NEW_GEARNN]   (NEW: build/gearnn; ROUNDS=5)
#   OLD_GEARNN is another build, e.g. of an earlier commit in a git worktree.
set -euo pipefail
cd "$(dirname "$0")/.."
old=$1
new=${2:-build/gearnn}
rounds=${ROUNDS:-5}
work=$(mktemp -d /tmp/gearnn-speed.XXXXXX)
trap 'rm -rf "$work"' EXIT
"$new" synth --quiet --out "$work/clip" --frames 150 --seed 77
"$new" distort --quiet "$work/clip/video.mkv" --out "$work/clip.mp4" --qp 28
echo '{"clips": ["'"$work/clip"'"]}' > "$work/ds.json"

/usr/bin/python3 - "$old" "$new" "$rounds" "$work" <<'PY'
import json, os, statistics, subprocess, sys, time
old, new, rounds, work = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
model = "data/models/street"

def wall(cmd, env=None):
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, env=env)
    return time.perf_counter() - t

def ab(make_a, make_b, label):
    a, b = [], []
    make_a(); make_b()  # warm-up: page cache, lazy loading
    for _ in range(rounds):
        a.append(make_a()); b.append(make_b())
    ratios = [x / y for x, y in zip(a, b)]
    print(f"{label:44s} A {statistics.median(a):7.3f} s   B {statistics.median(b):7.3f} s   "
          f"A/B {statistics.median(ratios):.3f} (pairs {min(ratios):.3f}-{max(ratios):.3f})")

def run(binary, threads, out):
    return lambda: wall([binary, "run", f"{work}/clip.mp4", "--model", model, "--gt", f"{work}/clip/labels",
                         "--out", f"{work}/{out}", "--quiet", "--threads", str(threads)])

print(f"A = {new}, B = {old}; {rounds} interleaved pairs each")
for threads in (1, 2):
    ab(run(new, threads, "run-new"), run(old, threads, "run-old"), f"gearnn run, --threads {threads}")
    m = [json.load(open(f"{work}/run-{k}/report.json"))["metrics"]["miou"] for k in ("new", "old")]
    print(f"{'':44s} mIoU A {m[0]:.6f}   B {m[1]:.6f}")
for threads in (1, 2):
    for name, binary in (("A", new), ("B", old)):
        r = json.loads(subprocess.run([binary, "bench", "forward", "--model", model, f"{work}/clip.mp4", "--frames",
                                       "100", "--threads", str(threads)], check=True, capture_output=True).stdout)
        print(f"bench forward {name}, --threads {threads}: forward {r['forward_ms']:.2f} ms, "
              f"+ resize/argmax {r['forward_postprocess_ms']:.2f} ms per frame")
blas = {k: dict(os.environ, LD_LIBRARY_PATH=f"/usr/lib/x86_64-linux-gnu/{k}")
        for k in ("blas", "openblas-pthread", "openblas-openmp")}
present = [k for k in blas if os.path.exists(f"/usr/lib/x86_64-linux-gnu/{k}/libblas.so.3")]
def train(k, threads):
    return lambda: wall([new, "train", "--dataset", f"{work}/ds.json", "--epochs", "1", "--stride", "2", "--threads",
                         str(threads), "--quiet", "--cache", f"{work}/cache", "--out", f"{work}/m-{k}"], env=blas[k])
for threads in (1, 2):
    if "blas" in present and "openblas-pthread" in present:
        ab(train("openblas-pthread", threads), train("blas", threads),
           f"train 1 epoch, --threads {threads}: OpenBLAS / reference")
    if "openblas-openmp" in present and "openblas-pthread" in present:
        ab(train("openblas-openmp", threads), train("openblas-pthread", threads),
           f"train 1 epoch, --threads {threads}: openmp / pthread")
PY
