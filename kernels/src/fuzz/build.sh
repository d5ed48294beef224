#!/usr/bin/env bash
# Builds one libFuzzer target of the guest init's parsers with clang, ASan and UBSan:
#   build.sh TARGET OUTPUT     (TARGET_fuzz.c of this folder, linked with the init's C files)
# The one place that knows how: scripts/fuzz.sh and replay.sh call it.
# The init's files are compiled once, in parallel, into objects kept beside OUTPUT (obj/), named
# by a digest of the file, the headers and the flags, so the other targets (and a later run with
# nothing changed) link them instead of compiling them again.
set -euo pipefail
target=${1:?usage: build.sh TARGET OUTPUT}
out=${2:?usage: build.sh TARGET OUTPUT}
here=$(cd "$(dirname "$0")" && pwd)
src=$here/../main/c
flags=(-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -Wall -Wextra -Werror -I"$src")
objdir=$(dirname "$out")/obj
mkdir -p "$objdir"
common=$( { cat "$src"/*.h; echo "${flags[*]}"; clang --version; } | sha256sum | cut -c1-16)
objects=()
missing=()
for f in "$src"/*.c; do
  name=$(basename "$f" .c)
  [ "$name" = main ] && continue
  obj=$objdir/$name-$( { cat "$f"; echo "$common"; } | sha256sum | cut -c1-16).o
  objects+=("$obj")
  [ -f "$obj" ] || missing+=("$f:$obj")
done
if [ ${#missing[@]} -gt 0 ]; then
  # -fsanitize=fuzzer would add libFuzzer's main at link time only; objects take fuzzer-no-link.
  printf '%s\n' "${missing[@]}" | xargs -P "$(nproc)" -I{} bash -c '
    pair=$1; shift
    clang "$@" -c -o "${pair#*:}.tmp" "${pair%%:*}" && mv "${pair#*:}.tmp" "${pair#*:}"' _ {} \
    "${flags[@]/-fsanitize=fuzzer,address,undefined/-fsanitize=fuzzer-no-link,address,undefined}"
fi
exec clang "${flags[@]}" -o "$out" "$here/${target}_fuzz.c" "${objects[@]}"
