#!/usr/bin/env bash
# Benchmark: incremental ingest of growing Codex rollouts, by the current build and (optionally)
# by the build of an earlier commit, on the same files in the same run.
#   bench/codex-append.sh [BASE_REV] [SIZE_MB=600] [RUNS=5]
# Generates a Codex-only history, builds a ledger from it with each build, then RUNS times
# appends records to the 20 largest rollouts and times an ingest with each build (medians; wall
# time and peak RSS from /usr/bin/time). Each append is a copy of the rollout's last 50 lines
# with fresh call ids, so it holds new calls and their results. The rollouts are cut back to
# their generated size at the end.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
base="${1:-}"
size_mb="${2:-600}"
runs="${3:-5}"
home="$PWD/.bench/history-${size_mb}mb-codex"
# shellcheck source=bench/lib.sh
. bench/lib.sh
./tracelens --version >/dev/null
generated_history "$home" --size-mb "$size_mb" --provider codex

variants=("current=$PWD/artifacts/cli/Tracelens.Cli")
if [ -n "$base" ]; then
  variants=("base=$(revision_cli "$base")" "${variants[@]}")
fi

work=$(mktemp -d)
mapfile -t targets < <(find "$home/.codex" -name '*.jsonl' -printf '%s %p\n' | sort -rn | head -20 | cut -d' ' -f2-)
for f in "${targets[@]}"; do stat -c %s "$f" >> "$work/sizes"; done
cut_back() {
  local i=0
  while read -r size; do truncate -s "$size" "${targets[$i]}"; i=$((i + 1)); done < "$work/sizes"
}
trap 'cut_back 2>/dev/null || true; rm -rf "$work"' EXIT

bytes=$(find "$home/.codex" -name "*.jsonl" -printf "%s\n" | awk "{s+=\$1} END {printf \"%.0f\", s}")
files=$(find "$home/.codex" -name "*.jsonl" | wc -l)
echo "history: $((bytes / 1000000)) MB in $files rollouts; 20 largest: $(( $(awk '{s+=$1} END {print s}' "$work/sizes") / 1000000 )) MB; $(nproc) cores; load: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
find "$home" -name '*.jsonl' -exec cat {} + > /dev/null # warm the page cache

for variant in "${variants[@]}"; do
  "${variant#*=}" ingest --home "$home" --ledger "$work/${variant%%=*}.db" > /dev/null
done
for i in $(seq 1 "$runs"); do
  for f in "${targets[@]}"; do
    tail -n 50 "$f" | sed -e "s/\"call_id\":\"call_/\"call_id\":\"call_a${i}_/g" > "$work/tail"
    cat "$work/tail" >> "$f"
  done
  for variant in "${variants[@]}"; do
    name="${variant%%=*}"
    { /usr/bin/time -f "$name %e %M" "${variant#*=}" ingest --home "$home" --ledger "$work/$name.db" --json > "$work/$name.json"; } 2>> "$work/times"
  done
done
for variant in "${variants[@]}"; do
  name="${variant%%=*}"
  grep -E '"files_read"|"files_resumed"|"steps_added"|"steps_replaced"' "$work/$name.json" | tr -d ' ,' | paste -sd' ' | sed "s/^/$name, last pass: /" >&2
  grep "^$name " "$work/times" | sort -k2 -n | awk -v n="$name" '
    { w[NR] = $2; m[NR] = $3 }
    END { if (NR == 0) exit; k = int((NR + 1) / 2);
          printf "%-8s append of 1,000 lines to 20 rollouts: median %6.3f s  peak RSS %4d MB  (best %.3f s, %d runs)\n", n, w[k], m[k] / 1024, w[1], NR }'
done
