#!/usr/bin/env bash
# Sets up this machine and runs every test, unit and integration (real QEMU guests). CI runs this.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
# Pulled afresh, so the tests see the module set this version of jcap puts in images
# (a kernel pulled by an older version may lack some).
bin/jcap kernels pull linux --force
bash scripts/start-services.sh
mvn -B -ntp verify
