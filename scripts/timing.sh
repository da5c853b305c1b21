# Sourced by .ci/run and scripts/test.sh: `stage NAME command…` runs one stage, prints how long it
# took, and keeps its status; `stage_times` lists every stage so far. Nothing here prints a line
# that could pass for the closing "N passed, N failed".
STAGE_TIMES=()
stage() {
  local name=$1 start status
  shift
  echo "== $name"
  start=$(date +%s%N)
  "$@" && status=0 || status=$? # so `set -e` in the caller still lets the time print
  local ms=$((($(date +%s%N) - start) / 1000000))
  local took
  took=$(printf '%d.%01ds' $((ms / 1000)) $((ms % 1000 / 100)))
  STAGE_TIMES+=("$(printf '%-12s %8s%s' "$name" "$took" "$([ $status -eq 0 ] || echo '  (failed)')")")
  echo "== $name: $took$([ $status -eq 0 ] || echo ", failed with status $status")"
  return $status
}
stage_times() {
  echo "== time per stage"
  printf '   %s\n' "${STAGE_TIMES[@]}"
}
