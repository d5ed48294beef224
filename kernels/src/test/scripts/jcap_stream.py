#!/usr/bin/env python3
"""Host side of the build-mode protocol, for boot-chain.sh (docs/guest-protocol.md).

  jcap_stream.py pack DIR OUT         newc archive of DIR with absolute names,
                                      sorted, uid/gid 0, mtime 0 (or SOURCE_DATE_EPOCH)
  jcap_stream.py evil KIND OUT        a hostile archive: dotdot | symlink-parent | relative
  jcap_stream.py send PORT FILE [S]   connect to 127.0.0.1:PORT until the banner comes,
                                      stream FILE, half-close, print the guest's answer;
                                      exit 0 only on an OK whose bytes and xxh64 match
"""
import os
import socket
import stat
import sys
import struct
import time


def header(name, mode, size, mtime, ino):
    name_b = name.encode() + b"\0"
    fields = [ino, mode, 0, 0, 1, mtime, size, 0, 0, 0, 0, len(name_b), 0]
    h = b"070701" + b"".join(b"%08x" % f for f in fields) + name_b
    return h + b"\0" * (-len(h) % 4)


def entry(name, mode, data=b"", mtime=0, ino=0):
    return header(name, mode, len(data), mtime, ino) + data + b"\0" * (-len(data) % 4)


def trailer():
    return entry("TRAILER!!!", 0, ino=0)


def pack(root, out):
    mtime = int(os.environ.get("SOURCE_DATE_EPOCH", "0"))
    paths = []
    for d, dirs, files in os.walk(root):
        for n in dirs + files:
            paths.append(os.path.join(d, n))
    with open(out, "wb") as f:
        for ino, p in enumerate(sorted(paths, key=lambda p: os.path.relpath(p, root)), 1):
            name = "/" + os.path.relpath(p, root)
            st = os.lstat(p)
            perm = stat.S_IMODE(st.st_mode)
            if stat.S_ISLNK(st.st_mode):
                f.write(entry(name, 0o120777, os.readlink(p).encode(), mtime, ino))
            elif stat.S_ISDIR(st.st_mode):
                f.write(entry(name, 0o040000 | perm, b"", mtime, ino))
            elif stat.S_ISREG(st.st_mode):
                # Streams the file instead of holding it: images carry big kernels.
                f.write(header(name, 0o100000 | perm, st.st_size, mtime, ino))
                with open(p, "rb") as src:
                    while chunk := src.read(1 << 20):
                        f.write(chunk)
                f.write(b"\0" * (-st.st_size % 4))
            else:
                sys.exit(f"unsupported file type: {p}")
        f.write(trailer())


def evil(kind, out):
    body = entry("/a", 0o040755)
    if kind == "dotdot":
        body += entry("/a/../../etc/x", 0o100644, b"pwned\n")
    elif kind == "symlink-parent":
        body += entry("/a/up", 0o120777, b"../../..") + entry("/a/up/etc/x", 0o100644, b"pwned\n")
    elif kind == "relative":
        body += entry("etc/x", 0o100644, b"pwned\n")
    else:
        sys.exit(f"unknown kind {kind}")
    with open(out, "wb") as f:
        f.write(body + trailer())


def connect(port, timeout_s):
    """QEMU accepts on the host side before the guest listens: only the banner counts."""
    deadline = time.monotonic() + timeout_s
    while True:
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        try:
            banner = b""
            while not banner.endswith(b"\n"):
                b = s.recv(1)
                if not b:
                    break
                banner += b
            if banner == b"JCAP1\n":
                return s
        except (socket.timeout, ConnectionError):
            pass
        s.close()
        if time.monotonic() > deadline:
            sys.exit("no banner from the guest")
        time.sleep(0.2)


M64 = (1 << 64) - 1
P1, P2, P3, P4, P5 = (0x9E3779B185EBCA87, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0x85EBCA77C2B2AE63,
                      0x27D4EB2F165667C5)


def _rotl(x, r):
    return ((x << r) | (x >> (64 - r))) & M64


def _round(acc, lane):
    return _rotl((acc + lane * P2) & M64, 31) * P1 & M64


def xxh64(data):
    """XXH64 with seed 0 (xxhash_spec.md; what `xxhsum -H1` prints), the guest's stream checksum."""
    n, acc = len(data), P5
    whole = n - n % 32
    if n >= 32:
        v = [(P1 + P2) & M64, P2, 0, (-P1) & M64]
        for a, b, c, d in struct.iter_unpack("<4Q", data[:whole]):
            v = [_round(v[0], a), _round(v[1], b), _round(v[2], c), _round(v[3], d)]
        acc = (_rotl(v[0], 1) + _rotl(v[1], 7) + _rotl(v[2], 12) + _rotl(v[3], 18)) & M64
        for x in v:
            acc = ((acc ^ _round(0, x)) * P1 + P4) & M64
    acc = (acc + n) & M64
    p = whole
    while n - p >= 8:
        acc = (_rotl(acc ^ _round(0, struct.unpack_from("<Q", data, p)[0]), 27) * P1 + P4) & M64
        p += 8
    if n - p >= 4:
        acc = (_rotl(acc ^ (struct.unpack_from("<I", data, p)[0] * P1 & M64), 23) * P2 + P3) & M64
        p += 4
    while p < n:
        acc = _rotl(acc ^ (data[p] * P5 & M64), 11) * P1 & M64
        p += 1
    acc ^= acc >> 33
    acc = acc * P2 & M64
    acc ^= acc >> 29
    acc = acc * P3 & M64
    return acc ^ (acc >> 32)


def send(port, path, timeout_s=30):
    s = connect(port, timeout_s)
    s.settimeout(300)
    t0 = time.monotonic()
    with open(path, "rb") as f:
        data = f.read()
    s.sendall(data)
    size, sum64 = len(data), xxh64(data)
    s.shutdown(socket.SHUT_WR)
    answer = b""
    while not answer.endswith(b"\n"):
        b = s.recv(4096)
        if not b:
            break
        answer += b
    s.close()
    line = answer.decode(errors="replace").strip()
    print(f"guest: {line}")
    print(f"sent {size} bytes xxh64={sum64:016x} in {time.monotonic() - t0:.2f} s (until the answer)")
    if not line.startswith("OK "):
        return 1
    fields = dict(kv.split("=", 1) for kv in line.split()[1:])
    if int(fields["bytes"]) != size or fields["xxh64"] != f"{sum64:016x}":
        print("MISMATCH between what was sent and what the guest counted")
        return 1
    return 0


def main(argv):
    if len(argv) >= 3 and argv[0] == "pack":
        pack(argv[1], argv[2])
    elif len(argv) == 3 and argv[0] == "evil":
        evil(argv[1], argv[2])
    elif len(argv) in (3, 4) and argv[0] == "send":
        return send(int(argv[1]), argv[2], *(int(a) for a in argv[3:]))
    else:
        sys.exit(__doc__)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
