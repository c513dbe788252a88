"""What the benchmark scripts share: cached `gearnn run`s and scores summed over clips.

A run's output directory carries a hash of the model (card and weights) and of the
gear set, so a rebuilt model or refitted gear set is run again while finished runs
are kept (an interrupted benchmark resumes).
"""
import hashlib
import json
import os
import subprocess


def setup_key(model, gears=None):
    h = hashlib.sha256(open(f"{model}/model.json", "rb").read())
    h.update(open(f"{model}/{json.load(open(f'{model}/model.json'))['file']}", "rb").read())
    if gears:
        h.update(open(f"{gears}/gears.json", "rb").read())
    return h.hexdigest()[:8]


def built(model, gears=None):
    return os.path.exists(f"{model}/model.json") and (gears is None or os.path.exists(f"{gears}/gears.json"))


def run(gearnn, video, model, out, gears=None, labels=None, reference=None, masks="none", extra=()):
    """report.json of `gearnn run VIDEO` into OUT-KEY (run only if missing), with "_dir" set to it.

    labels: a label directory (--gt, scored as mIoU); reference: a mask directory
    (--reference, scored as agreement); masks: what the run writes (--masks);
    extra: more options of the run (name OUT so that runs with other options differ).
    """
    out = f"{out}-{setup_key(model, gears)}"
    if not os.path.exists(f"{out}/report.json"):
        cmd = [gearnn, "run", video, "--model", model, "--out", out, "--quiet", "--masks", masks]
        if labels:
            cmd += ["--gt", labels]
        if reference:
            cmd += ["--reference", reference]
        if gears:
            cmd += ["--gears", gears]
        subprocess.run(cmd + list(extra), check=True)
    report = json.load(open(f"{out}/report.json"))
    report["_dir"] = out
    return report


def score_sets(gearnn, model, sets, videos, out):
    """Summed mIoU of each gear set of SETS (name -> directory, None for no gears) over
    VIDEOS ((video, labels) pairs), each run in OUT/NAME/INDEX-KEY."""
    return {name: summed_miou([run(gearnn, v, model, f"{out}/{name}/{i}", gears, labels=l)
                               for i, (v, l) in enumerate(videos)]) for name, gears in sets.items()}


def summed_miou(reports, block="metrics"):
    """Mean IoU of the confusion matrices of REPORTS summed (block "agreement" for --reference runs)."""
    cm = None
    for r in reports:
        m = r[block]["confusion_matrix"]
        cm = m if cm is None else [[a + b for a, b in zip(x, y)] for x, y in zip(cm, m)]
    ious = []
    for c in range(len(cm)):
        tp = cm[c][c]
        fn = sum(cm[c]) - tp
        fp = sum(row[c] for row in cm) - tp
        if tp + fp + fn:
            ious.append(tp / (tp + fp + fn))
    return sum(ious) / len(ious)


def table(columns, diffs):
    """Print the header of a markdown table with a column per name of COLUMNS and per
    pair (a, b) of DIFFS (a minus b, in points); return the function printing a row
    (label, {name: value})."""
    print("| clip | " + " | ".join(list(columns) + [f"{a} - {b}" for a, b in diffs]) + " |")
    print("|---|" + "---|" * (len(columns) + len(diffs)))

    def line(label, row):
        cells = [fmt(v) for v in row.values()] + [f"{100 * (row[a] - row[b]):+.2f}" for a, b in diffs]
        print(f"| {label} | " + " | ".join(cells) + " |", flush=True)
    return line


def fmt(v):
    return "n/a" if v is None else f"{v:.4f}"
