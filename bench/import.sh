#!/usr/bin/env bash
# Benchmark: `tracelens import` of a ~650 MB normalized TraceLab trace (the size of TraceLab's
# public 357K-step dataset; TraceLab's own DuckDB load of it takes 19 s, peers.md), then
# `export --format tracelab` of the same ledger, checked byte for byte against the input.
#   bench/import.sh [TARGET_MB=650] [RUNS=3]
# The trace is built from the project's generated history (bench/trace.sh).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
target_mb="${1:-650}"
runs="${2:-3}"
trace="$PWD/.bench/trace-${target_mb}mb.jsonl"
./tracelens --version >/dev/null
# shellcheck source=bench/trace.sh
. bench/trace.sh
generated_trace "$trace" --mb "$target_mb"
rows=$(wc -l < "$trace")
bytes=$(stat -c %s "$trace")
echo "trace: $((bytes / 1000000)) MB, ${rows} rows; $(nproc) cores; load: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
log="$work/times"
cat "$trace" > /dev/null # warm the page cache
for i in $(seq 1 "$runs"); do
  rm -f "$work"/ledger.db*
  { /usr/bin/time -f "import %e %M" ./tracelens import "$trace" --ledger "$work/ledger.db" > /dev/null; } 2>> "$log"
  { /usr/bin/time -f "export %e %M" ./tracelens export --format tracelab --ledger "$work/ledger.db" -o "$work/out.jsonl" > /dev/null; } 2>> "$log"
  cmp -s "$trace" "$work/out.jsonl" && echo "run $i: export equals the imported trace byte for byte" >&2 \
    || { echo "run $i: EXPORT DIFFERS from the imported trace" >&2; exit 1; }
done
for name in import export; do
  grep "^$name " "$log" | sort -k2 -n | awk -v n="$name" -v b="$bytes" -v r="$rows" '
    { w[NR] = $2; m[NR] = $3 }
    END { if (NR == 0) exit; k = int((NR + 1) / 2);
          printf "%-7s median %6.2f s  %5.0f MB/s  %7.0f rows/s  peak RSS %4d MB  (best %.2f s, %d runs)\n", n, w[k], b / 1e6 / w[k], r / w[k], m[k] / 1024, w[1], NR }'
done
