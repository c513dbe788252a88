#!/usr/bin/env bash
# How much compression harms each scene, and how much street's QP gears give
# back. SCENES synthetic scenes (seeds 3000.., 30 frames, never used elsewhere)
# are segmented by data/models/street pristine and re-encoded at QP (default 47),
# without gears and with its shipped QP set. Prints per scene: mIoU pristine, at
# the QP without and with gears, the harm (pristine - compressed) and the gears'
# gain, the median luma of the compressed frames; then the correlation of luma
# with harm and of harm with gain. (The gear that over-corrects a scene the
# distortion barely harms is issue 14's sample failure.)
# Usage: [SCENES=16] [QP=47] scripts/bench_scene_harm.sh [WORK_DIR]   (after scripts/setup.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
gearnn=${GEARNN:-build/gearnn}
model=data/models/street
work=${1:-build/bench-scene-harm}
scenes=${SCENES:-16}
qp=${QP:-47}
mkdir -p "$work"
for seed in $(seq 3000 $((3000 + scenes - 1))); do
  [ -f "$work/s$seed/meta.json" ] || $gearnn synth --quiet --out "$work/s$seed" --frames 30 --seed "$seed"
  [ -f "$work/s$seed-qp$qp.mp4" ] || $gearnn distort --quiet "$work/s$seed/video.mkv" --out "$work/s$seed-qp$qp.mp4" --qp "$qp"
done

/usr/bin/python3 - "$gearnn" "$model" "$work" "$scenes" "$qp" <<'PY'
import json, statistics, sys
sys.path.insert(0, "scripts")
import bench_runs
gearnn, model, work, scenes, qp = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]

def corr(a, b):
    ma, mb = statistics.mean(a), statistics.mean(b)
    num = sum((x - ma) * (y - mb) for x, y in zip(a, b))
    return num / (sum((x - ma) ** 2 for x in a) * sum((y - mb) ** 2 for y in b)) ** 0.5

print(f"| scene | pristine | QP {qp} | QP {qp}, gears | harm | gain | luma |")
print("|---|---|---|---|---|---|---|")
harms, gains, lumas = [], [], []
for seed in range(3000, 3000 + scenes):
    labels = f"{work}/s{seed}/labels"
    clean = bench_runs.run(gearnn, f"{work}/s{seed}/video.mkv", model, f"{work}/runs/{seed}/pristine", labels=labels)
    video = f"{work}/s{seed}-qp{qp}.mp4"
    none = bench_runs.run(gearnn, video, model, f"{work}/runs/{seed}/qp{qp}-none", labels=labels)
    gears = bench_runs.run(gearnn, video, model, f"{work}/runs/{seed}/qp{qp}-gears", f"{model}/gears/qp", labels=labels)
    c, n, g = (r["metrics"]["miou"] for r in (clean, none, gears))
    luma = statistics.median(json.loads(line)["luma"] for line in open(f"{none['_dir']}/frames.jsonl"))
    harms.append(100 * (c - n)); gains.append(100 * (g - n)); lumas.append(luma)
    print(f"| {seed} | {c:.4f} | {n:.4f} | {g:.4f} | {harms[-1]:.2f} | {gains[-1]:+.2f} | {luma:.0f} |")
print(f"\nscenes where the gears lose: {sum(x < 0 for x in gains)} of {scenes}; mean gain {statistics.mean(gains):+.2f}")
print(f"correlation: luma with harm {corr(lumas, harms):+.2f}, harm with gain {corr(harms, gains):+.2f}")
PY
