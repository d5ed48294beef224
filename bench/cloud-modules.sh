#!/usr/bin/env bash
# Benchmark of the guest init's module loading by device aliases (this checkout, the kernel store's
# cloud drivers) against the fixed load order of an older jcap (another checkout, its kernel).
#
#   bash bench/cloud-modules.sh OLDER_CHECKOUT [RUNS]   (default 3; prints a Markdown table)
#
# OLDER_CHECKOUT is a built jcap from before the change (git worktree add --detach DIR 9363ba6;
# mvn -o -q -pl cli -am package -DskipTests in it). Its images use the user's kernel (pulled by it,
# 12 modules); this checkout's images use a kernel it pulls itself into a private home.
set -euo pipefail
cd "$(dirname "$0")/.."
older=${1:?usage: cloud-modules.sh OLDER_CHECKOUT [RUNS]}
runs=${2:-3}
exec python3 bench/cloud_modules.py "$older" "$runs"
