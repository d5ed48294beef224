#!/usr/bin/env bash
# Builds one libFuzzer target of the guest init's parsers with clang, ASan and UBSan:
#   build.sh TARGET OUTPUT     (TARGET_fuzz.c of this folder, linked with the init's C files)
# The one place that knows how: scripts/fuzz.sh and replay.sh call it.
set -euo pipefail
target=${1:?usage: build.sh TARGET OUTPUT}
out=${2:?usage: build.sh TARGET OUTPUT}
here=$(cd "$(dirname "$0")" && pwd)
src=$here/../main/c
sources=()
for f in "$src"/*.c; do
  [ "$(basename "$f")" = main.c ] || sources+=("$f")
done
mkdir -p "$(dirname "$out")"
exec clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
  -Wall -Wextra -Werror -I"$src" -o "$out" "$here/${target}_fuzz.c" "${sources[@]}"
