#!/usr/bin/env bash
# Benchmark of jcap's runtimes: image size on disk and boot-to-first-output of the examples
# hello-java, http-java (Java runtime linked by jcap) and redis (native runtime), beside the static
# C example hello measured in the same run as the floor of jcap's own boot path.
#
#   bash bench/runtimes.sh [RUNS]      (default 3 runs of each boot; prints a Markdown table)
#
# Needs: bin/jcap built (scripts/build.sh), the kernel pulled (bin/jcap kernels pull linux), QEMU,
# a JDK with jmods, musl-gcc, redis-server. Uses a private JCAP_HOME (sharing the user's kernels),
# so the user's images and caches are left alone.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
exec python3 bench/runtimes.py "$runs"
