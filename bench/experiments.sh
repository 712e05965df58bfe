#!/usr/bin/env bash
# Benchmark (issue #5): every experiment over a generated trace the size of TraceLab's public
# dataset (357K steps), reading the trace itself (Tracelens's "import" for an experiment run is
# reading the file; TraceLab first loads it into DuckDB, 19 s, peers.md).
#   bench/experiments.sh [ROWS=357000] [RUNS=3]
# The trace is built from the project's generated history (bench/trace.sh), exactly ROWS rows.
# Times, medians of RUNS (wall, peak RSS):
#   experiments run --all -i TRACE --no-png   CSVs, tables and SVG figures
#   experiments run --all -i TRACE            the same plus the PNGs (librsvg) with their sidecars
#   import TRACE, then experiments run --all --no-ingest over the ledger
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
rows="${1:-357000}"
runs="${2:-3}"
trace="$PWD/.bench/trace-${rows}rows.jsonl"
./tracelens --version >/dev/null
# shellcheck source=bench/trace.sh
. bench/trace.sh
generated_trace "$trace" --rows "$rows"
echo "trace: $(( $(stat -c %s "$trace") / 1000000 )) MB, $(wc -l < "$trace") rows; $(nproc) cores; load: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
log="$work/times"
cat "$trace" > /dev/null # warm the page cache
for i in $(seq 1 "$runs"); do
  rm -rf "$work/out" "$work"/ledger.db*
  { /usr/bin/time -f "all-no-png %e %M" ./tracelens experiments run --all -i "$trace" -o "$work/out" --no-png > /dev/null; } 2>> "$log"
  rm -rf "$work/out"
  { /usr/bin/time -f "all-with-png %e %M" ./tracelens experiments run --all -i "$trace" -o "$work/out" > /dev/null; } 2>> "$log"
  rm -rf "$work/out"
  { /usr/bin/time -f "import %e %M" ./tracelens import "$trace" --ledger "$work/ledger.db" > /dev/null; } 2>> "$log"
  { /usr/bin/time -f "all-from-ledger %e %M" ./tracelens experiments run --all --ledger "$work/ledger.db" --no-ingest -o "$work/out" --no-png > /dev/null; } 2>> "$log"
done
for name in all-no-png all-with-png import all-from-ledger; do
  grep "^$name " "$log" | sort -k2 -n | awk -v n="$name" '
    { w[NR] = $2; m[NR] = $3 }
    END { if (NR == 0) exit; k = int((NR + 1) / 2);
          printf "%-16s median %6.2f s  peak RSS %5d MB  (best %.2f s, %d runs)\n", n, w[k], m[k] / 1024, w[1], NR }'
done
