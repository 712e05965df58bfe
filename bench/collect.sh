#!/usr/bin/env bash
# Benchmark: `tracelens collect` end to end on a generated Claude Code + Codex history, beside
# ccusage (the peer in ../shared/reference/peers.md §5) on the same files in the same run.
#   bench/collect.sh [SIZE_MB=1100] [RUNS=5]
# Generates the history once (deterministic, seed 1) under .bench/, installs ccusage 20.0.24 from
# npm into .bench/ccusage when npm is available, then interleaves RUNS of:
#   ccusage daily --json --offline         (HOME pointed at the history; reads Claude and Codex)
#   tracelens collect                      (parse + normalize every step, totals only)
#   tracelens collect -o /dev/null         (the same, also writing TraceLab rows)
# and prints each command's median wall time, MB/s of JSONL and peak RSS (/usr/bin/time).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
size_mb="${1:-1100}"
runs="${2:-5}"
home="$PWD/.bench/history-${size_mb}mb"
# shellcheck source=bench/lib.sh
. bench/lib.sh
./tracelens --version >/dev/null
generated_history "$home" --size-mb "$size_mb"
bytes=$(find "$home/.claude" "$home/.codex" -name '*.jsonl' -printf '%s\n' | awk '{s+=$1} END {printf "%d", s}')
echo "history: $((bytes / 1000000)) MB of JSONL; $(nproc) cores; load: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

ccusage=$(ccusage_path)

# Warm the page cache once so runs compare parsing, not the disk.
find "$home" -name '*.jsonl' -exec cat {} + > /dev/null
log=$(mktemp)
for i in $(seq 1 "$runs"); do
  if [ -n "$ccusage" ]; then
    { HOME="$home" /usr/bin/time -f "ccusage %e %M" "$ccusage" daily --json --offline > /dev/null; } 2>> "$log"
  fi
  { /usr/bin/time -f "collect %e %M" ./tracelens collect --home "$home" > /dev/null; } 2>> "$log"
  { /usr/bin/time -f "collect-rows %e %M" ./tracelens collect --home "$home" -o /dev/null > /dev/null; } 2>> "$log"
done
for name in ccusage collect collect-rows; do
  grep "^$name " "$log" | sort -k2 -n | awk -v n="$name" -v b="$bytes" '
    { w[NR] = $2; m[NR] = $3 }
    END { if (NR == 0) exit; k = int((NR + 1) / 2);
          printf "%-13s median %5.2f s  %4.0f MB/s  peak RSS %4d MB  (best %.2f s, %d runs)\n", n, w[k], b / 1e6 / w[k], m[k] / 1024, w[1], NR }'
done
rm -f "$log"
