#!/usr/bin/env python3
"""Writes the seed corpus of the fuzz targets (corpus/<target>/): a few small valid inputs each.
Run again after a change of format; scripts/fuzz.sh only reads the files."""
import base64
import gzip
import os
import shutil
import struct
import subprocess
import sys
import tempfile

here = os.path.dirname(os.path.abspath(__file__))


def put(target, name, data):
    folder = os.path.join(here, "corpus", target)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def newc(entries):
    """entries: (name, mode, data), (name, mode, data, ino, nlink), (name, mode, data, ino, nlink, check)
    or (name, mode, data, (rdev major, minor)) in order; the trailer is added."""
    out = bytearray()

    def entry(name, mode, data, ino, nlink=1, check=0, rdev=(0, 0)):
        name_b = name.encode() + b"\0"
        fields = [ino, mode, 0, 0, nlink, 1700000000, len(data), 0, 0, rdev[0], rdev[1], len(name_b), check]
        out.extend(b"070701" + b"".join(b"%08X" % f for f in fields) + name_b)
        out.extend(b"\0" * (-len(out) % 4))
        out.extend(data)
        out.extend(b"\0" * (-len(out) % 4))

    for i, e in enumerate(entries, 1):
        if len(e) in (5, 6):
            entry(*e)
        elif len(e) == 4:
            entry(e[0], e[1], e[2], i, rdev=e[3])
        else:
            entry(e[0], e[1], e[2], i)
    entry("TRAILER!!!", 0, b"", 0)
    return bytes(out)


def holes(length, segments):
    """A file's data with holes (c_check 1): its length, then each (offset, bytes) segment."""
    out = struct.pack(">Q", length)
    for offset, data in segments:
        out += struct.pack(">QQ", offset, len(data)) + data
    return out


def fwcfg(files):
    """The device's bytes as the guest reads them: signature, directory, then the settings."""
    out = bytearray(b"QEMU" + struct.pack(">I", len(files)))
    for i, (name, data) in enumerate(files):
        out += struct.pack(">IHH", len(data), 0x20 + i, 0) + name.encode().ljust(56, b"\0")
    for name, data in files:
        if name == "opt/io.jcap/config":
            out += data
    return bytes(out)


def dhcp(msg_type, options=b""):
    mac = bytes.fromhex("525400123456")
    msg = struct.pack(">BBBBIHH", 2, 1, 6, 0, 0x1234ABCD, 0, 0x8000)
    msg += bytes([0, 0, 0, 0, 10, 0, 2, 15, 10, 0, 2, 2, 0, 0, 0, 0])
    msg += mac.ljust(16, b"\0") + b"\0" * 64 + b"\0" * 128 + bytes([99, 130, 83, 99])
    msg += bytes([53, 1, msg_type]) + options + bytes([255])
    return msg.ljust(300, b"\0")


CLOUD_CONFIG = """#cloud-config
hostname: web1
fqdn: web1.example.com
write_files:
  - path: /tmp/plain.txt
    content: |
      line 1
      line 2
    permissions: '0600'
  - path: /tmp/b64.txt
    encoding: b64
    content: %s
  - path: /tmp/gz.txt
    encoding: gz+b64
    content: %s
    owner: root:root
    append: true
jcap:
  env:
    GREETING: "hello\\tfrom cloud-init"
  cmdline: [/app/hello, --name, 'cloud user']
ssh_authorized_keys:
  - ssh-ed25519 AAAA test
runcmd:
  - [ls, -l, /]
folded: >-
  one
  two
""" % (base64.b64encode(b"b64 hello\n").decode(), base64.b64encode(gzip.compress(b"gz hello\n", mtime=0)).decode())

MIME = ("Content-Type: multipart/mixed; boundary=\"==B==\"\nMIME-Version: 1.0\n\n"
        "--==B==\nContent-Type: text/cloud-config\nContent-Transfer-Encoding: base64\n\n"
        + base64.b64encode(b"#cloud-config\nhostname: mime\n").decode() + "\n"
        "--==B==\nContent-Type: text/x-shellscript\n\n#!/bin/sh\necho hi\n--==B==--\n")


def volume(tool_args, files, cut):
    """A seed volume made by the real tools (cloud-localds, genisoimage), cut after `cut` bytes
    when its tail is padding. Skipped when the tool is missing."""
    if not shutil.which(tool_args[0]):
        print("seeds: %s missing, its volume is not rewritten" % tool_args[0], file=sys.stderr)
        return None
    with tempfile.TemporaryDirectory() as d:
        names = []
        for name, data in files:
            path = os.path.join(d, "tree", name)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w") as f:
                f.write(data)
            names.append(path)
        out = os.path.join(d, "out")
        args = [a.replace("OUT", out).replace("TREE", os.path.join(d, "tree")) for a in tool_args]
        if "FILES" in args:
            i = args.index("FILES")
            args[i:i + 1] = names
        subprocess.run(args, check=True, capture_output=True)
        with open(out, "rb") as f:
            data = f.read()
        return data[:cut] if cut else data


def main():
    put("cmdline", "build", "console=ttyS0 quiet jcap.mode=build jcap.port=10000 jcap.accept=600 "
        "jcap.disk=/dev/vdb jcap.fs=ext4 jcap.net=dhcp jcap.incremental=1\n")
    put("cmdline", "bad-values", "jcap.port=0 jcap.disk=/dev/" + "x" * 70 + " jcap.fs=xfs jcap.accept=-1\n")
    put("cmdline", "run", "root=/dev/vda1 jcap.mode=run jcap.root=/dev/vda1 jcap.rw=1 jcap.net=static "
        "jcap.debug=1 jcap.drop_summary=0 -- app --flag\n")
    put("cpio", "tree", newc([
        ("/", 0o40755, b""),
        ("/app", 0o40755, b""),
        ("/app/hello.txt", 0o100644, b"hello, jcap\n"),
        ("/app/run.sh", 0o100755, b"#!/bin/sh\necho hi\n"),
        ("/app/latest", 0o120777, b"hello.txt"),
        ("/.jcap/config", 0o100644, b"arg /app/run.sh\nenv A=1\ncwd /app\n"),
    ]))
    put("cpio", "empty-archive", newc([]))
    # Refused or kept inside the root: the target checks that nothing lands beside it.
    put("cpio", "dot-dot", newc([("/a", 0o40755, b""), ("/a/../../escaped", 0o100644, b"x")]))
    put("cpio", "through-link", newc([("/up", 0o120777, b".."), ("/up/escaped", 0o100644, b"x")]))
    put("cpio", "through-absolute-link", newc([("/abs", 0o120777, b"/tmp"), ("/abs/escaped", 0o100644, b"x")]))
    put("cpio", "replace", newc([
        ("/f", 0o100644, b"one"), ("/f", 0o100600, b"two"), ("/f", 0o120777, b"target"),
        ("/d", 0o40755, b""), ("/d", 0o100644, b"x"),
    ]))
    put("cpio", "relative-name", newc([("relative", 0o100644, b"x")]))
    # Hard links: one inode number, the data with the first name; links never reach a file
    # that is not the one received, nor leave the root.
    put("cpio", "hard-links", newc([
        ("/", 0o40755, b"", 1, 2), ("/a", 0o100755, b"hello", 100, 3), ("/d/b", 0o100755, b"", 100, 3),
        ("/c", 0o100755, b"", 100, 3), ("/c", 0o100755, b"", 100, 3),
    ]))
    put("cpio", "hard-link-with-data", newc([("/a", 0o100644, b"x", 7, 2), ("/b", 0o100644, b"y", 7, 2)]))
    put("cpio", "hard-link-replaced", newc([
        ("/a", 0o100644, b"x", 7, 2), ("/a", 0o100644, b"new", 8, 1), ("/b", 0o100644, b"", 7, 2),
    ]))
    put("cpio", "hard-link-via-symlink", newc([
        ("/a", 0o100644, b"x", 7, 2), ("/a", 0o120777, b"../../../etc/passwd", 9, 1), ("/b", 0o100644, b"", 7, 2),
    ]))
    # Removals (character devices 0:0, an incremental build's): deepest first, then a type change;
    # the root, a path through a link, a missing path and a device other than 0:0 are refused.
    put("cpio", "removals", newc([
        ("/d", 0o40755, b""), ("/d/x", 0o100644, b"x"), ("/l", 0o120777, b".."),
        ("/d/x", 0o20000, b""), ("/d", 0o20000, b""), ("/l", 0o20000, b""), ("/d", 0o100644, b"now a file"),
    ]))
    put("cpio", "removal-refused", newc([
        ("/up", 0o120777, b".."), ("/up/keep", 0o20000, b""), ("/", 0o20000, b""), ("/none", 0o20000, b""),
        ("/f", 0o100644, b"x"), ("/f", 0o20000, b"", (1, 3)),
    ]))
    # Files with holes (c_check 1): segments in order inside the length, then refused maps: overlapping
    # segments, a segment past the length, a map ending inside a segment's header, a huge length.
    put("cpio", "holes", newc([
        ("/sparse", 0o100644, holes(1 << 20, [(0, b"head"), (1 << 17, b"middle")]), 1, 1, 1),
        ("/all-hole", 0o100600, holes(1 << 30, []), 2, 1, 1),
        ("/ends-with-data", 0o100644, holes(70000, [(69996, b"tail")]), 3, 2, 1), ("/link", 0o100644, b"", 3, 2),
    ]))
    for name, data in [("overlap", holes(100, [(10, b"abcd"), (12, b"x")])), ("past", holes(8, [(6, b"abcd")])),
                       ("cut", holes(8, []) + b"\0" * 9), ("huge", b"\xff" * 8)]:
        put("cpio", "holes-" + name, newc([("/" + name, 0o100644, data, 1, 1, 1)]))
    put("fwcfg", "settings", fwcfg([
        ("etc/boot-fail-wait", b"\0\0\0\0"),
        ("opt/io.jcap/config", b"# one run\narg /usr/bin/java\narg -Xmx128m\nenv JAVA_OPTS=-Dx=1\ncwd /srv\n"),
    ]))
    put("fwcfg", "env-only", fwcfg([("opt/io.jcap/config", b"env PORT=8080\n")]))
    put("fwcfg", "volumes", fwcfg([("opt/io.jcap/config", b"volume /data\nvolume /var/lib/app\nvolume /..x\n"
                                    b"volume /a/../b\n")]))
    put("fwcfg", "container-run", fwcfg([
        ("opt/io.jcap/config", b"arg /usr/bin/redis-server\nuser 999 999 999,50\nstop_signal 2\n"),
    ]))
    options = bytes([1, 4, 255, 255, 255, 0, 3, 4, 10, 0, 2, 2, 6, 8, 10, 0, 2, 3, 1, 1, 1, 1,
                     54, 4, 10, 0, 2, 2, 51, 4, 0, 0, 0x0e, 0x10, 0])
    put("dhcp", "offer", dhcp(2, options))
    put("dhcp", "ack", dhcp(5, options))
    put("cloudconfig", "cloud-config", CLOUD_CONFIG)
    put("cloudconfig", "mime", MIME)
    put("cloudconfig", "gzip", gzip.compress(b"#cloud-config\nhostname: gz\n", mtime=0))
    put("cloudconfig", "meta-json", '{"uuid": "abc", "hostname": "os-host", "meta": {"k": "\\u0041"}}')
    put("yaml", "cloud-config", CLOUD_CONFIG)
    put("yaml", "refused", "a: &x 1\nb: *x\nc: {d: 1}\n")
    put("yaml", "nested", "a:\n- b: 1\n  c:\n    - \"q\\x41\\u00e9\"\n    - 'it''s'\n  d: |+\n    keep\n\n")
    put("gzip", "gzip", gzip.compress(b"hello hello hello hello\n" * 20, mtime=0))
    put("gzip", "stored", gzip.compress(os.urandom(0) + bytes(range(256)), compresslevel=0, mtime=0))
    put("gzip", "base64", base64.b64encode(b"some bytes"))
    put("mime", "mime", MIME)
    put("http", "gce", "HTTP/1.0 200 OK\r\nMetadata-Flavor: Google\r\nContent-Length: 5\r\n\r\nweb-1")
    put("http", "openstack", 'HTTP/1.1 200 OK\r\n\r\n{"uuid": "83679162-1378-4288-a2d4-70e13ec132aa", "name": "x"}')
    iso = volume(["cloud-localds", "OUT", "FILES"], [("user-data", CLOUD_CONFIG), ("meta-data", "instance-id: i-1\n")],
                 33 * 2048)
    if iso:
        put("seedfs", "nocloud-iso", iso)
    fat = volume(["cloud-localds", "-f", "vfat", "OUT", "FILES"], [("user-data", "#cloud-config\nhostname: v\n"),
                 ("meta-data", "instance-id: i-1\n")], None)
    if fat:
        put("seedfs", "nocloud-vfat", fat)
    c2 = volume(["genisoimage", "-quiet", "-o", "OUT", "-V", "config-2", "-J", "-R", "TREE"],
                [("openstack/latest/meta_data.json", '{"uuid": "u-1", "hostname": "h"}'),
                 ("openstack/latest/user_data", "#cloud-config\nhostname: c2\n")], 37 * 2048)
    if c2:
        put("seedfs", "config-drive", c2)
    # GCE's answer: a /32 address, MTU 1460 (option 26) and classless static routes (option 121):
    # the gateway on the link, then the default route through it.
    gce = bytes([1, 4, 255, 255, 255, 255, 3, 4, 10, 128, 0, 1, 26, 2, 0x05, 0xb4,
                 121, 14, 32, 10, 128, 0, 1, 0, 0, 0, 0, 0, 10, 128, 0, 1,
                 6, 4, 169, 254, 169, 254, 54, 4, 169, 254, 169, 254])
    put("dhcp", "ack-gce-mtu-routes", dhcp(5, gce))
    # Option 121 with a width over 32 and one truncated entry: both invalid, no routes taken.
    put("dhcp", "ack-bad-routes", dhcp(5, bytes([121, 5, 33, 10, 0, 0, 1, 26, 2, 0, 10,
                                                 121, 6, 24, 10, 1, 2, 10, 0])))
    put("cmdline", "root-uuid", "jcap.mode=run jcap.root=UUID=0b5d7a55-1f2c-4c1e-9a37-5e1a8d3c2b10 "
        "jcap.modules=devices\n")
    put("cmdline", "root-label", "jcap.mode=build jcap.root=LABEL=jcaproot "
        "jcap.uuid=0b5d7a55-1f2c-4c1e-9a37-5e1a8d3c2b1 jcap.modules=all\n")
    put("modules", "cloud", b"alias pci:v00001AF4d*sv*sd*bc*sc*i* virtio_pci\n"
        b"alias virtio:d00000008v* virtio_scsi\nalias scsi:t-0x00* sd_mod\nalias xen:vbd xen_blkfront\n"
        b"\0virtio.ko:\nvirtio_pci.ko: virtio.ko\nscsi_mod.ko:\nvirtio_scsi.ko: virtio.ko scsi_mod.ko\n"
        b"sd_mod.ko: scsi_mod.ko\nxen-blkfront.ko:\n")
    put("modules", "broken", b"alias\talone\n# x\n\0a.ko: b.ko\n:\n x.ko\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
