#!/usr/bin/env bash
# Benchmark: the ledger (issue #3) on a generated Claude Code history, beside ccusage on the same
# files in the same run.
#   bench/ingest.sh [SIZE_MB=3300] [RUNS=3]
# Measures (medians of RUNS, wall time and peak RSS from /usr/bin/time):
#   ccusage daily --json --offline        the peer: re-parses everything on every run
#   cold ingest                           a new ledger built from the whole history
#   no-op ingest                          nothing changed: only stats
#   append ingest                         after appending 1,000 records across 20 transcripts
# The appended records are copies of each file's last 50 lines with fresh message, tool and
# record ids (so they are new steps); the files are cut back afterwards.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
size_mb="${1:-3300}"
runs="${2:-3}"
home="$PWD/.bench/history-${size_mb}mb-claude"
# shellcheck source=bench/lib.sh
. bench/lib.sh
./tracelens --version >/dev/null
generated_history "$home" --size-mb "$size_mb" --provider claude
bytes=$(find "$home/.claude" -name "*.jsonl" -printf "%s\n" | awk "{s+=\$1} END {printf \"%.0f\", s}")
records=$(find "$home/.claude" -name '*.jsonl' -exec cat {} + | wc -l)
echo "history: $((bytes / 1000000)) MB of JSONL, ${records} records; $(nproc) cores; load: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

ccusage=$(ccusage_path)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
ledger="$work/ledger.db"
log="$work/times"
find "$home" -name '*.jsonl' -exec cat {} + > /dev/null # warm the page cache: compare parsing, not the disk

# The 20 largest transcripts get the appended records.
mapfile -t targets < <(find "$home/.claude" -name '*.jsonl' -printf '%s %p\n' | sort -rn | head -20 | cut -d' ' -f2-)
append_records() {
  local k="$1"
  for f in "${targets[@]}"; do
    stat -c %s "$f" >> "$work/sizes"
    tail -n 50 "$f" | sed -e "s/\"id\":\"msg_/\"id\":\"msg_b${k}_/g" -e "s/toolu_/toolu_b${k}_/g" \
      -e "s/\"uuid\":\"/\"uuid\":\"b${k}-/g" -e "s/\"requestId\":\"req_/\"requestId\":\"req_b${k}_/g" > "$work/tail"
    cat "$work/tail" >> "$f"
  done
}
cut_back() {
  local i=0
  while read -r size; do truncate -s "$size" "${targets[$i]}"; i=$((i + 1)); done < "$work/sizes"
  rm -f "$work/sizes"
}
trap 'cut_back 2>/dev/null || true; rm -rf "$work"' EXIT

for i in $(seq 1 "$runs"); do
  if [ -n "$ccusage" ]; then
    { HOME="$home" /usr/bin/time -f "ccusage %e %M" "$ccusage" daily --json --offline > /dev/null; } 2>> "$log"
  fi
  rm -f "$ledger" "$ledger-wal" "$ledger-shm"
  { /usr/bin/time -f "cold-ingest %e %M" ./tracelens ingest --home "$home" --ledger "$ledger" > /dev/null; } 2>> "$log"
  { /usr/bin/time -f "noop-ingest %e %M" ./tracelens ingest --home "$home" --ledger "$ledger" > /dev/null; } 2>> "$log"
  append_records "$i"
  { /usr/bin/time -f "append-ingest %e %M" ./tracelens ingest --home "$home" --ledger "$ledger" --json > "$work/append.json"; } 2>> "$log"
  cut_back
done
grep -E '"files_resumed"|"steps_added"' "$work/append.json" | tr -d ' ,' | paste -sd' ' | sed 's/^/last append pass: /' >&2
for name in ccusage cold-ingest noop-ingest append-ingest; do
  grep "^$name " "$log" | sort -k2 -n | awk -v n="$name" -v b="$bytes" '
    { w[NR] = $2; m[NR] = $3 }
    END { if (NR == 0) exit; k = int((NR + 1) / 2);
          printf "%-14s median %6.3f s  %5.0f MB/s  peak RSS %4d MB  (best %.3f s, %d runs)\n", n, w[k], b / 1e6 / w[k], m[k] / 1024, w[1], NR }'
done
