#!/usr/bin/env bash
# Benchmark of jcap push to OpenStack: examples/hello and examples/hello-java pushed to the local
# Glance (scripts/start-services.sh), in MB/s, beside the floor measured in the same run: curl -T of
# the same file to the same Glance URL with the same token. These machines are noisy: compare
# ratios, not seconds.
#
#   bash bench/push.sh [RUNS] [--write]   (RUNS defaults to 5; prints a Markdown section, and with
#                                          --write puts it into docs/benchmarks-cloud.md as "## Push")
#
# Needs: bin/jcap built (scripts/build.sh), the kernel pulled (bin/jcap kernels pull linux), QEMU,
# curl, and Keystone + Glance running (bash scripts/start-services.sh). Uses a private JCAP_HOME.
set -euo pipefail
cd "$(dirname "$0")/.."
exec python3 bench/push.py "$@"
