#!/usr/bin/env bash
# Builds jcap's guest init: every C file of this folder, static with musl, to the path given.
# The one place that knows how: Maven's kernels build and kernels/src/test/scripts/boot-chain.sh call it.
set -euo pipefail
out=${1:?usage: build.sh OUTPUT}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$(dirname "$out")"
exec musl-gcc -static -Os -s -Wall -Wextra -Werror -o "$out" "$here"/*.c
