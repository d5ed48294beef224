#!/usr/bin/env bash
# How far jcap was tried: a Capstanfile with many `files` entries, a tree of many small files and
# a tree of one large total size, each built with `jcap build` (Linux kernel, ext4) in a private
# jcap home; prints a Markdown table of wall time and the jcap JVM's peak memory (GNU time's
# maximum resident set size).
#
#   bash bench/limits.sh [FILES] [TREE_MB] [ENTRIES]     (defaults: 100000 1024 10000)
#
# Needs: bin/jcap built (scripts/build.sh), the kernel pulled (bin/jcap kernels pull linux), GNU
# time (/usr/bin/time). Disk: about 3 x TREE_MB free under $TMPDIR.
set -euo pipefail
cd "$(dirname "$0")/.."
files=${1:-100000}
tree_mb=${2:-1024}
entries=${3:-10000}
jcap="$PWD/bin/jcap"
kernels="${JCAP_HOME:-$HOME/.jcap}/kernels"
[ -d "$kernels/linux" ] || { echo "pull the kernel first: bin/jcap kernels pull linux" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/jcap-limits-XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/home" && ln -s "$kernels" "$work/home/kernels"
export JCAP_HOME="$work/home"

hello() { # a static program every project runs, so that each image is a whole one
  printf '#include <stdio.h>\nint main(void){puts("limits");return 0;}\n' >"$1/hello.c"
  musl-gcc -static -Os -s -o "$1/hello" "$1/hello.c"
}

measure() { # name, project folder, what it holds
  if ! /usr/bin/time -o "$work/$1.time" -f '%e %M' "$jcap" build "$2" >/dev/null 2>"$work/$1.err"; then
    echo "| $3 | failed: $(tail -1 "$work/$1.err") | | |"
    return
  fi
  read -r secs kib <"$work/$1.time"
  local size
  size=$(du -m "$JCAP_HOME/images/$1/image.qcow2" | cut -f1)
  printf '| %s | %s s | %s MiB | %s MiB |\n' "$3" "$secs" "$((kib / 1024))" "$size"
}

echo "| what | jcap build | peak memory (jcap JVM) | image on disk |"
echo "| --- | --- | --- | --- |"

p="$work/many-entries"; mkdir -p "$p/data"; hello "$p"
{ printf 'cmdline: /app/hello\nfiles:\n  /app/hello: hello\n'
  for i in $(seq 1 "$entries"); do printf '  /data/f%06d: data/f%06d\n' "$i" "$i"; : >"$p/data/f$(printf %06d "$i")"; done
} >"$p/Capstanfile"
measure many-entries "$p" "Capstanfile with $entries \`files\` entries ($(du -k "$p/Capstanfile" | cut -f1) KiB)"

p="$work/many-files"; mkdir -p "$p/root/data"; hello "$p"
( cd "$p/root/data" && for d in $(seq 0 $((files / 1000))); do mkdir -p "d$d"; done
  for i in $(seq 1 "$files"); do printf '%d\n' "$i" >"d$((i / 1000))/f$i"; done )
# ext4's default of one inode per 16 KiB: each small file needs one, whatever its size.
printf 'cmdline: /app/hello\nrootfs: root\nfiles:\n  /app/hello: hello\nsize: %dM\n' $((files * 20 / 1024 + 256)) \
  >"$p/Capstanfile"
measure many-files "$p" "$files small files (rootfs)"

p="$work/large-tree"; mkdir -p "$p/root/blobs"; hello "$p"
for i in $(seq 1 $((tree_mb / 64))); do head -c $((64 << 20)) /dev/urandom >"$p/root/blobs/b$i"; done
printf 'cmdline: /app/hello\nrootfs: root\nfiles:\n  /app/hello: hello\nsize: %dM\n' $((tree_mb * 3 / 2 + 128)) >"$p/Capstanfile"
measure large-tree "$p" "a tree of $tree_mb MiB (random, incompressible)"
