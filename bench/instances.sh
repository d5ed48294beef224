#!/usr/bin/env bash
# Benchmark of detached instances: N instances of examples/http-server started one after another
# and all together (each timed until it answers HTTP), QEMU's memory per idle instance, jcap stop;
# each beside its floor measured in the same run (the same kernel booted directly with -kernel and
# a trivial init). These machines are noisy: compare ratios, not seconds.
#
#   bash bench/instances.sh [N] [--write]   (N defaults to 4; prints a Markdown section, and with
#                                            --write puts it into docs/benchmarks.md as "## Instances")
#
# Needs: bin/jcap built (scripts/build.sh), the kernel pulled (bin/jcap kernels pull linux), QEMU,
# musl-gcc, cpio. Uses a private JCAP_HOME so the user's images and instances are left alone.
set -euo pipefail
cd "$(dirname "$0")/.."
exec python3 bench/instances.py "$@"
