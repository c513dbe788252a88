#!/usr/bin/env bash
# Prints the validation figures recorded in gear sets' gears.json as a Markdown table.
# Usage: scripts/gear_table.sh [GEAR_DIR...]   (default: every set of data/models/street)
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -gt 0 ] || set -- data/models/street/gears/*/
/usr/bin/python3 - "$@" <<'PY'
import json, sys
print("| level | gear bytes | mIoU base | mIoU with gear | gain |")
print("|---|---|---|---|---|")
notes = []
for d in sys.argv[1:]:
    g = json.load(open(f"{d.rstrip('/')}/gears.json"))
    if "combined" in g:  # made by combine-gears: its gears are rows of the sets it names
        notes.append(f"{d.rstrip('/')}: {len(g['gears'])} gears combined from {g['combined']['first']} "
                     f"(neutral {', '.join(g['combined']['neutral'])}) and {g['combined']['then']}")
        continue
    for x in g["gears"]:
        gain = x["val_miou"] - x["base_val_miou"]
        print(f"| {x['name']} | {x['bytes']} | {x['base_val_miou']:.4f} | {x['val_miou']:.4f} | {gain:+.4f} |")
    notes.append(f"{d.rstrip('/')}: {len(g['gears'])} gears, {g['gear_bytes']} bytes = "
                 f"{100 * g['overhead']:.2f}% of the model's {g['model_bytes']} tensor bytes")
print()
for n in notes: print(n)
PY
