#!/usr/bin/env bash
# The size rule of container images: a Debian-slim-like image (mmdebstrap minbase, slimmed as
# debian:bookworm-slim, one gzip layer by umoci) built with jcap build --from must not be bigger
# than its compressed layers plus the kernel plus 10%. Fails when the rule does not hold.
#
#   bash bench/slim-size.sh [--write]   (--write puts the table in docs/benchmarks.md)
#
# Needs: root (mmdebstrap --mode=root), the apt mirror this machine uses, bin/jcap built
# (scripts/build.sh), the kernel pulled (bin/jcap kernels pull linux), QEMU, umoci. mmdebstrap is
# installed with apt-get when missing (this benchmark only needs it; the tests do not).
# Uses a private JCAP_HOME so the user's images are left alone.
set -euo pipefail
cd "$(dirname "$0")/.."
exec python3 bench/slim_size.py "$@"
