#!/usr/bin/env bash
# Report speed on a ~100k-step ledger: warm `summary`, `daily` and `hotspots --no-ingest`, whole
# process through the ./tracelens launcher (runtime start, ledger open, query, output).
#   bench/reports.sh [RECORDS=250000] [RUNS=5]
# Generates the history once under .bench/ (seed 1; 250k model-written records give ~100k steps),
# ingests it into .bench/reports-RECORDS.out/ledger.db (incrementally, so a rerun only stats the
# files), runs each command once to warm the page cache, then RUNS times each, interleaved, and
# prints the median and best wall time with the median CPU time (user + system).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
records="${1:-250000}"
runs="${2:-5}"
home="$PWD/.bench/reports-$records"
out="$PWD/.bench/reports-$records.out"
ledger="$out/ledger.db"
./tracelens --version >/dev/null
if [ ! -f "$home/ground_truth.json" ]; then
  rm -rf "$home"
  echo "generating $records records in $home …" >&2
  ./tracelens synth --out "$home" --records "$records" --seed 1 >&2
fi
mkdir -p "$out"
env -u CLAUDE_CONFIG_DIR -u CODEX_HOME -u XDG_DATA_HOME ./tracelens ingest --home "$home" --ledger "$ledger" > /dev/null
steps=$(./tracelens summary --json --no-ingest --ledger "$ledger" --timezone UTC | python3 -c 'import json,sys; print(json.load(sys.stdin)["steps"])')
echo "ledger: $steps counted steps, $(du -m "$ledger" | cut -f1) MB; $(nproc) cores; load: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

commands=("summary --no-ingest" "daily --no-ingest" "hotspots --no-ingest")
log=$(mktemp)
for c in "${commands[@]}"; do
  # shellcheck disable=SC2086
  ./tracelens $c --ledger "$ledger" --timezone UTC > /dev/null
done
for i in $(seq 1 "$runs"); do
  for c in "${commands[@]}"; do
    # shellcheck disable=SC2086
    { /usr/bin/time -f "${c%% *} %e %U %S" ./tracelens $c --ledger "$ledger" --timezone UTC > /dev/null; } 2>> "$log"
  done
done
for c in "${commands[@]}"; do
  name="${c%% *}"
  walls=$(grep "^$name " "$log" | awk '{ print $2 }' | sort -n)
  cpus=$(grep "^$name " "$log" | awk '{ print $3 + $4 }' | sort -n)
  n=$(echo "$walls" | wc -l)
  k=$(( (n + 1) / 2 ))
  printf '%-22s median %4.0f ms  best %4.0f ms  CPU median %4.0f ms  (%d runs)\n' "$c" \
    "$(echo "$walls" | sed -n "${k}p" | awk '{ print $1 * 1000 }')" "$(echo "$walls" | head -1 | awk '{ print $1 * 1000 }')" \
    "$(echo "$cpus" | sed -n "${k}p" | awk '{ print $1 * 1000 }')" "$n"
done
rm -f "$log"
