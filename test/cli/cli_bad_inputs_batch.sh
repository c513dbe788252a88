#!/usr/bin/env bash
# Bad-input suite of batch, merge and report: manifests, damaged run reports
# and frame records, merged reports and their options. The checks of each
# case are in bad_inputs_support.sh. Usage: cli_bad_inputs_batch.sh GEARNN FIXTURES
set -u
suite=cli_bad_inputs_batch
source "$(dirname "$0")/bad_inputs_support.sh"
bad_inputs_setup "$1" "$2"

"$gearnn" run --quiet --model "$work/model" --out "$work/good" "$work/clip/video.mkv" --gt "$work/clip/labels" \
  --threads 1 || exit 1
echo "plain text" >"$work/notes.txt"
mkdir -p "$work/adir"
default_outs="$work/b $work/merged.json $work/r.html"  # the --out of the wrappers below
file() {  # file NAME TEXT: a file of the scratch tree
  printf '%s\n' "$2" >"$work/$1"
}

# ---- batch: manifests are checked in full before any item runs --------------------------
batch() { "$gearnn" batch --quiet --model "$work/model" --out "$work/b" --threads "${w_threads:-1}" "$@"; }
item='{"id": "a", "input": "clip/video.mkv"}'
expect "batch: manifest missing" 1 "$work/nomanifest.jsonl" -- batch "$work/nomanifest.jsonl"
expect "batch: manifest is a directory" 1 "$work/adir" -- batch "$work/adir"
: >"$work/empty.jsonl"
expect "batch: empty manifest" 1 "$work/empty.jsonl" -- batch "$work/empty.jsonl"
unreadable "$work/unreadable.jsonl"
expect "batch: unreadable manifest" 1 "$work/unreadable.jsonl" -- batch "$work/unreadable.jsonl"
file m-bad.jsonl "$item
{\"id\": \"b\", \"input\": "
expect "batch: a line not JSON" 1 "$work/m-bad.jsonl:2" -- batch "$work/m-bad.jsonl"
file m-array.jsonl '["a", "clip/video.mkv"]'
expect "batch: a line not an object" 1 "$work/m-array.jsonl:1" -- batch "$work/m-array.jsonl"
$py -c "print('{\"id\": ' + '[' * 100000 + ']' * 100000 + '}')" >"$work/m-deep.jsonl"
expect "batch: a line nested 100000 deep" 1 "$work/m-deep.jsonl:1" -- batch "$work/m-deep.jsonl"
file m-key.jsonl '{"id": "a", "input": "clip/video.mkv", "labels": "clip/labels"}'
expect "batch: an unknown key" 1 "$work/m-key.jsonl:1" -- batch "$work/m-key.jsonl"
file m-noinput.jsonl '{"id": "a"}'
expect "batch: an item without input" 1 "$work/m-noinput.jsonl:1" -- batch "$work/m-noinput.jsonl"
file m-noid.jsonl '{"input": "clip/video.mkv"}'
expect "batch: an item without id" 1 "$work/m-noid.jsonl:1" -- batch "$work/m-noid.jsonl"
file m-path.jsonl '{"id": "../escape", "input": "clip/video.mkv"}'
expect "batch: an id leading out" 1 "$work/m-path.jsonl:1" -- batch "$work/m-path.jsonl"
file m-twice.jsonl "$item
$item"
expect "batch: an id used twice" 1 "$work/m-twice.jsonl:2" -- batch "$work/m-twice.jsonl"
file m-type.jsonl '{"id": "a", "input": 5}'
expect "batch: input not a string" 1 "$work/m-type.jsonl:1" -- batch "$work/m-type.jsonl"
file m-idtype.jsonl '{"id": 7, "input": "clip/video.mkv"}'
expect "batch: id not a string" 1 "$work/m-idtype.jsonl:1" -- batch "$work/m-idtype.jsonl"
file m-huge.jsonl '{"id": "a", "input": "clip/video.mkv", "gt": 1e999999}'
expect "batch: a number no double holds" 1 "$work/m-huge.jsonl:1" -- batch "$work/m-huge.jsonl"
file m.jsonl "$item"
expect "batch: no model anywhere" 1 "$work/m.jsonl:1" -- "$gearnn" batch --quiet --out "$work/b" "$work/m.jsonl"
expect "batch: --shard 3/2" 2 "--shard" -- batch "$work/m.jsonl" --shard 3/2
expect "batch: --shard not I/N" 2 "--shard" -- batch "$work/m.jsonl" --shard half
expect "batch: --jobs 0" 2 "--jobs" -- batch "$work/m.jsonl" --jobs 0
w_threads=999 expect "batch: --threads 999" 2 "--threads" -- batch "$work/m.jsonl"
expect "batch: --out inside a file" 1 "$work/notes.txt/b" -- \
  "$gearnn" batch --quiet --model "$work/model" --out "$work/notes.txt/b" "$work/m.jsonl"
expect "batch: --html inside a file" 1 "$work/notes.txt/b.html" -- batch "$work/m.jsonl" --html "$work/notes.txt/b.html"
# A failing item is recorded and the others go on: partial (3), one line naming its file.
file m-fail.jsonl "$item
{\"id\": \"bad\", \"input\": \"nothere.mp4\"}"
expect "batch: an item whose input is missing" 3 "failures.jsonl" -- batch "$work/m-fail.jsonl"
check "batch: the failure names the input" grep -q "nothere.mp4" "$work/b/failures.jsonl"
rm -rf "$work/b"

# ---- merge: damaged run reports are named with the bad value, never merged ----------------
merge() { "$gearnn" merge --quiet --out "$work/merged.json" "$@"; }
damaged() {  # damaged NAME PYTHON-EDIT POINTER: merge refuses a report whose `r` was edited, naming POINTER
  mkdir -p "$work/reports-$1/item"
  edit_json "$work/good/report.json" "$work/reports-$1/item/report.json" "$2"
  expect "merge: $1" 1 "$work/reports-$1/item/report.json: $3" -- merge "$work/reports-$1"
}
damaged array "r = []" "not a gearnn run report"
damaged complete "r['complete'] = 'yes'" "/complete"
damaged frames "r['frames'] = 'many'" "/frames"
damaged negative-frames "r['frames'] = -6" "/frames"
damaged input "r['input'] = 5" "/input"
damaged gear-usage "r['gear_usage'] = 'x'" "/gear_usage"
damaged gear-usage-array "r['gear_usage'] = [1, 2]" "/gear_usage"  # exited 0, merging gears "0" and "1"
damaged gear-count "r['gear_usage'] = {'base': 'six'}" "/gear_usage/base"
damaged no-model "del r['model']" "/model"
damaged no-matrix "del r['metrics']['confusion_matrix']" "/metrics/confusion_matrix"
damaged matrix-ragged "r['metrics']['confusion_matrix'][2] = [1, 2]" "confusion_matrix is not square"
damaged matrix-negative "r['metrics']['confusion_matrix'][0][0] = -5" "confusion_matrix holds a non-count"
damaged matrix-fraction "r['metrics']['confusion_matrix'][1][1] = 0.5" "confusion_matrix holds a non-count"
damaged classes "r['model']['classes'] = 'road'" "key 'classes'"
damaged miou "r['metrics']['miou'] = 'high'" "/metrics/miou"
mkdir -p "$work/reports-huge/item"
sed 's/"frames": 6/"frames": 1e999999/' "$work/good/report.json" >"$work/reports-huge/item/report.json"
expect "merge: a number no double holds" 1 "$work/reports-huge/item/report.json: malformed JSON" -- merge "$work/reports-huge"
mkdir -p "$work/reports-deep/item" && nested "$work/reports-deep/item/report.json"
expect "merge: report nested 100000 deep" 1 "$work/reports-deep/item/report.json: JSON nested deeper" -- merge "$work/reports-deep"
mkdir -p "$work/reports-empty/item" && : >"$work/reports-empty/item/report.json"
expect "merge: empty report.json" 1 "$work/reports-empty/item/report.json" -- merge "$work/reports-empty"
expect "merge: directory missing" 1 "$work/nodir" -- merge "$work/nodir"
expect "merge: directory without reports" 1 "$work/adir" -- merge "$work/adir"
expect "merge: a file, not a directory" 1 "$work/notes.txt" -- merge "$work/notes.txt"
mkdir -p "$work/twice1" "$work/twice2" && cp -r "$work/good" "$work/twice1/x" && cp -r "$work/good" "$work/twice2/x"
expect "merge: an id in two directories" 1 "x" -- merge "$work/twice1" "$work/twice2"
mkdir -p "$work/classes/x" "$work/classes/y" && cp "$work/good/report.json" "$work/classes/x/"
edit_json "$work/good/report.json" "$work/classes/y/report.json" \
  "r['model']['classes'] = r['model']['classes'][:7] + ['bus']"
expect "merge: reports of different classes" 1 "$work/classes/y/report.json" -- merge "$work/classes"
expect "merge: --out inside a file" 1 "$work/notes.txt/m.json" -- "$gearnn" merge --quiet --out "$work/notes.txt/m.json" "$work/good"
expect "merge: --out is a directory" 1 "$work/adir" -- "$gearnn" merge --quiet --out "$work/adir" "$work/good"
ABSENT="$work/merged.json" expect "merge: --html inside a file" 1 "$work/notes.txt/m.html" -- \
  merge "$work/good" --html "$work/notes.txt/m.html"

# ---- report ------------------------------------------------------------------------
report() { "$gearnn" report --quiet --out "$work/r.html" "$@"; }
expect "report: path missing" 1 "$work/nothere" -- report "$work/nothere"
expect "report: a plain file" 1 "$work/notes.txt" -- report "$work/notes.txt"
expect "report: a JSON that is no report" 1 "$work/m.json" -- report "$work/m.json"
expect "report: a directory without reports" 1 "$work/adir" -- report "$work/adir"
rundir() {  # rundir NAME: a copy of the good run to spoil
  rm -rf "$work/$1" && cp -r "$work/good" "$work/$1"
}
rundir r-bad && echo '{"complete": ' >"$work/r-bad/report.json"
expect "report: report.json not JSON" 1 "$work/r-bad/report.json" -- report "$work/r-bad"
rundir r-deep && nested "$work/r-deep/report.json"
expect "report: report.json nested 100000 deep" 1 "$work/r-deep/report.json: JSON nested deeper" -- report "$work/r-deep"
rundir r-array && echo '[]' >"$work/r-array/report.json"
expect "report: report.json is an array" 1 "$work/r-array/report.json" -- report "$work/r-array"
# The page is a viewer: a damaged line of frames.jsonl (a torn last line, a
# frame that is no index) is skipped and the page says so.
for bad in '{"frame": ' '{"frame": 1e300, "miou": 0.5}' '{"frame": -4, "miou": 0.5}' '{"frame": 2.5}'; do
  rundir r-frames && echo "$bad" >>"$work/r-frames/frames.jsonl" && rm -f "$work/r.html"
  check "report: frames.jsonl line $bad skipped with a note" eval \
    '"$gearnn" report --quiet --out "$work/r.html" "$work/r-frames" && grep -q "1 unreadable line(s) in frames.jsonl skipped" "$work/r.html"'
done
file merged-bad.json '{"kind": "merge", "items": "none"}'
expect "report: merged report with items not a list" 1 "$work/merged-bad.json" -- report "$work/merged-bad.json"
expect "report: --compare missing" 1 "$work/nothere" -- report "$work/good" --compare "$work/nothere"
mkdir -p "$work/batchdir" && cp -r "$work/good" "$work/batchdir/x"
expect "report: --compare with a batch directory" 1 "$work/batchdir" -- report "$work/good" --compare "$work/batchdir"
expect "report: --compare without --out" 2 "--out" -- "$gearnn" report "$work/good" --compare "$work/good"
expect "report: --samples 101" 2 "--samples" -- report "$work/good" --samples 101
expect "report: --out inside a file" 1 "$work/notes.txt/r.html" -- "$gearnn" report --quiet "$work/good" --out "$work/notes.txt/r.html"
expect "report: --out is a directory" 1 "$work/adir" -- "$gearnn" report --quiet "$work/good" --out "$work/adir"

bad_inputs_finish
