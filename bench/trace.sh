# Sourced by the bench scripts: a TraceLab trace built from the project's generated history.
#   generated_trace OUTPUT (--mb N | --rows N)
# The rows are `collect -o` of .bench/history-1100mb (generated once, seed 1), repeated with
# renamed sessions until the file reaches N megabytes or holds N rows (cut to exactly N), so every
# row keeps a distinct trace_key. Nothing is rebuilt when OUTPUT exists.
# shellcheck source=bench/lib.sh
. bench/lib.sh

generated_trace() {
  local trace="$1" unit="$2" target="$3"
  local home="$PWD/.bench/history-1100mb"
  [ -f "$trace" ] && return 0
  generated_history "$home" --size-mb 1100
  local base
  base=$(mktemp)
  ./tracelens collect --home "$home" -o "$base" > /dev/null
  : > "$trace.tmp"
  local copy=0
  while { [ "$unit" = --mb ] && [ "$(stat -c %s "$trace.tmp")" -lt $((target * 1000000)) ]; } \
     || { [ "$unit" = --rows ] && [ "$(wc -l < "$trace.tmp")" -lt "$target" ]; }; do
    copy=$((copy + 1))
    sed -e "s/\"session_id\":\"\(claude\|codex\):/\"session_id\":\"\1:c${copy}-/" \
        -e "s/\"trace_key\":\"\(claude\|codex\):\(claude\|codex\):/\"trace_key\":\"\1:\2:c${copy}-/" "$base" >> "$trace.tmp"
  done
  if [ "$unit" = --rows ]; then
    head -n "$target" "$trace.tmp" > "$trace"
    rm -f "$trace.tmp"
  else
    mv "$trace.tmp" "$trace"
  fi
  rm -f "$base"
}
