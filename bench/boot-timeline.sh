#!/usr/bin/env bash
# Where `jcap run` of the hello image spends its time, part by part, on one timeline: the CLI until
# QEMU is spawned (QEMU runs through a small wrapper, JCAP_QEMU, that notes its start), QEMU to the
# kernel's clock at 0, the kernel to /init, each step of jcap's init (jcap.debug=1: the init stamps
# its lines with the guest's monotonic clock), and the host receiving the first output. Then one
# verbose boot of jcap's run and of the floor (printk times) and one with initcall_debug (the
# devices' probe times). Prints Markdown.
#
#   bash bench/boot-timeline.sh [RUNS]        (default 5; TIMELINE_KERNEL=linux for Debian's kernel)
#
# Needs what bench/build-run.sh needs, and linux-mini stored (bin/jcap kernels build linux-mini)
# unless TIMELINE_KERNEL names another kernel.
set -euo pipefail
cd "$(dirname "$0")/.."
exec python3 bench/boot_timeline.py "${1:-5}"
