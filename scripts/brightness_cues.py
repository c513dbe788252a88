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

def videos(listfile):
    """(group, [(level, features) per frame in order]) per listed video."""
    for line in open(listfile):
        if not line.strip():
            continue
        group, probe, schedule = line.split()
        truth = {f["frame"]: f["brightness"] for f in json.load(open(schedule))["frames"]}
        rows = [json.loads(l) for l in open(probe)]
        yield group, [(level_of(truth[r["frame"]]), r["features"]) for r in rows]

def frames(listfile):
    for group, rows in videos(listfile):
        for lvl, f in rows:
            yield group, lvl, f

def log_of(x):
    return math.log(max(x, 1e-3))

# ---- fitted: least squares of the level's log factor on log statistics ----

FITTED = ["luma", "highlight", "contrast"]

def fitted_terms(f):
    return [1.0] + [log_of(f[n]) for n in FITTED] + [f["clipped"]]

def least_squares(rows, targets):
    k = len(rows[0])  # normal equations, solved by Gaussian elimination with pivoting
    a = [[sum(r[i] * r[j] for r in rows) for j in range(k)] for i in range(k)]
    b = [sum(r[i] * t for r, t in zip(rows, targets)) for i in range(k)]
    for i in range(k):
        p = max(range(i, k), key=lambda r: abs(a[r][i]))
        a[i], a[p], b[i], b[p] = a[p], a[i], b[p], b[i]
        for r in range(i + 1, k):
            m = a[r][i] / a[i][i]
            a[r] = [x - m * y for x, y in zip(a[r], a[i])]
            b[r] -= m * b[i]
    w = [0.0] * k
    for i in reversed(range(k)):
        w[i] = (b[i] - sum(a[i][c] * w[c] for c in range(i + 1, k))) / a[i][i]
    return w

# ---- steps: exposure steps between frames, segments on ladder levels ----

STEP = math.log(1.25)

def step_levels(lumas, medians):
    """Level index per frame, read online (see the module's docstring)."""
    phi = [math.log(x) for x in LEVELS]
    lm = [log_of(m) for m in medians]

    def absolute(y):  # the frame's own reading: log factor, piecewise linear between level medians
        x = log_of(y)
        if x <= lm[0]:
            return phi[0] + x - lm[0]
        if x >= lm[-1]:
            return phi[-1] + x - lm[-1]
        i = max(j for j in range(len(lm) - 1) if lm[j] <= x)
        return phi[i] + (x - lm[i]) / (lm[i + 1] - lm[i]) * (phi[i + 1] - phi[i])

    out, segments, cum, prev = [], [], 0.0, None  # segments: [step sum, frames, sum of reading - step sum]
    for y in lumas:
        if prev is not None and abs(log_of(y) - log_of(prev)) > STEP:
            cum += log_of(y) - log_of(prev)
        prev = y
        if not segments or segments[-1][0] != cum:
            segments.append([cum, 0, 0.0])
        segments[-1][1] += 1
        segments[-1][2] += absolute(y) - cum
        n = sum(s[1] for s in segments)
        reading = sum(s[2] for s in segments) / n

        def cost(i):  # the offset that puts this frame on level i
            o = phi[i] - cum
            off_ladder = sum(s[1] / n * min(abs(o + s[0] - p) for p in phi) ** 2 for s in segments)
            return (o - reading) ** 2 + off_ladder

        out.append(min(range(len(LEVELS)), key=cost))
    return out

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
    # The cues that use more than one statistic or more than one frame.
    w = least_squares([fitted_terms(f) for _, _, f in cal], [math.log(LEVELS[lvl]) for _, lvl, _ in cal])
    fitted = lambda f: sum(a * b for a, b in zip(w, fitted_terms(f)))
    c_fit = cuts({i: [fitted(f) for _, lvl, f in cal if lvl == i] for i in range(len(LEVELS))})
    medians = [statistics.median([f["luma"] for _, lvl, f in cal if lvl == i]) for i in range(len(LEVELS))]
    hits = {"fitted": {g: [0, 0] for g in groups}, "steps": {g: [0, 0] for g in groups}}
    for g, rows in videos(eval_list):
        picks = {"fitted": [sum(fitted(f) >= c for c in c_fit) for _, f in rows],
                 "steps": step_levels([f["luma"] for _, f in rows], medians)}
        for cue, p in picks.items():
            for q, (lvl, _) in zip(p, rows):
                hits[cue][g][0] += q == lvl or (q in NEUTRAL and lvl in NEUTRAL)
                hits[cue][g][1] += 1
    desc = {"fitted": "least squares on log " + ", ".join(FITTED) + " and clipped",
            "steps": "exposure steps between frames, segments on ladder levels"}
    for cue in ("fitted", "steps"):
        print(f"| {cue}: {desc[cue]} | " +
              " | ".join(f"{100 * h / n:.1f}% ({n})" for h, n in (hits[cue][g] for g in groups)) + " |")
    clean = [f["luma"] for _, lvl, f in cal if lvl == LEVELS.index(1.00)]
    print("\ncalibration medians of mean luma by level: " +
          ", ".join(f"x{LEVELS[i]:.2f} {medians[i]:.1f}" for i in range(len(LEVELS))))
    for g, rows in videos(eval_list):  # the exposure steps each dynamic clip shows
        y = [f["luma"] for _, f in rows]
        found = [f"{b / a:.3f} (luma {a:.0f} -> {b:.0f})" for a, b in zip(y, y[1:]) if abs(log_of(b) - log_of(a)) > STEP]
        if found:
            print(f"{g}: steps " + ", ".join(found))
    steps = [LEVELS[i + 1] / LEVELS[i] for i in range(len(LEVELS) - 1)]
    print(f"calibration frames at x1.00: mean luma {min(clean):.0f} to {max(clean):.0f} "
          f"(a factor {max(clean) / min(clean):.2f}); ladder steps are factors {min(steps):.2f} to {max(steps):.2f}")

if __name__ == "__main__":
    main(*sys.argv[1:3])
