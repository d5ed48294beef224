#!/usr/bin/env bash
# Runs every input of the committed corpus (corpus/TARGET/: seeds and every input that once
# failed) once through its libFuzzer target, under ASan and UBSan; no fuzzing. The kernels
# module's test phase runs it, so a parser change that breaks on a known input fails the build.
#   replay.sh BUILD_FOLDER
# Without clang it skips (scripts/setup.sh installs it), except under CI=true.
set -euo pipefail
out=${1:?usage: replay.sh BUILD_FOLDER}
here=$(cd "$(dirname "$0")" && pwd)
if ! command -v clang >/dev/null; then
  if [ "${CI:-}" = true ]; then
    echo "replay: clang is missing (scripts/setup.sh installs it)" >&2
    exit 1
  fi
  echo "replay: skipped, clang is missing (scripts/setup.sh installs it)" >&2
  exit 0
fi
for harness in "$here"/*_fuzz.c; do
  target=$(basename "$harness" _fuzz.c)
  bash "$here/build.sh" "$target" "$out/$target"
  inputs=("$here/corpus/$target"/*)
  if ! "$out/$target" -runs=1 "${inputs[@]}" >"$out/$target.replay.log" 2>&1; then
    cat "$out/$target.replay.log" >&2
    echo "replay: $target failed on a corpus input (log above)" >&2
    exit 1
  fi
  echo "replay: $target, ${#inputs[@]} inputs of corpus/$target, no finding"
done
