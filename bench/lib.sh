# Sourced by the bench scripts (run from the repository root).
#   generated_history DIR SYNTH_ARGS...   generates DIR with `tracelens synth --out DIR --seed 1
#                                         SYNTH_ARGS...` unless a finished one is there (its
#                                         ground_truth.json is written last)
#   ccusage_path                          prints the ccusage 20.0.24 to compare with, installing
#                                         it from npm into .bench/ccusage when npm is available;
#                                         prints nothing when there is none
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
