#!/usr/bin/env bash
# Benchmark of the Maven plugin: mvn package with jcap:build of examples/hello-maven, cold and after a
# one-line change, beside mvn package alone (the floor) and jcap build of the same jar through a
# Capstanfile; writes the "Maven plugin" section of docs/benchmarks.md.
#
#   bash bench/maven.sh [RUNS]      (default 3 runs of each warm measurement)
#
# Needs: bin/jcap built (scripts/build.sh), the kernel pulled (bin/jcap kernels pull linux), QEMU, and
# the plugin in jcap-maven-plugin/target/local-repo (its tests install it there:
# mvn -pl cli,jcap-maven-plugin -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false
# -Dit.test=none -Dfailsafe.failIfNoSpecifiedTests=false). Maven takes everything else from ~/.m2 (no
# network); a private JCAP_HOME keeps the user's images alone.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
exec python3 bench/maven.py "$runs"
