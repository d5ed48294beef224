#!/usr/bin/env bash
# Builds jcap-exit-with-parent, the host launcher that makes a foreground QEMU die with jcap:
# static with musl (like the guest init in kernels/src/main/c), to the path given.
# The one place that knows how: Maven's hypervisor-drivers build calls it.
set -euo pipefail
out=${1:?usage: build.sh OUTPUT}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$(dirname "$out")"
exec musl-gcc -static -Os -s -Wall -Wextra -Werror -o "$out" "$here"/*.c
