#!/usr/bin/env bash
# gearnn against a tuned Python pipeline doing the same job (scripts/peer_pipeline.py:
# PyAV in a decode thread, frozen + optimised TorchScript, max(1).indices, a PNG
# writer thread), on a 150-frame 640x360 synthetic street whose QP changes every
# 25 frames (libx264), labels scored, id masks written, gears switching. For the
# shipped `street` model with its QP gears, and for torchvision's LRASPP
# MobileNetV3 at 384x224 (random weights, TorchScript) with QP gears fitted here
# (one epoch: the timing needs switching gears, not good ones).
# Prints, per model: whole-process seconds of each, interleaved (gearnn, peer,
# gearnn, ...), the median of the per-pair ratios peer/gearnn (gearnn's speed-up;
# also against the peer's own clock, which starts after Python has imported torch),
# both mIoUs (they must agree to 1e-4), and the forward alone, gears loaded
# (`gearnn bench forward --gears` against the peer's --forward-frames), and
# gearnn's forward per frame at --batch 1, 2 and 4. With THREADS > 1 also
# `gearnn run --threads 1` (the forward on one core, decoding and writing on the
# others) in the same rounds: the thread plan.
# Installs python3-av (Debian) if missing. Finished set-up steps are kept.
# Usage: scripts/bench_peer.sh [WORK_DIR]   (default build/bench-peer; THREADS=2, ROUNDS=5, BATCH=1)
set -euo pipefail
cd "$(dirname "$0")/.."
gearnn=${GEARNN:-build/gearnn}
work=${1:-build/bench-peer}
threads=${THREADS:-2}
rounds=${ROUNDS:-5}
batch=${BATCH:-1}
py=/usr/bin/python3
$py -c "import av, cv2, PIL, torchvision" 2>/dev/null ||
  { apt-get install -y python3-av python3-opencv python3-pil python3-torchvision >/dev/null ||
    { apt-get update >/dev/null && apt-get install -y python3-av python3-opencv python3-pil python3-torchvision >/dev/null; }; }
mkdir -p "$work"

# The clip: QP 22, 44, 30, 50, 26, 40 for 25 frames each.
[ -f "$work/clip/meta.json" ] || $gearnn synth --quiet --out "$work/clip" --frames 150 --width 640 --height 360 --seed 77
cat > "$work/schedule.json" <<'JSON'
{"segments": [{"frames": [0, 25], "qp": 22}, {"frames": [25, 50], "qp": 44}, {"frames": [50, 75], "qp": 30},
              {"frames": [75, 100], "qp": 50}, {"frames": [100, 125], "qp": 26}, {"frames": [125, 150], "qp": 40}]}
JSON
[ -f "$work/clip.mp4" ] || $gearnn distort --quiet "$work/clip/video.mkv" --out "$work/clip.mp4" --schedule "$work/schedule.json"

# LRASPP and its gears: fitted on two other clips at QP 24 and 46.
if [ ! -f "$work/lraspp/model.json" ]; then
  $py test/make_torchscript_model.py --kind lraspp --size 384x224 --out "$work/lraspp.tmp"
  rm -rf "$work/lraspp" && mv "$work/lraspp.tmp" "$work/lraspp"
fi
if [ ! -f "$work/lraspp-gears/gears.json" ]; then
  for seed in 81 82; do
    [ -f "$work/fit-$seed/meta.json" ] || $gearnn synth --quiet --out "$work/fit-$seed" --frames 16 --seed $seed
  done
  echo '{"clips": ["fit-81"]}' > "$work/fit.json"
  echo '{"clips": ["fit-82"]}' > "$work/val.json"
  echo '{"name": "qp2", "feature": "qp", "levels": [{"name": "qp24", "qp": 24}, {"name": "qp46", "qp": 46}]}' \
    > "$work/ladder.json"
  common=(--model "$work/lraspp" --dataset "$work/fit.json" --ladder "$work/ladder.json" --cache "$work/cache" --stride 4)
  $gearnn sensitivity "${common[@]}" --method fisher --out "$work/lraspp-sensitivity.json"
  $gearnn select --scores "$work/lraspp-sensitivity.json" --budget 0.2% --out "$work/lraspp-selection.json"
  $gearnn fit-gears "${common[@]}" --val "$work/val.json" --selection "$work/lraspp-selection.json" --epochs 1 \
    --out "$work/lraspp-gears.tmp"
  rm -rf "$work/lraspp-gears" && mv "$work/lraspp-gears.tmp" "$work/lraspp-gears"
fi

$py - "$gearnn" "$work" "$threads" "$rounds" "$batch" <<'PY'
import json, statistics, subprocess, sys, time
gearnn, work, threads, rounds, batch = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
clip, labels = f"{work}/clip.mp4", f"{work}/clip/labels"
models = {"street (shipped, qp gears)": ("data/models/street", "data/models/street/gears/qp"),
          "LRASPP MobileNetV3 384x224 (TorchScript)": (f"{work}/lraspp", f"{work}/lraspp-gears")}

def wall(cmd):
    t = time.perf_counter()
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return time.perf_counter() - t, out

print(f"{rounds} interleaved pairs, --threads {threads}, gearnn --batch {batch}")
for name, (model, gears) in models.items():
    run = [gearnn, "run", clip, "--model", model, "--gears", gears, "--gt", labels, "--out", f"{work}/run",
           "--quiet", "--threads", threads, "--batch", batch]
    peer = [sys.executable, "scripts/peer_pipeline.py", clip, "--model", model, "--gears", gears, "--schedule",
            f"{work}/run/frames.jsonl", "--gt", labels, "--out", f"{work}/peer", "--threads", threads]
    wall(run); wall(peer)  # warm-up; the peer follows this run's gears
    a, b, inside, one = [], [], [], []
    one_thread = [f"{work}/run-1t" if x == f"{work}/run" else x for x in run]
    one_thread[one_thread.index("--threads") + 1] = "1"
    for _ in range(rounds):
        a.append(wall(run)[0])
        s, out = wall(peer)
        b.append(s)
        inside.append(json.loads(out)["seconds"])
        if threads != "1":  # thread plan: the forward on one core, decoding and writing on the others
            one.append(wall(one_thread)[0])
    ratio = statistics.median(y / x for x, y in zip(a, b))
    report = json.load(open(f"{work}/run/report.json"))
    peer_miou = json.loads(out)["miou"]
    ours = report["metrics"]["miou"]
    print(f"{name}\n  gearnn run {statistics.median(a):.3f} s, peer {statistics.median(b):.3f} s: "
          f"gearnn {ratio:.2f}x (pairs {min(y / x for x, y in zip(a, b)):.2f}-{max(y / x for x, y in zip(a, b)):.2f}), "
          f"{report['gear_switches']} gear switches, {150 / statistics.median(a):.0f} fps")
    print(f"  peer without Python's start-up (imports): {statistics.median(inside):.3f} s: "
          f"gearnn {statistics.median(y / x for x, y in zip(a, inside)):.2f}x")
    if one:
        print(f"  gearnn run --threads 1 (forward on one core): {statistics.median(one):.3f} s, "
              f"--threads {threads}/--threads 1 {statistics.median(x / y for x, y in zip(a, one)):.2f}")
    print(f"  mIoU gearnn {ours:.6f}, peer {peer_miou:.6f}: difference {abs(ours - peer_miou):.2e} "
          f"({'within' if abs(ours - peer_miou) <= 1e-4 else 'NOT within'} 1e-4)")
    fa, fb = [], []
    for _ in range(3):
        r = json.loads(wall([gearnn, "bench", "forward", "--model", model, "--gears", gears, clip, "--frames", "100",
                             "--threads", threads])[1])
        fa.append(r["forward_ms"])
        fb.append(json.loads(wall(peer + ["--forward-frames", "100"])[1])["forward_ms"])
    print(f"  forward, gears loaded: gearnn {statistics.median(fa):.2f} ms, peer {statistics.median(fb):.2f} ms "
          f"per frame: gearnn/peer {statistics.median(x / y for x, y in zip(fa, fb)):.2f}")
    # What --batch does to the forward (the default is chosen from this).
    by_batch = {b: [] for b in (1, 2, 4)}
    for _ in range(3):
        for b in by_batch:
            r = json.loads(wall([gearnn, "bench", "forward", "--model", model, "--gears", gears, clip, "--frames", "96",
                                 "--threads", threads, "--batch", str(b)])[1])
            by_batch[b].append(r["forward_ms"])
    print("  forward by --batch: " + ", ".join(f"{b}: {statistics.median(v):.2f} ms" for b, v in by_batch.items()))
PY
