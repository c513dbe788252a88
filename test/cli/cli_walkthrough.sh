#!/usr/bin/env bash
# The "your model, your footage" walkthrough of docs/gears.md, run as written:
# its ```python export block (on a tiny network) and its ```sh block (every
# command, with the sizes shrunk through the variables its first lines read)
# run in a scratch directory on a 40-frame H.264 clip, then the outputs are
# checked. A change to the doc is tested as it stands; a command that stops
# working fails here.
# Usage: cli_walkthrough.sh GEARNN FIXTURES SOURCE_DIR   (KEEP=1 keeps the scratch directory)
set -u
gearnn=$1
work=$2/scratch/cli-walkthrough-$$
src=$3
doc=$src/docs/gears.md
py=/usr/bin/python3  # Debian's, with python3-torch
rm -rf "$work" && mkdir -p "$work"
[ -n "${KEEP:-}" ] || trap 'rm -rf "$work"' EXIT
failures=0
check() {  # check NAME CONDITION...
  local name=$1
  shift
  if "$@"; then echo "ok   $name"; else echo "FAIL $name"; failures=$((failures + 1)); fi
}

# The fenced block after the marker comment MARKER (fences may not be indented).
block_after() {
  awk -v marker="$1" 'index($0, marker) == 1 { found = 1; next }
                      found == 1 && /^```/ { found = 2; next }
                      found == 2 && /^```/ { exit }
                      found == 2 { print }' "$doc"
}
block_after '<!-- walkthrough-export:' >"$work/export.py"
block_after '<!-- walkthrough:' >"$work/walkthrough.sh"
[ -s "$work/export.py" ] && [ -s "$work/walkthrough.sh" ] || { echo "FAIL no walkthrough blocks in $doc"; exit 1; }

# The sizes the test shrinks must still be the doc's settings (NAME=${NAME:-default}),
# or the doc would run at full size here.
sizes=(width=96 height=64 fit=0,16 val=16,24 test=24,40 stride=1 epochs=1 budget=10% stream=scene.mp4)
for s in "${sizes[@]}"; do
  name=${s%%=*}
  check "the walkthrough reads \$$name from the environment" \
    grep -q -e "^$name=\${$name:-" -e " $name=\${$name:-" "$work/walkthrough.sh"
done

cd "$work" || exit 1
# What the user has: a scripted network (the doc's export of a tiny conv net), an unlabelled H.264 clip.
$py -c "
import sys, torch
sys.path.insert(0, '$src/test')
from make_torchscript_model import Tiny, CLASSES
torch.manual_seed(0)
net = Tiny(len(CLASSES))
exec(open('export.py').read())" || { echo "FAIL the export block"; exit 1; }
"$gearnn" synth --quiet --out synth --frames 40 --width 192 --height 112 --seed 5 || exit 1
ffmpeg -nostdin -v error -i synth/video.mkv -c:v libx264 -preset veryfast -crf 23 -pix_fmt yuv420p scene.mp4 || exit 1
rm -rf synth  # its labels are not for the walkthrough

# The walkthrough. Passive OpenMP waiting: the test shares its cores with other
# tests, where LibTorch's spinning threads would make it several times slower.
mkdir -p bin && ln -s "$gearnn" bin/gearnn
start=$SECONDS
env PATH="$work/bin:$PATH" OMP_WAIT_POLICY=PASSIVE "${sizes[@]}" \
  bash -euo pipefail walkthrough.sh >walkthrough.log 2>&1
code=$?
check "the walkthrough runs to its end (exit $code, $((SECONDS - start)) s)" [ "$code" -eq 0 ]
[ "$code" -eq 0 ] || tail -20 walkthrough.log

check "the model directory loads (first run complete)" $py -c "
import json; assert json.load(open('runs/first/report.json'))['complete']"
for set in qp brightness combined; do
  check "gear set $set written" [ -f "my-model/gears/$set/gears.json" ]
done
check "the gear sets were fitted on teacher targets" $py -c "
import json
for s in ('qp', 'brightness'):
    g = json.load(open(f'my-model/gears/{s}/gears.json'))
    assert g['targets']['kind'] == 'teacher' and 'agreement' in g['validation'], s
    assert all(x['val_miou'] >= x['base_val_miou'] for x in g['gears']), s"
check "fit-gears names its validation score agreement, never mIoU" \
  bash -c 'grep -q "val agreement" walkthrough.log && ! grep -q "mIoU" walkthrough.log'
check "both check runs have an agreement block against the reference" $py -c "
import json
for run, gears in (('runs/qp40', False), ('runs/qp40-gears', True)):
    r = json.load(open(run + '/report.json'))
    a = r['agreement']
    assert r['complete'] and r['frames'] == 16, run
    assert 0 <= a['agreement'] <= 1 and a['reference'] == 'runs/reference', run
    assert (r['gears'] is not None) == gears, run
    assert 'metrics' not in r or r['metrics'] is None, run"
check "the run prints its agreement" grep -q "agreement with runs/reference [01]\.[0-9]* -> runs/qp40-gears/report.json" \
  walkthrough.log
check "the compare page has both agreement curves" grep -q 'id="compare-agreement"' qp40-compare.html
check "probe reports the gears the stream's frames would get" grep -q "^gears ([0-9]* switches): qp" walkthrough.log
check "the deployed run used the combined gears" $py -c "
import json
r = json.load(open('live/report.json'))
assert r['complete'] and r['frames'] == 40 and r['gears']['dir'].endswith('combined')"

echo "$failures failure(s)"
[ "$failures" -eq 0 ]
