#!/usr/bin/env bash
# Benchmark of jcap build and jcap run with the Linux kernel, each figure beside its floor measured
# in the same run (these machines are noisy: compare ratios, not seconds).
#
#   bash bench/build-run.sh [RUNS]      (default 3 runs of each measurement; prints a Markdown table)
#
# Needs: bin/jcap built (scripts/build.sh), the kernel pulled (bin/jcap kernels pull linux), QEMU,
# musl-gcc. Uses a private JCAP_HOME so the user's images are left alone. With linux-mini stored
# (bin/jcap kernels build linux-mini) it also measures both kernels with their floors, the same run.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
exec python3 bench/build_run.py "$runs"
