#!/usr/bin/env bash
# Benchmark: `tracelens collect` end to end on a generated Claude Code + Codex history.
#   bench/collect.sh [SIZE_MB=1100] [RUNS=3]
# Generates the history once (deterministic, seed 1) under .bench/, then times RUNS collects through
# the real CLI (./tracelens) with /usr/bin/time: wall seconds, MB/s and peak RSS. Prints the median.
# Peer figure (../shared/reference/peers.md §5): ccusage ≈ 490 MB/s of JSONL on this machine kind.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
size_mb="${1:-1100}"
runs="${2:-3}"
home=".bench/history-${size_mb}mb"
./tracelens --version >/dev/null
if [ ! -f "$home/ground_truth.json" ]; then
  rm -rf "$home"
  echo "generating ${size_mb} MB history in $home …" >&2
  ./tracelens synth --out "$home" --size-mb "$size_mb" --seed 1 >&2
fi
bytes=$(find "$home/.claude" "$home/.codex" -name '*.jsonl' -printf '%s\n' | awk '{s+=$1} END {print s}')
echo "history: $((bytes / 1000000)) MB of JSONL" >&2
# Warm the page cache once so runs compare parsing, not the disk.
cat $(find "$home" -name '*.jsonl') > /dev/null
results=()
for i in $(seq 1 "$runs"); do
  out=$( { /usr/bin/time -f '%e %M' ./tracelens collect --home "$home" -o /dev/null > /dev/null; } 2>&1 | tail -n 1)
  wall=${out% *}; rss_kb=${out#* }
  mbs=$(awk -v b="$bytes" -v w="$wall" 'BEGIN { printf "%.0f", b / 1e6 / w }')
  echo "run $i: ${wall} s, ${mbs} MB/s, peak RSS $((rss_kb / 1024)) MB" >&2
  results+=("$wall $mbs $((rss_kb / 1024))")
done
printf '%s\n' "${results[@]}" | sort -n | awk -v n="$runs" 'NR == int((n + 1) / 2) { printf "median: %s s, %s MB/s, peak RSS %s MB (ccusage: ~490 MB/s)\n", $1, $2, $3 }'
