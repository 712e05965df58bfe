#!/usr/bin/env bash
# Report speed on a ~100k-step ledger: warm `summary`, `daily` and `hotspots --no-ingest`, whole
# process through the ./tracelens launcher (process start, ledger open, query, output).
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
# shellcheck source=bench/lib.sh
. bench/lib.sh
./tracelens --version >/dev/null
generated_history "$home" --records "$records"
mkdir -p "$out"
env -u CLAUDE_CONFIG_DIR -u CODEX_HOME -u XDG_DATA_HOME ./tracelens ingest --home "$home" --ledger "$ledger" > /dev/null
steps=$(./tracelens summary --json --no-ingest --ledger "$ledger" --timezone UTC | python3 -c 'import json,sys; print(json.load(sys.stdin)["steps"])')
echo "ledger: $steps counted steps, $(du -m "$ledger" | cut -f1) MB; $(nproc) cores; load: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

# The whole history, and burn's own benchmark window (burn-spec §8: `--since 24h` on a ~97k-turn
# ledger): the last 24 hours of the generated history, given as a timestamp because the history
# is not from today.
last=$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT max(started_at) FROM steps").fetchone()[0])' "$ledger")
since=$(python3 -c 'import sys,datetime as d; t=d.datetime.fromisoformat(sys.argv[1].replace("Z","+00:00")); print((t-d.timedelta(hours=24)).strftime("%Y-%m-%dT%H:%M:%SZ"))' "$last")
window=$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT count(*) FROM counted_steps WHERE started_at >= ?", (sys.argv[2].replace("Z", ".000Z"),)).fetchone()[0])' "$ledger" "$since")
echo "window: --since $since ($window counted steps, burn's --since 24h)" >&2

commands=("summary --no-ingest" "daily --no-ingest" "hotspots --no-ingest"
          "summary --no-ingest --since $since" "daily --no-ingest --since $since" "hotspots --no-ingest --since $since")
for c in "${commands[@]}"; do
  # shellcheck disable=SC2086
  ./tracelens $c --ledger "$ledger" --timezone UTC > /dev/null # warm the page cache
done
# Interleaved runs, wall time with sub-millisecond resolution and the CPU time of each child.
python3 - "$runs" "$ledger" "${commands[@]}" <<'PY'
import resource, statistics, subprocess, sys, time
runs, ledger, commands = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
wall = {c: [] for c in commands}
cpu = {c: [] for c in commands}
for _ in range(runs):
    for c in commands:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(["./tracelens", *c.split(), "--ledger", ledger, "--timezone", "UTC"], stdout=subprocess.DEVNULL, check=True)
        wall[c].append((time.perf_counter() - start) * 1000)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu[c].append((after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000)
for c in commands:
    label = c.replace(" --no-ingest", "").replace("--since ", "--since ")
    print(f"{label:45s} median {statistics.median(wall[c]):6.0f} ms  best {min(wall[c]):6.0f} ms  CPU median {statistics.median(cpu[c]):6.0f} ms  ({runs} runs)")
PY
