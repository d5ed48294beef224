#!/usr/bin/env bash
# Deep and large project trees: jcap build of a rootfs that is a chain of folders (depth 400, 800,
# 1600) against the same number of folders side by side, and the unchanged rebuild of a rootfs of
# 20 000 files against its floor (bin/jcap's own start plus a stat of every file, in the same run).
#
#   bash bench/trees.sh [ROUNDS] [--write]   (--write puts the table in docs/benchmarks.md)
#
# Needs: bin/jcap built (scripts/build.sh), the kernel pulled (bin/jcap kernels pull linux), QEMU,
# musl-gcc. Uses a private JCAP_HOME so the user's images are left alone.
set -euo pipefail
cd "$(dirname "$0")/.."
exec python3 bench/trees.py "$@"
