#!/usr/bin/env bash
# jcap build --from a 3-layer ~100 MB OCI image against its floor: umoci unpack of the same layers
# plus jcap's build of the unpacked folder (the same bytes through the same stream), same run.
#
#   bash bench/from-oci.sh [RUNS] [--write]   (default 3 runs; --write puts the table in docs/benchmarks.md)
#
# Needs: bin/jcap built (scripts/build.sh), the kernel pulled (bin/jcap kernels pull linux), QEMU,
# umoci, busybox-static. Uses a private JCAP_HOME so the user's images are left alone.
set -euo pipefail
cd "$(dirname "$0")/.."
exec python3 bench/from_oci.py "$@"
