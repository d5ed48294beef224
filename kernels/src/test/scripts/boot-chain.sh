#!/usr/bin/env bash
# Proves jcap's Linux boot chain by hand, step by step, with the tools a developer
# has (no Java): build the init, format and fill a disk in a builder VM over the
# cpio protocol, boot that disk through SeaBIOS and extlinux, and check that
# hostile streams are refused. See docs/guest-protocol.md.
#
#   boot-chain.sh VMLINUZ MODULES_DIR [WORK_DIR]
#
# MODULES_DIR is a kernel's lib/modules/<version> folder (plain .ko files), e.g. from
#   apt-get download linux-image-<version>-cloud-amd64 && dpkg -x linux-image-*.deb root
# Needs: qemu-system-x86_64, qemu-img, musl-gcc, mke2fs, extlinux, syslinux-common,
# cpio, python3. Runs QEMU under TCG (never KVM), every VM with a timeout.
set -euo pipefail

VMLINUZ=$(realpath "${1:?usage: boot-chain.sh VMLINUZ MODULES_DIR [WORK_DIR]}")
MODULES=$(realpath "${2:?usage: boot-chain.sh VMLINUZ MODULES_DIR [WORK_DIR]}")
WORK=${3:-$(mktemp -d /tmp/jcap-boot-chain.XXXXXX)}
mkdir -p "$WORK" && WORK=$(realpath "$WORK")
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/../../main/c" && pwd)
STREAM="python3 $HERE/jcap_stream.py"
MBR=/usr/lib/syslinux/mbr/mbr.bin
LOAD_ORDER="virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci failover net_failover virtio_net virtio_blk"
DISK_MIB=64
QEMU=(qemu-system-x86_64 -M pc -accel tcg -m 256 -display none -monitor none -no-reboot
      -device virtio-net-pci,netdev=n0)

log() { printf '== %s\n' "$*"; }
die() { printf 'FAILED: %s\n' "$*" >&2; exit 1; }
now() { date +%s.%N; }
since() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.2f}')" "$1" "$2"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# Waits until FILE has a line matching REGEX; fails after SECONDS or when PID ends first.
wait_line() {
  local file=$1 regex=$2 seconds=$3 pid=$4 end=$((SECONDS + $3))
  until grep -qE "$regex" "$file" 2>/dev/null; do
    kill -0 "$pid" 2>/dev/null || { grep -qE "$regex" "$file" && return 0; die "VM ended before '$regex'; console: $file"; }
    ((SECONDS < end)) || die "no '$regex' within ${seconds}s; console: $file"
    sleep 0.05
  done
}

# Waits for a VM to power itself off (bounded), kills it otherwise.
wait_exit() {
  local pid=$1 seconds=$2 end=$((SECONDS + $2))
  while kill -0 "$pid" 2>/dev/null; do
    if ((SECONDS >= end)); then kill "$pid"; die "VM did not power off within ${seconds}s"; fi
    sleep 0.05
  done
  wait "$pid" || true
}

log "work folder: $WORK"
cd "$WORK"
rm -rf builder-root run-root stage

log "1. build the init and a static hello"
bash "$SRC/build.sh" "$PWD/jcap-init"
file jcap-init | grep -q 'statically linked' || die "jcap-init is not static"
echo "jcap-init: $(stat -c %s jcap-init) bytes"
cat > hello.c <<'EOF'
#include <stdio.h>
int main(int argc, char **argv) {
    printf("hello from the jcap guest:");
    for (int i = 1; i < argc; i++) printf(" %s", argv[i]);
    printf("\n");
    return 3;
}
EOF
musl-gcc -static -Os -s -o hello hello.c

# Copies the modules of LOAD_ORDER into $1/lib/modules and writes load-order;
# a module absent because the kernel has it built in is left out.
add_modules() {
  mkdir -p "$1/lib/modules"
  : > "$1/lib/modules/load-order"
  for m in $LOAD_ORDER; do
    local f
    f=$(find "$MODULES" -name "$m.ko" | head -n 1)
    if [[ -z $f ]]; then
      grep -qE "/$m\.ko$" "$MODULES/modules.builtin" 2>/dev/null || die "module $m is neither in $MODULES nor built in"
      continue
    fi
    cp "$f" "$1/lib/modules/"
    echo "$m.ko" >> "$1/lib/modules/load-order"
  done
}

# Copies a host program with its shared libraries and loader at their own paths.
add_program() {
  local root=$1 prog=$2 dest=$3
  install -D -m 0755 "$prog" "$root$dest"
  for lib in $(ldd "$prog" | grep -oE '/[^ ]+'); do
    install -D -m 0755 "$(realpath "$lib")" "$root$lib"
  done
}

# Same inputs, same bytes: fixed mtimes, sorted names, owner 0, renumbered inodes.
newc() {
  find "$1" -exec touch -h -d @0 {} +
  (cd "$1" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --reproducible --quiet)
}

log "2. builder initramfs (init, modules, mke2fs, extlinux) and run initramfs (init, modules)"
mkdir -p builder-root run-root
for r in builder-root run-root; do
  install -m 0755 jcap-init "$r/init"
  add_modules "$r"
done
add_program builder-root "$(command -v mke2fs)" /sbin/mke2fs
add_program builder-root "$(command -v extlinux)" /sbin/extlinux
newc builder-root > builder.cpio
newc run-root > run.cpio
echo "modules: $(tr '\n' ' ' < run-root/lib/modules/load-order)"
echo "builder initramfs: $(stat -c %s builder.cpio) bytes; run initramfs: $(stat -c %s run.cpio) bytes"

log "3. raw disk: syslinux MBR code, one bootable Linux partition from LBA 2048"
make_disk() {
  rm -f disk.raw
  truncate -s ${DISK_MIB}M disk.raw
  dd if="$MBR" of=disk.raw bs=440 count=1 conv=notrunc status=none
  python3 - disk.raw <<'EOF'
import os, struct, sys
path = sys.argv[1]
sectors = os.path.getsize(path) // 512
start = 2048
# status, CHS start (0/32/33 = LBA 2048 in 255x63), type, CHS end (past 1024 cyl), LBA start, count
entry = struct.pack("<B3sB3sII", 0x80, bytes([32, 33, 0]), 0x83, b"\xfe\xff\xff", start, sectors - start)
with open(path, "r+b") as f:
    f.seek(446); f.write(entry + b"\0" * 48)
    f.seek(510); f.write(b"\x55\xaa")
EOF
}
make_disk

log "4. the image's files, streamed into a builder VM"
mkdir -p stage/app stage/boot/extlinux stage/.jcap stage/dev stage/proc stage/sys stage/tmp
install -m 0755 hello stage/app/hello
install -m 0644 "$VMLINUZ" stage/boot/vmlinuz
install -m 0644 run.cpio stage/boot/initrd.img
cat > stage/boot/extlinux/extlinux.conf <<'EOF'
DEFAULT linux
LABEL linux
  LINUX /boot/vmlinuz
  INITRD /boot/initrd.img
  APPEND console=ttyS0 quiet jcap.mode=run jcap.root=/dev/vda1 jcap.fs=ext4 jcap.debug=1
EOF
printf 'arg /app/hello\narg from\narg the disk\nenv GREETING=hi\ncwd /app\n' > stage/.jcap/config
$STREAM pack stage image.cpio
echo "image stream: $(stat -c %s image.cpio) bytes"

# Boots a builder VM on disk.raw; sets VM_PID, PORT, T_START; console in $1.
start_builder() {
  PORT=$(free_port)
  rm -f "$1"
  T_START=$(now)
  timeout 300 "${QEMU[@]}" -kernel "$VMLINUZ" -initrd builder.cpio \
    -append "console=ttyS0 quiet jcap.mode=build jcap.port=10000 jcap.fs=ext4 jcap.debug=1" \
    -drive file=disk.raw,format=raw,if=virtio \
    -netdev user,id=n0,hostfwd=tcp:127.0.0.1:$PORT-:10000 \
    -serial file:"$1" < /dev/null &
  VM_PID=$!
}

start_builder build.log
wait_line build.log '^JCAP-READY port=10000' 120 $VM_PID
T_READY=$(now)
$STREAM send "$PORT" image.cpio || die "stream refused or miscounted; console: build.log"
T_SENT=$(now)
log "5. builder powers off"
wait_exit $VM_PID 120
T_END=$(now)
grep -q '^JCAP-BUILD-DONE' build.log || die "no JCAP-BUILD-DONE; console: build.log"
grep -E '^JCAP-|jcap-init' build.log
echo "builder: boot to JCAP-READY $(since "$T_START" "$T_READY") s, stream $(since "$T_READY" "$T_SENT") s, VM total $(since "$T_START" "$T_END") s"

log "6. boot the disk alone: SeaBIOS, syslinux MBR, extlinux, kernel, jcap-init run mode"
rm -f run.log
T_START=$(now)
timeout 120 "${QEMU[@]}" -drive file=disk.raw,format=raw,if=virtio -netdev user,id=n0 \
  -serial file:run.log < /dev/null &
VM_PID=$!
wait_line run.log '^JCAP-START' 90 $VM_PID
T_APP=$(now)
wait_exit $VM_PID 60
T_END=$(now)
grep -E '^JCAP-|jcap-init|hello' run.log
grep -q '^hello from the jcap guest: from the disk' run.log || die "no hello line; console: run.log"
grep -q '^JCAP-EXIT 3' run.log || die "no JCAP-EXIT 3; console: run.log"
grep -qE 'dhcp lease .*eth0 10\.0\.2\.15 netmask 255\.255\.255\.0 router 10\.0\.2\.2' run.log ||
  die "no DHCP lease line; console: run.log"
echo "disk boot: to JCAP-START $(since "$T_START" "$T_APP") s, VM total $(since "$T_START" "$T_END") s"

qemu-img convert -c -O qcow2 disk.raw disk.qcow2
echo "image: raw ${DISK_MIB} MiB ($(du -k disk.raw | cut -f1) KiB allocated), qcow2 compressed $(stat -c %s disk.qcow2) bytes"

log "7. hostile streams are refused and the builder powers off"
cp disk.raw good.raw
for kind in dotdot symlink-parent; do
  $STREAM evil $kind evil.cpio
  start_builder evil-$kind.log
  wait_line evil-$kind.log '^JCAP-READY' 120 $VM_PID
  if $STREAM send "$PORT" evil.cpio > evil-$kind.out; then die "guest accepted the $kind stream"; fi
  cat evil-$kind.out
  grep -q '^guest: ERR refused entry' evil-$kind.out || die "no ERR for $kind"
  wait_exit $VM_PID 60
  grep -q '^JCAP-ERROR refused entry' evil-$kind.log || die "no JCAP-ERROR for $kind"
done
mv good.raw disk.raw

log "all steps passed; files in $WORK"
