#!/usr/bin/env bash
# Benchmark of cloud-init data: the time from QEMU's start to JCAP-START of one image, booted
# directly with its own initramfs, with no data source (the init of the main branch beside this
# one's, DHCP as on a cloud and static as jcap run does), and with each source: jcap's NoCloud
# seed, cloud-localds' iso and vfat seeds, a genisoimage config drive, an EC2 IMDSv2 stand-in.
# Median of N runs each. These machines are noisy: compare ratios and differences, not seconds.
#
#   bash bench/cloudinit.sh [N] [BASE_REF]   (N defaults to 5, BASE_REF to main; prints Markdown)
#
# Needs: bin/jcap built, the kernel pulled, QEMU, musl-gcc, cpio, cloud-image-utils, genisoimage,
# socat. Uses a private JCAP_HOME.
set -euo pipefail
cd "$(dirname "$0")/.."
exec python3 bench/cloudinit.py "$@"
