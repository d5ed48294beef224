"""The stream's floor guest for bench/stream.sh: jcap's builder QEMU command with a busybox init that makes the
same ext4 file system as jcap's init, then lets busybox nc take one connection and cat write it to a file (or, with
floor.mode=extract on the kernel command line, busybox cpio extract it into its files)."""
import re
import shlex
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path

READY, DONE = "FLOOR-READY", "FLOOR-DONE"

# The builder guest's steps with plain tools: the same mke2fs options as jcap's init (build.c, format_disk), the
# partition and UUID from the same kernel command line (jcap.disk, jcap.part, jcap.uuid, jcap.inodes), then one
# connection on port 10000 whose bytes cat writes to one file (cat reads the socket itself: nc -e), then sync.
INIT = r"""#!/bin/busybox sh
/bin/busybox mkdir -p /proc /sys /dev /mnt /usr/bin /usr/sbin
/bin/busybox --install -s
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
arg() { for a in $(cat /proc/cmdline); do case "$a" in "$1="*) echo "${a#*=}";; esac; done; }
part=$(arg jcap.disk)$(arg jcap.part)
while [ ! -e "$part" ] || [ ! -e /sys/class/net/eth0 ]; do usleep 10000; done
ifconfig lo 127.0.0.1 up
ifconfig eth0 10.0.2.15 netmask 255.255.255.0 up
route add default gw 10.0.2.2
inodes=$(arg jcap.inodes)
/sbin/mke2fs -q -F -t ext4 -b 4096 -L jcaproot -U "$(arg jcap.uuid)" \
  -E "lazy_itable_init=0,hash_seed=$(cat /proc/sys/kernel/random/uuid)" ${inodes:+-N $inodes} \
  -O ^64bit,^metadata_csum "$part"
mount -t ext4 "$part" /mnt
if [ "$(arg floor.mode)" = extract ]; then
  nc -l -p 10000 -e sh -c 'cd /mnt && cpio -i -d -m -u 2>/dev/null' &
else
  nc -l -p 10000 -e sh -c 'cat > /mnt/stream' &
fi
# READY only once nc listens (port 10000 is 2710 in /proc/net/tcp, state 0A): QEMU's user network accepts a
# connection before anything listens in the guest and drops it.
until grep -q ':2710 00000000:0000 0A' /proc/net/tcp; do usleep 5000; done
echo FLOOR-READY
wait
sync
if [ "$(arg floor.mode)" = extract ]; then
  echo "FLOOR-DONE $(find /mnt -type f | wc -l) files"
else
  echo "FLOOR-DONE $(stat -c %s /mnt/stream)"
fi
umount /mnt
poweroff -f
"""


def initramfs(work):
    """The floor guest's initramfs: busybox (busybox-static), the host's mke2fs with its libraries and loader (as
    jcap's builder initramfs carries them) and INIT. For linux-mini, which has its drivers built in."""
    root = work / "floor-root"
    shutil.rmtree(root, ignore_errors=True)
    (root / "bin").mkdir(parents=True)
    (root / "sbin").mkdir()
    shutil.copy("/bin/busybox", root / "bin" / "busybox")
    mke2fs = Path(shutil.which("mke2fs") or "/sbin/mke2fs")
    shutil.copy(mke2fs, root / "sbin" / "mke2fs")
    ldd = subprocess.run(["ldd", str(mke2fs)], capture_output=True, text=True, check=True).stdout
    for lib in re.findall(r"(/\S+) \(0x", ldd):
        target = root / lib.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(Path(lib).resolve(), target)
    (root / "init").write_text(INIT)
    (root / "init").chmod(0o755)
    names = sorted(str(p.relative_to(root)) for p in root.rglob("*"))
    cpio = work / "floor-initrd.cpio"
    with open(cpio, "wb") as out:
        subprocess.run(["cpio", "-o", "-H", "newc", "--quiet"], input="\n".join(names).encode(), stdout=out,
                       cwd=root, check=True)
    return cpio


def disk(path, size):
    """A sparse raw disk of size bytes laid out as jcap's (docs/guest-protocol.md, "Disk layout"): GPT, the EFI
    system partition at 1 MiB (left unformatted here), the root from sector 18432 to the last whole MiB."""
    with open(path, "wb") as f:
        f.truncate(size)
    sectors = size // 512
    layout = ("label: gpt\nstart=2048, size=16384, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B\n"
              f"start=18432, size={sectors - 2048 - 18432}, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4\n")
    subprocess.run(["sfdisk", "--quiet", str(path)], input=layout.encode(), check=True, capture_output=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def command(jcap_command, initrd, disk_file, port, extract=False):
    """jcap's builder QEMU command (as `jcap build -v` logs it) with the floor's initramfs, disk and host port, and
    without jcap's QMP socket and stream token; extract: the guest extracts the stream into its files (busybox cpio -i) instead of
    writing it into one."""
    args = shlex.split(jcap_command)
    out, i = [], 0
    while i < len(args):
        a = args[i]
        if a == "-qmp" or a == "-chardev" and args[i + 1].startswith("socket,id=qmp,") \
                or a == "-mon" and args[i + 1].startswith("chardev=qmp,"):
            i += 2
            continue
        if a == "-fw_cfg" and args[i + 1].startswith("name=opt/io.jcap/token,"):
            # The stream's token, a file of the build's (deleted) work folder: the floor's nc takes any connection.
            i += 2
            continue
        if a == "-initrd":
            out += [a, str(initrd)]
            i += 2
            continue
        if a == "-append" and extract:
            out += [a, args[i + 1] + " floor.mode=extract"]
            i += 2
            continue
        if a == "-drive":
            out += [a, re.sub(r"^file=[^,]*", "file=" + str(disk_file), args[i + 1])]
            i += 2
            continue
        if a == "-netdev":
            out += [a, re.sub(r"hostfwd=tcp:127\.0\.0\.1:\d+-:", f"hostfwd=tcp:127.0.0.1:{port}-:", args[i + 1])]
            i += 2
            continue
        out.append(a)
        i += 1
    return out


class Console:
    """QEMU's serial console read on a thread; each line with the monotonic time it arrived."""

    def __init__(self, proc):
        self.lines = []
        self._cond = threading.Condition()
        self._thread = threading.Thread(target=self._pump, args=(proc,), daemon=True)
        self._thread.start()

    def _pump(self, proc):
        for raw in proc.stdout:
            with self._cond:
                self.lines.append((time.monotonic(), raw.decode(errors="replace").rstrip()))
                self._cond.notify_all()
        with self._cond:
            self.lines.append((time.monotonic(), None))
            self._cond.notify_all()

    def wait_for(self, needle, timeout=180):
        """(time, line) of the first line containing needle; exits the benchmark when QEMU ends first."""
        end = time.monotonic() + timeout
        with self._cond:
            while True:
                for t, line in self.lines:
                    if line is None:
                        raise SystemExit(f"the floor guest ended before {needle!r}:\n"
                                         + "\n".join(l for _, l in self.lines if l))
                    if needle in line:
                        return t, line
                left = end - time.monotonic()
                if left <= 0:
                    raise SystemExit(f"no {needle!r} from the floor guest within {timeout} s:\n"
                                     + "\n".join(l for _, l in self.lines if l))
                self._cond.wait(left)


def run(cmd, payload, disk_file, qcow2):
    """One floor build: (boot to READY, stream to DONE after sync, qemu-img convert -c) in seconds, and the bytes
    the guest wrote."""
    started = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        console = Console(proc)
        ready, _ = console.wait_for(READY)
        port = int(re.search(r"hostfwd=tcp:127\.0\.0\.1:(\d+)-", " ".join(cmd)).group(1))
        sent = time.monotonic()
        with open(payload, "rb") as stdin:
            subprocess.run(["busybox", "nc", "127.0.0.1", str(port)], stdin=stdin, stdout=subprocess.DEVNULL,
                           check=True)
        done, line = console.wait_for(DONE)
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    written = int(line.split()[1])
    if line.split()[-1] != "files" and written != payload.stat().st_size:
        raise SystemExit(f"the floor guest wrote {written} bytes of {payload.stat().st_size}")
    qcow2.unlink(missing_ok=True)
    convert_started = time.monotonic()
    subprocess.run(["qemu-img", "convert", "-q", "-c", "-W", "-f", "raw", "-O", "qcow2", "-o", "compression_type=zstd",
                    str(disk_file), str(qcow2)], check=True)
    convert = time.monotonic() - convert_started
    return ready - started, done - sent, convert, written
