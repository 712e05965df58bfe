#!/usr/bin/env bash
# Benchmark (issue #6): the dashboard's first load on a ~100k-step ledger — what a browser fetches
# to show the Overview: the page, its stylesheet and scripts (ECharts included), then the API
# calls the page makes (/api/overview and /api/version), each group fetched in parallel as a
# browser does. Timed right after `tracelens serve` starts (the very first load) and again on
# later loads of the same running server.
#   bench/dashboard.sh [RECORDS=250000] [RUNS=5]
# Uses the ledger bench/reports.sh builds (.bench/reports-RECORDS.out/ledger.db).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
records="${1:-250000}"
runs="${2:-5}"
ledger="$PWD/.bench/reports-$records.out/ledger.db"
[ -f "$ledger" ] || bash bench/reports.sh "$records" 1 > /dev/null
./tracelens --version > /dev/null
echo "ledger: $ledger ($(du -m "$ledger" | cut -f1) MB); $(nproc) cores; load: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
python3 - "$ledger" "$runs" <<'PY'
import concurrent.futures, os, re, signal, statistics, subprocess, sys, time, urllib.request
ledger, runs = sys.argv[1], int(sys.argv[2])
page = ["/", "/app.css", "/app.js", "/vendor/echarts/echarts.min.js"]
api = ["/api/overview", "/api/version"]

def fetch(url):
    with urllib.request.urlopen(url, timeout=60) as r:
        body = r.read()
        assert r.status == 200, (url, r.status)
        return len(body)

def load(base):
    start = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        sizes = list(pool.map(lambda p: fetch(base + p), page))
        sizes += list(pool.map(lambda p: fetch(base + p), api))
    return (time.perf_counter() - start) * 1000, sum(sizes)

first, later = [], []
for _ in range(runs):
    server = subprocess.Popen(["./tracelens", "serve", "--no-ingest", "--ledger", ledger], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line = server.stdout.readline()
        base = re.search(r"http://127\.0\.0\.1:\d+", line).group(0)
        ms, size = load(base)
        first.append(ms)
        for _ in range(3):
            later.append(load(base)[0])
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=30)
print(f"first load after start   median {statistics.median(first):6.0f} ms  best {min(first):6.0f} ms  ({runs} starts, {size / 1e6:.1f} MB)")
print(f"later loads              median {statistics.median(later):6.0f} ms  best {min(later):6.0f} ms  ({len(later)} loads)")
PY
