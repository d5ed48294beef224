#!/usr/bin/env bash
# jcap's stream into the builder guest and its cold build, each against its floor in the same run:
# the same bytes sent by busybox nc into a guest booted with the builder's own QEMU command and
# kernel, written by cat onto the same ext4 and synced; and that guest's boot to readiness plus
# that stream plus qemu-img convert -c of its disk. Runs take turns; medians.
#
#   bash bench/stream.sh [RUNS] [--write]   (default 3 runs; --write puts the section in docs/benchmarks-stream.md)
#
# Needs: bin/jcap built (scripts/build.sh), the kernel pulled (bin/jcap kernels pull linux) and
# linux-mini built (bin/jcap kernels build linux-mini: the builder and the floor guest boot it),
# QEMU, musl-gcc, cpio, busybox-static, sfdisk (fdisk), e2fsprogs: all installed by
# scripts/setup.sh. Uses a private JCAP_HOME.
set -euo pipefail
cd "$(dirname "$0")/.."
exec python3 bench/stream.py "$@"
