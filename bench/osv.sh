#!/usr/bin/env bash
# Benchmark of jcap with a real OSv: ROFS and ZFS builds, and jcap run to first output, beside the
# same OSv kernel booted by plain QEMU from the same disk (the floor), measured in one run; with
# CAPSTAN=/path/to/capstan, Capstan's package compose of the same program too.
#
#   JCAP_OSV_KERNELS=DIR bash bench/osv.sh [RUNS]    (default 3 runs of each; prints a Markdown table)
#
# DIR holds OSv's loader.img and zfs_builder-stripped.elf (docs/osv.md). Needs bin/jcap built
# (scripts/build.sh), QEMU and cc. Uses a private JCAP_HOME so the user's images are left alone.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
exec python3 bench/osv.py "$runs"
