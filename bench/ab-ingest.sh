#!/usr/bin/env bash
# A/B benchmark: cold `ingest` of the same generated Claude history by the current build and by
# the build of an earlier commit, interleaved run by run with ccusage, so that a noisy host (this
# project's 2-core VM varies by ±20 % within minutes) shifts all three alike.
#   bench/ab-ingest.sh [BASE_REV=HEAD~1] [SIZE_MB=3300] [RUNS=7]
# Builds BASE_REV with Native AOT into .bench/ab-<sha> (a throwaway worktree; kept for reruns),
# then prints, per command, the median and best wall time and the mean CPU time (user + system)
# from /usr/bin/time: on 2 cores a cold ingest is bound by the sum of the reading and writing
# threads' CPU, so CPU seconds are the steadier figure.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
base="${1:-HEAD~1}"
size_mb="${2:-3300}"
runs="${3:-7}"
home="$PWD/.bench/history-${size_mb}mb-claude"
# shellcheck source=bench/lib.sh
. bench/lib.sh
./tracelens --version >/dev/null
generated_history "$home" --size-mb "$size_mb" --provider claude

sha=$(git rev-parse --short=12 "$base")
base_cli=$(revision_cli "$base")

ccusage=$(ccusage_path)
[ -z "$ccusage" ] && echo "ccusage is not available (no npm): timing the two builds only" >&2

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
find "$home" -name '*.jsonl' -exec cat {} + > /dev/null # warm the page cache: compare parsing, not the disk
echo "history: $home; base $sha; $(nproc) cores; load: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
for i in $(seq 1 "$runs"); do
  if [ -n "$ccusage" ]; then
    { HOME="$home" /usr/bin/time -f "ccusage %e %U %S" "$ccusage" daily --json --offline > /dev/null; } 2>> "$work/times"
  fi
  for variant in "base=$base_cli" "current=$PWD/artifacts/cli/Tracelens.Cli"; do
    rm -f "$work"/ledger.db*
    { /usr/bin/time -f "${variant%%=*} %e %U %S" "${variant#*=}" ingest --home "$home" --ledger "$work/ledger.db" > /dev/null; } 2>> "$work/times"
  done
done
for name in ccusage base current; do
  grep "^$name " "$work/times" | sort -k2 -n | awk -v n="$name" '
    { w[NR] = $2; cpu += $3 + $4 }
    END { if (NR == 0) exit; printf "%-8s median %6.3f s  best %6.3f s  CPU %6.2f s  (%d runs)\n", n, w[int((NR + 1) / 2)], w[1], cpu / NR, NR }'
done
