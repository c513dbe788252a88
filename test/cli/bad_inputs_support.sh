# shellcheck shell=bash
# The harness of the bad-input suites (sourced by cli_bad_inputs*.sh), which
# run one case per hostile or broken input. Each case checks that gearnn
#  - exits with its typed code (1 bad input, 2 bad command line, 3 partial:
#    see gearnn --help),
#  - prints exactly one line on stderr, naming the offending file or option,
#  - leaves no temporary (*.tmp, *.partial, .partial-*) anywhere,
#  - writes nothing outside its outputs (--out, --html, --overlay, --cache,
#    --checkpoint, the suite's default_outs, or the paths a case lists in
#    OUTS): the whole scratch tree around the case, its working directory and
#    its TMPDIR are compared before and after,
#  - and, when it fails (exit 1 or 2), leaves nothing new under a final name
#    but records of what failed (a report.json saying "complete": false,
#    frames.jsonl, failures.jsonl, shard-*.json) and none of the paths a case
#    lists in ABSENT.
# Every crafted file is made by the suites themselves.
#
# A suite sets `suite` and calls `bad_inputs_setup GEARNN FIXTURES` first (it makes
# $work/clip and $work/model) and
# `bad_inputs_finish` last; cases are `[OUTS=..] [ABSENT=..] expect NAME CODE
# NAMED -- COMMAND...`, where NAME starts with the gearnn command it tests.
# A case still running after 60 s (case_timeout) fails as a hang.
# BAD_INPUTS_TIMES=1 prints each case's time on stderr.

bad_inputs_setup() {
  set -a  # every variable the suite sets reaches its wrappers under timeout (expect)
  gearnn=$(realpath "$1")
  src=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
  # The cases work in $work; the snapshots cover its parent $root too, so that
  # a path leading out of $work ("../x") is seen.
  root=$2/scratch/$suite-$$
  work=$root/w
  rm -rf "$root" && mkdir -p "$work/cwd" "$work/tmp" "$root/.harness"
  trap 'rm -rf "$root"' EXIT
  failures=0 passed=0
  py=/usr/bin/python3  # Debian's python3 (and python3-torch for tensor files)
  declare -gA per_command=()
  export OMP_WAIT_POLICY=PASSIVE
  # What every suite's cases start from: a 6-frame labelled clip and a random model.
  "$gearnn" synth --quiet --out "$work/clip" --frames 6 --width 64 --height 64 --seed 5 || exit 1
  "$gearnn" init-model --out "$work/model" --width 64 --height 48 || exit 1
}

pass() { passed=$((passed + 1)); per_command[${1%%:*}]=$((${per_command[${1%%:*}]:-0} + 1)); }
fail_case() { failures=$((failures + 1)); echo "FAIL $*"; }

# The cases of a suite by command, e.g. "run 30, probe 8"; true if none failed.
bad_inputs_finish() {
  local counts="" c
  while IFS= read -r c; do
    [ -z "$c" ] || counts+="${counts:+, }$c ${per_command[$c]}"
  done < <(printf '%s\n' "${!per_command[@]}" | sort)
  echo "$suite: $passed passed ($counts), $failures failed"
  [ "$failures" -eq 0 ]
}

# Temporaries any gearnn output leaves while it is being written.
leftovers() { find "$root" \( -name '*.tmp' -o -name '*.partial' -o -name '.partial-*' \) -print; }

# Every path of the scratch tree (but the harness's own files) with its type,
# and for all but directories (which change as entries come and go) its size
# and modification time.
snapshot() {
  find "$root" -path "$root/.harness" -prune -o -type d -printf '%p\t%y\n' -o -printf '%p\t%y\t%s\t%T@\n' | sort
}

# outputs ARGS...: the paths a command may write, from its options, plus the
# suite's `default_outs` (the --out its wrapper functions pass) and OUTS.
outputs() {
  local prev="" arg
  for arg in "$@"; do
    case $prev in --out | --html | --overlay | --cache | --checkpoint) echo "$arg" ;; esac
    case $arg in --out=* | --html=* | --overlay=*) echo "${arg#*=}" ;; esac
    prev=$arg
  done
  for arg in ${default_outs:-} ${OUTS:-}; do echo "$arg"; done
}

# under PATH OUTPUTS...: PATH is one of OUTPUTS, inside one, or beside one as
# OUTPUT.something (sensitivity's OUT.txt, any OUT.tmp).
under() {
  local path=$1 out
  shift
  for out in "$@"; do
    case $path in "$out" | "$out"/* | "$out".*) return 0 ;; esac
  done
  return 1
}

# A file a failed command may leave under a final name: a record of the failure.
failure_record() {
  case ${1##*/} in
    report.json) grep -q '"complete": false' "$1" ;;
    frames.jsonl | failures.jsonl | shard-*.json) true ;;
    *) false ;;
  esac
}

# [OUTS="paths..."] [ABSENT="paths..."] expect NAME CODE NAMED -- command...
expect() {
  local name=$1 want=$2 named=$3
  shift 4
  local -a outs
  mapfile -t outs < <(outputs "$@")
  snapshot >"$root/.harness/before"
  local started
  started=$(date +%s%N)
  # Under `timeout`, the suite's wrapper functions run in a child bash: they
  # and the suite's variables (set -a in bad_inputs_setup) are exported.
  export -f $(declare -F | cut -d' ' -f3)
  (cd "$work/cwd" && TMPDIR=$work/tmp HOME=$work/cwd timeout -k 5 "${case_timeout:-60}" bash -c '"$@"' _ "$@") \
    >"$root/.harness/out.txt" 2>"$root/.harness/err.txt"
  local code=$? lines problems="" path changed
  [ -z "${BAD_INPUTS_TIMES:-}" ] || echo "time $(( ($(date +%s%N) - started) / 1000000 )) ms: $name" >&2
  snapshot >"$root/.harness/after"
  lines=$(wc -l <"$root/.harness/err.txt")
  [ "$code" -ne 124 ] || problems+=" still running after ${case_timeout:-60} s (a hang);"
  [ "$code" -eq "$want" ] || problems+=" exit $code (expected $want);"
  [ "$lines" -eq 1 ] || problems+=" $lines stderr lines;"
  grep -qF -- "$named" "$root/.harness/err.txt" || problems+=" stderr does not name $named;"
  # CLI11 refuses an option given twice: a case whose wrapper already sets the
  # option would pass on that instead of on its own input (set the wrapper's w_ variable).
  ! grep -qF "At Most 1 required but received" "$root/.harness/err.txt" || problems+=" refused for an option given twice;"
  [ -z "$(leftovers)" ] || problems+=" left $(leftovers | tr '\n' ' ');"
  for path in ${ABSENT:-}; do [ ! -e "$path" ] || problems+=" wrote $path;"; done
  # Paths new, changed or gone: each must be an output (a failure only records).
  changed=$(diff "$root/.harness/before" "$root/.harness/after" | sed -n 's/^[<>] \([^\t]*\)\t.*/\1/p' | sort -u)
  while IFS= read -r path; do
    [ -n "$path" ] || continue
    if ! under "$path" "${outs[@]}"; then
      problems+=" wrote outside its outputs: $path;"
    elif [ "$code" -eq 1 ] || [ "$code" -eq 2 ]; then
      [ ! -f "$path" ] || failure_record "$path" || problems+=" failed but wrote $path;"
    fi
  done <<<"$changed"
  leftovers | while IFS= read -r path; do rm -rf "$path"; done  # so that the next case starts clean
  if [ -z "$problems" ]; then
    pass "$name"
  else
    fail_case "$name:$problems"
    cat "$root/.harness/err.txt"
  fi
}

# check NAME CONDITION...: a case that is a plain test (the outputs a partial
# run kept), counted like the others.
check() {
  local name=$1
  shift
  if "$@"; then pass "$name"; else fail_case "$name"; fi
}

# edit_json SRC DST PYTHON: DST is SRC's JSON with `r` edited by PYTHON.
edit_json() {
  $py -c "import json,sys; r = json.load(open(sys.argv[1])); $3; json.dump(r, open(sys.argv[2], 'w'))" "$1" "$2"
}

# nested FILE: JSON nested 100000 levels deep (a stack overflow for a recursive reader).
nested() { $py -c "print('[' * 100000 + ']' * 100000)" >"$1"; }

# unreadable PATH: a file that exists but cannot be read. Root reads any file
# whatever its mode, so it gets a link to /proc/self/mem, whose first page
# nobody can read (EIO).
unreadable() {
  if [ "$(id -u)" -eq 0 ]; then
    ln -sf /proc/self/mem "$1"
  else
    echo '{}' >"$1" && chmod 000 "$1"
  fi
}

# png FILE W H MODE VALUE: a W x H PNG of one value, MODE L (8-bit ids), RGB or I;16.
png() {
  $py -c "import sys; from PIL import Image
w, h, mode, v = int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], int(sys.argv[5])
Image.new(mode, (w, h), (v, v, v) if mode == 'RGB' else v).save(sys.argv[1])" "$@"
}
