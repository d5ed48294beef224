#!/usr/bin/env bash
# Benchmark of jcap push to the clouds (bench/push_clouds.py): examples/hello and examples/hello-java
# pushed to Azure (a private Azurite), with the bytes sent against the image's virtual size and its
# data size (qemu-img map), and the time to prepare the upload (jcap reading the qcow2, writing the
# VHD, in its own JVM flags) against qemu-img convert of the same image to raw and to a fixed vpc,
# the floor, measured in the same run. These machines are noisy: compare ratios, not seconds.
#
#   bash bench/push-clouds.sh [RUNS] [--write]   (RUNS defaults to 5; --write puts the section into
#                                                 docs/benchmarks-cloud.md as "## Push to the clouds")
#
# Needs: bin/jcap built (scripts/build.sh), the kernel pulled, QEMU, Azurite (scripts/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
exec python3 bench/push_clouds.py "$@"
