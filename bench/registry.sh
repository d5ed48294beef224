#!/usr/bin/env bash
# Benchmark of jcap push and pull with an OCI registry: examples/hello and examples/hello-java pushed
# to and pulled from the plain registry of scripts/registry-services.sh, beside the floor measured in
# the same run: skopeo copy of the same bytes (an OCI layout holding jcap's own blobs) to and from
# the same registry; and what a second image of the same kernel actually sends. These machines are
# noisy: compare ratios, not seconds.
#
#   bash bench/registry.sh [RUNS] [--write]   (RUNS defaults to 3; prints a Markdown section, and with
#                                              --write puts it into docs/benchmarks-cloud.md as "## Registry")
#
# Needs: bin/jcap built (scripts/build.sh), the kernel pulled (bin/jcap kernels pull linux), QEMU,
# skopeo, and the registries running (bash scripts/start-services.sh). Uses a private JCAP_HOME.
set -euo pipefail
cd "$(dirname "$0")/.."
exec python3 bench/registry.py "$@"
