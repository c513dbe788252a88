#!/usr/bin/env bash
# Each library of src/ may use only the gearnn libraries its CMakeLists.txt
# declares (directly or through them). Static archives do not check this when
# they are built, so this does: every undefined symbol of a library that
# another gearnn library defines must come from a declared dependency.
# Usage: layering.sh BUILD/layers.txt   (lines: NAME ARCHIVE DEP...)
set -euo pipefail
layers=$1
declare -A archive deps
while read -r name file rest; do
  [ -n "$name" ] || continue
  archive[$name]=$file
  deps[$name]=$rest
done < "$layers"
[ ${#archive[@]} -ge 2 ] || { echo "layering: $layers lists no libraries" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Strong definitions (text, data, bss, read-only) of each library; weak and
# inline definitions are emitted wherever they are used and prove nothing.
for name in "${!archive[@]}"; do
  nm --defined-only "${archive[$name]}" 2>/dev/null | awk 'NF==3 && $2 ~ /^[TDBR]$/ {print $3}' | sort -u > "$tmp/$name.def"
  nm -u "${archive[$name]}" 2>/dev/null | awk '{print $NF}' | sort -u > "$tmp/$name.undef"
done

# The libraries NAME may use: itself and its declared dependencies, transitively.
allowed() {
  local -A seen=()
  local queue=("$1")
  while [ ${#queue[@]} -gt 0 ]; do
    local n=${queue[0]}
    queue=("${queue[@]:1}")
    [ -z "${seen[$n]:-}" ] || continue
    seen[$n]=1
    for d in ${deps[$n]:-}; do queue+=("$d"); done
  done
  echo "${!seen[@]}"
}

bad=0
for name in "${!archive[@]}"; do
  ok=" $(allowed "$name") "
  for other in "${!archive[@]}"; do
    [[ "$ok" == *" $other "* ]] && continue
    used=$(comm -12 "$tmp/$name.undef" "$tmp/$other.def" | head -3)
    if [ -n "$used" ]; then
      echo "layering: src/$name uses src/$other, which src/$name/CMakeLists.txt does not declare:" >&2
      echo "$used" | c++filt | sed 's/^/  /' >&2
      bad=1
    fi
  done
done
[ $bad -eq 0 ] && echo "layering: ${#archive[@]} libraries, each uses only what it declares"
exit $bad
