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
# gearnn's forward per frame at --batch 1, 2 and 4. gearnn runs with its own
# thread plan (no --threads: every usable core but one for the forward); in the
# same rounds also `gearnn run --threads THREADS` (the forward on THREADS cores)
# and, with THREADS > 1, the peer at one thread, so each side's better plan is
# compared: the speed-up is against the peer's faster thread count.
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

print(f"{rounds} interleaved rounds, gearnn with its own thread plan and with --threads {threads}, "
      f"peer at --threads {threads}" + (" and 1" if threads != "1" else "") + f", gearnn --batch {batch}")
for name, (model, gears) in models.items():
    run = [gearnn, "run", clip, "--model", model, "--gears", gears, "--gt", labels, "--out", f"{work}/run",
           "--quiet", "--batch", batch]
    run_n = [x if x != f"{work}/run" else f"{work}/run-n" for x in run] + ["--threads", threads]
    peer = [sys.executable, "scripts/peer_pipeline.py", clip, "--model", model, "--gears", gears, "--schedule",
            f"{work}/run/frames.jsonl", "--gt", labels, "--out", f"{work}/peer"]
    peers = {threads: peer + ["--threads", threads]}
    if threads != "1":
        peers["1"] = peer + ["--threads", "1"]
    wall(run)  # warm-up; the peer follows this run's gears
    for p in peers.values():
        wall(p)
    a, a_n = [], []
    b = {t: [] for t in peers}
    inside = {t: [] for t in peers}
    for _ in range(rounds):
        a.append(wall(run)[0])
        for t, p in peers.items():
            s, out = wall(p)
            b[t].append(s)
            inside[t].append(json.loads(out)["seconds"])
        a_n.append(wall(run_n)[0])
    best = min(b, key=lambda t: statistics.median(b[t]))  # the peer's faster thread count
    pairs = [y / x for x, y in zip(a, b[best])]
    report = json.load(open(f"{work}/run/report.json"))
    peer_miou = json.loads(out)["miou"]
    ours = report["metrics"]["miou"]
    print(f"{name}\n  gearnn run {statistics.median(a):.3f} s ({report['threads']['torch_intra_op']} forward thread(s)), "
          f"peer {statistics.median(b[best]):.3f} s (--threads {best}, its faster): "
          f"gearnn {statistics.median(pairs):.2f}x (pairs {min(pairs):.2f}-{max(pairs):.2f}), "
          f"{report['gear_switches']} gear switches, {150 / statistics.median(a):.0f} fps")
    for t in peers:
        if t != best:
            print(f"  peer --threads {t}: {statistics.median(b[t]):.3f} s")
    print(f"  peer without Python's start-up (imports): {statistics.median(inside[best]):.3f} s: "
          f"gearnn {statistics.median(y / x for x, y in zip(a, inside[best])):.2f}x")
    print(f"  gearnn run --threads {threads}: {statistics.median(a_n):.3f} s, "
          f"its time / the thread plan's {statistics.median(y / x for x, y in zip(a, a_n)):.2f}")
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
