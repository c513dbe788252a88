#!/usr/bin/env python3
"""How well frame statistics tell the brightness level (scripts/brightness_cues.sh).

Reads `gearnn probe --out` files (one per video, next to the video's
.schedule.json from `gearnn distort`). For each candidate cue, calibrates
ranges as fit-gears does (per-level medians on the calibration videos, cut
half-way between neighbours) and reports how often the level it picks is the
true one on the evaluation videos. Levels 1.00 and 1.40 count as one, as in
the shipped combined gear set, where both leave the QP gears in charge.
Usage: brightness_cues.py CALIBRATION.list EVALUATION.list
  (each line: GROUP PROBE.jsonl SCHEDULE.json)"""
import json, math, statistics, sys

LEVELS = [0.20, 0.30, 0.45, 0.65, 1.00, 1.40, 1.90, 2.60]
NEUTRAL = {4, 5}

def level_of(b):
    return min(range(len(LEVELS)), key=lambda i: abs(math.log(LEVELS[i]) - math.log(b)))

def frames(listfile):
    for line in open(listfile):
        if not line.strip():
            continue
        group, probe, schedule = line.split()
        truth = {f["frame"]: f["brightness"] for f in json.load(open(schedule))["frames"]}
        for l in open(probe):
            r = json.loads(l)
            yield group, level_of(truth[r["frame"]]), r["features"]

def geo(f):
    return math.sqrt(max(f["luma"], 1e-3) * max(f["highlight"], 1e-3))

# Each cue: (description, value for the dark side, value for the bright side).
CUES = {
    "luma": ("mean of Y (shipped)", lambda f: f["luma"], lambda f: f["luma"]),
    "highlight": ("99.5th percentile of Y", lambda f: f["highlight"], lambda f: f["highlight"]),
    "geo": ("sqrt(luma * highlight)", geo, geo),
    "split": ("highlight below 1.00, luma above", lambda f: f["highlight"], lambda f: f["luma"]),
}

def cuts(values_by_level):
    med = [statistics.median(values_by_level[i]) for i in range(len(LEVELS))]
    return [(med[i] + med[i + 1]) / 2 for i in range(len(LEVELS) - 1)]

def pick(c_dark, c_bright, f, dark, bright):
    d = sum(dark(f) >= c for c in c_dark[:4])  # 0..3 dark levels, 4 = not dark
    if d < 4:
        return d
    return 4 + sum(bright(f) >= c for c in c_bright[4:])

def main(cal_list, eval_list):
    cal = list(frames(cal_list))
    ev = list(frames(eval_list))
    groups = sorted({g for g, _, _ in ev})
    print("| cue | " + " | ".join(f"{g} (frames)" for g in groups) + " |")
    print("|---|" + "---|" * len(groups))
    for name, (desc, dark, bright) in CUES.items():
        by_level = {i: [] for i in range(len(LEVELS))}
        for _, lvl, f in cal:
            by_level[lvl].append(f)
        c_dark = cuts({i: [dark(f) for f in v] for i, v in by_level.items()})
        c_bright = cuts({i: [bright(f) for f in v] for i, v in by_level.items()})
        cells = []
        for g in groups:
            hit = n = 0
            for gg, lvl, f in ev:
                if gg != g:
                    continue
                p = pick(c_dark, c_bright, f, dark, bright)
                hit += p == lvl or (p in NEUTRAL and lvl in NEUTRAL)
                n += 1
            cells.append(f"{100 * hit / n:.1f}% ({n})")
        print(f"| {name}: {desc} | " + " | ".join(cells) + " |")
    clean = [f["luma"] for _, lvl, f in cal if lvl == LEVELS.index(1.00)]
    steps = [LEVELS[i + 1] / LEVELS[i] for i in range(len(LEVELS) - 1)]
    print(f"\ncalibration frames at x1.00: mean luma {min(clean):.0f} to {max(clean):.0f} "
          f"(a factor {max(clean) / min(clean):.2f}); ladder steps are factors {min(steps):.2f} to {max(steps):.2f}")

if __name__ == "__main__":
    main(*sys.argv[1:3])
