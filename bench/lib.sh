# Sourced by the bench scripts (run from the repository root).
#   generated_history DIR SYNTH_ARGS...   generates DIR with `tracelens synth --out DIR --seed 1
#                                         SYNTH_ARGS...` unless a finished one is there (its
#                                         ground_truth.json is written last)
#   ccusage_path                          prints the ccusage 20.0.24 to compare with, installing
#                                         it from npm into .bench/ccusage when npm is available;
#                                         prints nothing when there is none
#   revision_cli REV                      prints the CLI built from commit REV with Native AOT into
#                                         .bench/ab-<sha> (a throwaway worktree; kept for reruns)
generated_history() {
  local home="$1"
  shift
  [ -f "$home/ground_truth.json" ] && return 0
  rm -rf "$home"
  echo "generating $* in $home …" >&2
  ./tracelens synth --out "$home" --seed 1 "$@" >&2
}

ccusage_path() {
  local ccusage="$PWD/.bench/ccusage/node_modules/.bin/ccusage"
  if [ ! -x "$ccusage" ] && command -v npm >/dev/null; then
    mkdir -p .bench/ccusage
    (cd .bench/ccusage && npm install --no-audit --no-fund --silent ccusage@20.0.24 @ccusage/ccusage-linux-x64@20.0.24 >&2) || true
  fi
  if [ -x "$ccusage" ]; then echo "$ccusage"; fi
}

revision_cli() {
  local sha base_cli tree rid
  sha=$(git rev-parse --short=12 "$1")
  base_cli="$PWD/.bench/ab-$sha"
  if [ ! -x "$base_cli/Tracelens.Cli" ]; then
    tree=$(mktemp -d)
    git worktree add -q --detach "$tree" "$sha"
    rid="$(dotnet --info 2>/dev/null | awk '/^ *RID:/ && !found { print $2; found = 1 }' || true)"
    echo "building $sha (Native AOT) into $base_cli …" >&2
    if ! dotnet publish "$tree/src/Tracelens.Cli/Tracelens.Cli.csproj" -c Release -r "${rid:-linux-x64}" -p:PublishAot=true \
        -p:IlcInstructionSet=native -p:DebugType=none -p:CopyOutputSymbolsToPublishDirectory=false -o "$base_cli" > "$base_cli.log" 2>&1; then
      git worktree remove --force "$tree"
      echo "the build of $sha failed; see $base_cli.log" >&2
      return 1
    fi
    git worktree remove --force "$tree"
  fi
  echo "$base_cli/Tracelens.Cli"
}
