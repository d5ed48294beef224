#!/usr/bin/env bash
# Checks that linux-mini is reproducible: builds it twice with bin/jcap, each in its own jcap home
# (so in two different temp folders), and compares the two bzImages byte for byte. Slow (two
# kernel builds: about 8 minutes on two idle cores), so it is apart from scripts/test.sh.
#
#   bash scripts/kernel-reproducible.sh [JOBS]
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=${1:-$(nproc)}
work=$(mktemp -d /tmp/jcap-reproducible-XXXXXX)
trap 'rm -rf "$work"' EXIT
for n in 1 2; do
  JCAP_HOME="$work/home$n" bin/jcap kernels build linux-mini --jobs "$jobs" >&2
done
a=$(sha256sum < "$work/home1/kernels/linux-mini/vmlinuz" | cut -d' ' -f1)
b=$(sha256sum < "$work/home2/kernels/linux-mini/vmlinuz" | cut -d' ' -f1)
echo "build 1: $a"
echo "build 2: $b"
if [ "$a" != "$b" ]; then
  echo "linux-mini is not reproducible: two builds of the same source and config differ" >&2
  exit 1
fi
echo "linux-mini is reproducible: both builds give the same bytes"
