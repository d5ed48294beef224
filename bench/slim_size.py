"""The size rule of container images (bench/slim-size.sh): a Debian-slim-like image built with jcap must
not be bigger than its compressed layers plus the kernel plus 10%."""
import datetime
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

from benchlib import ROOT, jcap, private_home, write_section

WRITE = "--write" in sys.argv[1:]
SUITE = "bookworm"
# What debuerreotype's slimify leaves out of debian:SUITE-slim (docs, man pages, locales), copyrights kept.
SLIM = ["path-exclude=/usr/share/doc/*", "path-include=/usr/share/doc/*/copyright", "path-exclude=/usr/share/man/*",
        "path-exclude=/usr/share/info/*", "path-exclude=/usr/share/locale/*", "path-exclude=/usr/share/groff/*",
        "path-exclude=/usr/share/lintian/*", "path-exclude=/usr/share/linda/*"]
# mmdebstrap settles init-system-helpers' "usrmerge | usr-is-merged" with usrmerge, which brings perl; the
# official slim image has usr-is-merged and perl-base only.
NOT_SLIM = ["usrmerge", "libfile-find-rule-perl", "libnumber-compare-perl", "libtext-glob-perl", "perl",
            "perl-modules-5.36", "libperl5.36", "libgdbm-compat4"]


def run(*cmd):
    subprocess.run(cmd, check=True, capture_output=True, cwd=ROOT)


def mirror():
    """The Debian mirror this machine's apt uses (deb822 or one-line sources), else deb.debian.org."""
    for f in [Path("/etc/apt/sources.list.d/debian.sources"), Path("/etc/apt/sources.list")]:
        if f.exists():
            m = re.search(r"^(?:URIs:\s*|deb\s+(?:\[[^]]*\]\s+)?)(\S+/debian)/?\s", f.read_text(), re.M)
            if m:
                return m.group(1)
    return "http://deb.debian.org/debian"


def ensure_mmdebstrap():
    if shutil.which("mmdebstrap"):
        return
    # Bench-only: the tests never need it, so scripts/setup.sh does not install it.
    print("slim-size: installing mmdebstrap with apt-get (needed by this benchmark only)", file=sys.stderr)
    subprocess.run(["apt-get", "install", "-y", "--no-install-recommends", "mmdebstrap"], check=True)


def slim_layout(work):
    """A one-layer OCI image (gzip, by umoci) of a minbase Debian root slimmed as the official slim image."""
    tar = work / "rootfs.tar"
    cmd = ["mmdebstrap", "--variant=minbase", "--mode=root", "--include=usr-is-merged",
           "--aptopt=Acquire::Languages \"none\""]
    cmd += [f"--dpkgopt={o}" for o in SLIM]
    cmd += ["--customize-hook=chroot \"$1\" dpkg --purge " + " ".join(NOT_SLIM),
            "--customize-hook=rm -rf \"$1\"/var/lib/apt/lists/* \"$1\"/var/cache/apt/* \"$1\"/var/log/*",
            SUITE, str(tar), mirror()]
    run(*cmd)
    layout = work / "layout"
    run("umoci", "init", "--layout", str(layout))
    run("umoci", "new", "--image", f"{layout}:slim")
    run("umoci", "raw", "add-layer", "--image", f"{layout}:slim", str(tar))
    run("umoci", "config", "--image", f"{layout}:slim", "--config.cmd", "/bin/bash", "--config.cmd", "-c",
        "--config.cmd", "echo slim")
    return layout, tar.stat().st_size


def layer_bytes(layout):
    """The compressed layers' bytes, as the manifest lists them."""
    index = json.loads((layout / "index.json").read_text())
    manifest = json.loads(blob(layout, index["manifests"][0]["digest"]).read_text())
    return sum(layer["size"] for layer in manifest["layers"])


def blob(layout, digest):
    return layout / "blobs" / digest.replace(":", "/")


def main():
    ensure_mmdebstrap()
    with private_home("jcap-bench-slim-") as (work, home):
        layout, tar_bytes = slim_layout(work)
        layers = layer_bytes(layout)
        _, proc = jcap(home, "build", "--from", f"oci:{layout}:slim", "--name", "slim", str(work))
        streamed = int(re.search(r"Guest received \d+ entries, (\d+) bytes", proc.stdout + proc.stderr).group(1))
        image = home / "images" / "slim"
        qcow2 = (image / "image.qcow2").stat().st_size
        vmlinuz = (image / "boot" / "vmlinuz").stat().st_size
        initrd = (image / "boot" / "initrd.img").stat().st_size
        virtual = int(re.search(r"virtual size: .*\((\d+) bytes\)",
                                subprocess.run(["qemu-img", "info", str(image / "image.qcow2")], capture_output=True,
                                               text=True, check=True).stdout).group(1))
        _, ran = jcap(home, "run", "slim")
        kernel = vmlinuz + initrd
        limit = (layers + kernel) * 1.1
        mb = lambda n: f"{n / 1e6:.1f} MB"
        table = ("| what | bytes |\n| --- | --- |\n"
                 + f"| the layer, uncompressed (tar) | {mb(tar_bytes)} |\n"
                 + f"| the layer, gzip (umoci) | {mb(layers)} |\n"
                 + f"| jcap's kernel (vmlinuz {mb(vmlinuz)}) and initramfs ({mb(initrd)}) | {mb(kernel)} |\n"
                 + f"| streamed into the builder VM (files, kernel and initramfs in /boot included) | {mb(streamed)} |\n"
                 + f"| the disk's virtual size | {mb(virtual)} |\n"
                 + f"| **image.qcow2** | **{mb(qcow2)}** |\n"
                 + f"| rule: layers + kernel + 10% | {mb(limit)} |\n"
                 + f"| image / (layers + kernel) | {qcow2 / (layers + kernel):.3f} |\n"
                 + f"| image / (layers + vmlinuz alone) | {qcow2 / (layers + vmlinuz):.3f} |\n")
        print(table)
        print("the image runs: " + ran.stdout.strip().splitlines()[-1])
        if qcow2 > limit:
            sys.exit(f"slim-size: the image ({qcow2} bytes) is bigger than its layers plus the kernel plus 10% ({limit:.0f})")
        if WRITE:
            section = ("## Size of a Debian-slim image\n\n"
                       f"`bash bench/slim-size.sh --write`, {datetime.date.today()}. The rule (issue 17): an image built"
                       " from a Debian-slim-based container image is no bigger than its compressed layers plus the"
                       " kernel plus 10%. The image is made here, never downloaded: `mmdebstrap --variant=minbase"
                       f" {SUITE}` from this machine's apt mirror, slimmed as debuerreotype makes `debian:{SUITE}-slim`"
                       " (no docs but copyrights, no man pages, info or locales; `usr-is-merged` rather than"
                       " `usrmerge` and its perl), one gzip layer by `umoci raw add-layer`, built with"
                       " `jcap build --from oci:...`. \"The kernel\" is what jcap adds beside the layers: vmlinuz"
                       " and the run initramfs; both are also in the disk's `/boot`, and the image folder's"
                       " `boot/vmlinuz` is a hard link into the kernel store.\n\n" + table
                       + "\nWhere the bytes go: the qcow2 holds the layer's files (zstd clusters, about as small"
                       " as the layer's gzip), the kernel (already compressed, so as big as it is) and the"
                       " initramfs; ext4's metadata, the journal and the unused part of the disk are holes or"
                       " compress to almost nothing, and hard links (perl, perl5.36.0) hold their bytes once.\n")
            write_section(ROOT / "docs" / "benchmarks.md", "Size of a Debian-slim image", section)


if __name__ == "__main__":
    main()
