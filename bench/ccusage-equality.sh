#!/usr/bin/env bash
# Equality with ccusage: `tracelens daily --json` against `ccusage daily --json --offline` on the
# same generated Claude Code + Codex histories (with resumed-session replays and subagent files).
#   bench/ccusage-equality.sh [RECORDS ...]        default: 10000 100000 400000
# For each size: generates the history once under .bench/ (seed 1), ingests it into a fresh ledger,
# runs both tools in UTC, and compares every (day, model): the four token counts must be equal,
# the cost within 0.5%. Prints one line per size, then the models whose cost differs at all.
# ccusage: $TRACELENS_CCUSAGE, else .bench/ccusage (installed from npm when missing, as
# bench/collect.sh does). Exits 1 when a size is not equal.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
[ $# -eq 0 ] && set -- 10000 100000 400000
# shellcheck source=bench/lib.sh
. bench/lib.sh
ccusage="${TRACELENS_CCUSAGE:-$(ccusage_path)}"
[ -n "$ccusage" ] && [ -x "$ccusage" ] || { echo "ccusage not found: set TRACELENS_CCUSAGE or install npm" >&2; exit 2; }
./tracelens --version >/dev/null
clean_env=(env -u CLAUDE_CONFIG_DIR -u CODEX_HOME -u XDG_CONFIG_HOME -u XDG_DATA_HOME -u OPENCODE_DATA_DIR -u TRACELENS_HOME -u CCUSAGE_OFFLINE)
echo "ccusage $("$ccusage" --version 2>/dev/null | tail -1); $(nproc) cores; load: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

status=0
printf '%-8s %8s %10s %12s %12s %14s %14s %9s %9s %9s\n' records steps day×model token-diffs max-cost-Δ tracelens-\$ ccusage-\$ ccusage-s ingest-s daily-s
for records in "$@"; do
  home="$PWD/.bench/equality-$records"
  generated_history "$home" --records "$records"
  out="$PWD/.bench/equality-$records.out"
  mkdir -p "$out"
  ledger="$out/ledger.db"
  rm -f "$ledger" "$ledger-wal" "$ledger-shm"
  t0=$(date +%s.%N)
  HOME="$home" "${clean_env[@]}" "$ccusage" daily --json --offline --timezone UTC > "$out/ccusage.json"
  t1=$(date +%s.%N)
  "${clean_env[@]}" ./tracelens ingest --home "$home" --ledger "$ledger" > /dev/null
  t2=$(date +%s.%N)
  "${clean_env[@]}" ./tracelens daily --json --no-ingest --timezone UTC --ledger "$ledger" > "$out/tracelens.json"
  t3=$(date +%s.%N)
  steps=$(./tracelens summary --json --no-ingest --ledger "$ledger" --timezone UTC | python3 -c 'import json,sys; print(json.load(sys.stdin)["steps"])')
  timings="$(echo "$t0 $t1 $t2 $t3" | awk '{ printf "%.2f %.2f %.2f", $2 - $1, $3 - $2, $4 - $3 }')"
  python3 - "$out/tracelens.json" "$out/ccusage.json" "$records" "$steps" $timings <<'PY' || status=1
import json, sys
from decimal import Decimal
ours_doc, theirs_doc = (json.load(open(p), parse_float=Decimal) for p in sys.argv[1:3])
records, steps, t_cc, t_ingest, t_daily = sys.argv[3:8]
fields = ("inputTokens", "outputTokens", "cacheCreationTokens", "cacheReadTokens")
def rows(doc):
    return {(d["period"], m["modelName"]): m for d in doc["daily"] for m in d["modelBreakdowns"]}
ours, theirs = rows(ours_doc), rows(theirs_doc)
keys = sorted(set(ours) | set(theirs))
token_diffs = [k for k in keys if k not in ours or k not in theirs or any(ours[k][f] != theirs[k][f] for f in fields)]
def rel(a, b):
    return abs(Decimal(a) - Decimal(b)) / max(Decimal(b), Decimal("1e-9"))
both = [k for k in keys if k in ours and k in theirs]
max_cost = max((rel(ours[k]["cost"], theirs[k]["cost"]) for k in both), default=Decimal(0))
total_ours = sum(Decimal(ours[k]["cost"]) for k in ours)
total_theirs = sum(Decimal(theirs[k]["cost"]) for k in theirs)
print(f"{records:<8} {steps:>8} {len(keys):>10} {len(token_diffs):>12} {float(max_cost) * 100:>11.6f}% {total_ours:>14.6f} {total_theirs:>14.6f} {t_cc:>9} {t_ingest:>9} {t_daily:>9}")
by_model = {}
for k in both:
    o, t = by_model.get(k[1], (Decimal(0), Decimal(0)))
    by_model[k[1]] = (o + Decimal(ours[k]["cost"]), t + Decimal(theirs[k]["cost"]))
# ccusage sums binary floats, Tracelens exact decimals: differences near 1e-15 are float rounding;
# anything larger is a price difference, listed per model.
worst = max(by_model, key=lambda m: rel(*by_model[m]), default=None)
if worst is not None:
    print(f"         largest per-model cost difference: {worst} {float(rel(*by_model[worst])) * 100:.1e}% (float rounding below ~1e-12%)")
for model, (o, t) in sorted(by_model.items()):
    if rel(o, t) > Decimal("1e-12"):
        print(f"         {model}: tracelens {o:.10f} ccusage {t:.10f} (Δ {o - t:+.2e}, {float(rel(o, t)) * 100:.2e}%)")
for k in token_diffs[:10]:
    print(f"         token difference {k}: tracelens {[ours.get(k, {}).get(f) for f in fields]} ccusage {[theirs.get(k, {}).get(f) for f in fields]}")
sys.exit(1 if token_diffs or max_cost > Decimal("0.005") else 0)
PY
done
exit "$status"
