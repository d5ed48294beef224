#!/usr/bin/env bash
# Sets up this machine and runs every test, unit and integration (real QEMU guests). CI runs this.
set -euo pipefail
# Some tests press Ctrl-C (SIGINT) on jcap. A job a script starts in the background (`cmd &`
# without job control, or under nohup) begins with SIGINT ignored, which every process below it
# inherits and the JVM keeps: those tests would fail for that reason alone. So the suite runs
# with SIGINT at its default (perl is in every Debian: perl-base is essential).
if [ $(( 0x$(awk '/^SigIgn:/ {print $2}' /proc/self/status) & 2 )) -ne 0 ]; then
  exec perl -e '$SIG{INT} = "DEFAULT"; exec @ARGV or die "cannot run @ARGV: $!\n"' bash "$0" "$@"
fi
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
# Pulls the kernel when it is missing, or when it lacks modules this version of jcap needs.
bin/jcap kernels pull linux
# jcap's tailored kernel, built once per run (kept when one of the same source and config is
# stored): every builder VM boots it, and a few example tests run on it below.
bin/jcap kernels build linux-mini
bash scripts/start-services.sh
leftovers=$(mktemp)
trap 'rm -f "$leftovers"' EXIT
bash scripts/check-leftovers.sh before "$leftovers"
mvn -B -ntp verify
# The examples again with linux-mini as their images' kernel: hello, exit-code, disk boot,
# http-server (detached, stopped by the power button, -e/--cmd through fw_cfg) and hello-java.
JCAP_KERNEL=linux-mini mvn -B -ntp -pl examples -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
  -Dfailsafe.failIfNoSpecifiedTests=false \
  -Dit.test='ExamplesIT,JavaRuntimeIT#run_helloJava*,InstancesIT#detached_server*+stop_rightAfterStart*+run_cmd*'
# Nothing left behind: no guest, no domain, the machine's kernel store and images as they were.
bash scripts/check-leftovers.sh after "$leftovers"
