#!/usr/bin/env bash
# The main job: set up this machine, build jcap, pull the Linux kernel, then build and boot the
# hello example image.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
bin/jcap kernels pull linux
bin/jcap build examples/hello
bin/jcap run hello
