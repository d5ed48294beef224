#!/usr/bin/env bash
# Sets up this machine and runs every test, unit and integration (real QEMU guests). CI runs this.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
# Pulls the kernel when it is missing, or when it lacks modules this version of jcap needs.
bin/jcap kernels pull linux
bash scripts/start-services.sh
mvn -B -ntp verify
