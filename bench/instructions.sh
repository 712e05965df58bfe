#!/usr/bin/env bash
# Deterministic A/B: instructions executed by a cold `ingest` (a first load) of the same generated
# Claude history, counted by valgrind's callgrind, for the build of an earlier commit and for the
# working tree. On this project's noisy 2-core VM wall times of one binary vary by ±20 % within
# minutes; instruction counts repeat within 0.2 %, so a change of 1 % is visible. (They do not see cache
# misses or the kernel's work, so a change they favour still needs bench/ab-ingest.sh.)
#   bench/instructions.sh [BASE_REV=HEAD~1] [SIZE_MB=300]
# Needs valgrind (apt-get install valgrind). SIZE_MB must stay at or above 256 for a first load.
# Builds target x86-64-v3 (AVX2): valgrind 3.19 does not run the AVX-512 code of a native build.
# Prints the total per build and the current build's 15 costliest functions.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
base="${1:-HEAD~1}"
size_mb="${2:-300}"
command -v valgrind >/dev/null || { echo "valgrind is not installed (apt-get install valgrind)" >&2; exit 2; }
home="$PWD/.bench/history-${size_mb}mb-claude"
# shellcheck source=bench/lib.sh
. bench/lib.sh
./tracelens --version >/dev/null
generated_history "$home" --size-mb "$size_mb" --provider claude

# publish SOURCE_DIR OUT: an AOT build valgrind can run and name functions in (symbols kept, DWARF
# dropped: valgrind 3.19 does not read the DWARF 5 forms the toolchain writes).
publish() {
  dotnet publish "$1/src/Tracelens.Cli/Tracelens.Cli.csproj" -c Release -r linux-x64 -p:PublishAot=true \
    -p:IlcInstructionSet=x86-64-v3 -p:StripSymbols=false -o "$2" > "$2.log" 2>&1 || { echo "build failed; see $2.log" >&2; exit 1; }
  objcopy --strip-debug "$2/Tracelens.Cli"
}

sha=$(git rev-parse --short=12 "$base")
base_cli="$PWD/.bench/instructions-$sha"
if [ ! -x "$base_cli/Tracelens.Cli" ]; then
  tree=$(mktemp -d)
  git worktree add -q --detach "$tree" "$sha"
  echo "building $sha into $base_cli …" >&2
  publish "$tree" "$base_cli" || { git worktree remove --force "$tree"; exit 1; }
  git worktree remove --force "$tree"
fi
current_cli="$PWD/.bench/instructions-current"
rm -rf "$current_cli"
echo "building the working tree into $current_cli …" >&2
publish "$PWD" "$current_cli"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for variant in "base=$base_cli" "current=$current_cli"; do
  name="${variant%%=*}"
  valgrind --tool=callgrind --callgrind-out-file="$work/$name.out" "${variant#*=}/Tracelens.Cli" ingest --home "$home" \
    --ledger "$work/$name.db" > /dev/null 2> "$work/$name.err"
  printf '%-8s %s instructions\n' "$name" "$(grep -o 'refs: *[0-9,]*' "$work/$name.err" | tr -s ' ' | cut -d' ' -f2)"
done
echo "costliest functions of the current build:"
callgrind_annotate "$work/current.out" 2>/dev/null | grep -E '^ *[0-9,]+ \( *[0-9.]+%\) ' | grep -v 'PROGRAM TOTALS' | head -15 | cut -c1-140
