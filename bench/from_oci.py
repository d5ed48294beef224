"""jcap build --from an OCI layout against umoci unpack + a rootfs build of the same files (bench/from-oci.sh)."""
import datetime
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

from benchlib import ROOT, jcap, median, private_home, write_section

ARGS = [a for a in sys.argv[1:] if a != "--write"]
RUNS = int(ARGS[0]) if ARGS else 3
WRITE = "--write" in sys.argv[1:]
LAYER_MB = 33


def run(*cmd):
    started = time.monotonic()
    subprocess.run(cmd, check=True, capture_output=True, cwd=ROOT)
    return time.monotonic() - started


def make_layout(work):
    """Three layers of ~33 MB each (half random, half text, in files of 64 KiB..1 MiB) and busybox."""
    rng = random.Random(17)
    layout = work / "layout"
    run("umoci", "init", "--layout", str(layout))
    run("umoci", "new", "--image", f"{layout}:1")
    for n in range(3):
        folder = work / f"layer{n}"
        (folder / "bin").mkdir(parents=True)
        if n == 0:
            shutil.copy("/usr/bin/busybox", folder / "bin" / "busybox")
            (folder / "bin" / "sh").symlink_to("busybox")
        size = 0
        i = 0
        while size < LAYER_MB << 20:
            length = rng.randint(64 << 10, 1 << 20)
            data = os.urandom(length // 2) + (b"jcap benchmark text line %d\n" % i) * (length // 56)
            target = folder / "data" / f"l{n}" / f"d{i % 16}" / f"f{i}"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            size += len(data)
            i += 1
        tar = work / f"layer{n}.tar"
        run("tar", "--numeric-owner", "-C", str(folder), "-cf", str(tar), ".")
        run("umoci", "raw", "add-layer", "--image", f"{layout}:1", str(tar))
        tar.unlink()
        shutil.rmtree(folder)
    run("umoci", "config", "--image", f"{layout}:1", "--config.entrypoint", "/bin/sh", "--config.cmd", "-c",
        "--config.cmd", "true")
    return layout


def main():
    with private_home("jcap-bench-oci-") as (work, home):
        layout = make_layout(work)
        blobs = sum(f.stat().st_size for f in (layout / "blobs" / "sha256").iterdir())
        project = work / "floor"
        project.mkdir()
        (project / "Capstanfile").write_text("cmdline: /bin/sh -c true\nrootfs: bundle/rootfs\n")
        builds, floors, unpacks, sizes = [], [], [], []
        for _ in range(RUNS):
            took, proc = jcap(home, "build", "--force", "--from", f"oci:{layout}:1", "--name", "fromoci", str(work))
            builds.append(took)
            bundle = project / "bundle"
            shutil.rmtree(bundle, ignore_errors=True)
            unpack = run("umoci", "unpack", "--rootless", "--image", f"{layout}:1", str(bundle))
            floor, _ = jcap(home, "build", "--force", "--name", "floor", str(project))
            unpacks.append(unpack)
            floors.append(unpack + floor)
            sizes.append(proc.stdout.strip())
        b, f, u = median(builds), median(floors), median(unpacks)
        table = ("| measurement | median of %d |\n| --- | --- |\n" % RUNS
                 + f"| jcap build --from oci: (3 layers, {blobs / 1e6:.0f} MB of blobs) | {b:.1f} s |\n"
                 + f"| floor: umoci unpack ({u:.1f} s) + jcap build of the unpacked rootfs | {f:.1f} s |\n"
                 + f"| ratio | {b / f:.2f}x (target 1.3x) |\n")
        print(table)
        print(sizes[-1])
        if WRITE:
            section = ("## From a container image\n\n"
                       f"`bash bench/from-oci.sh {RUNS} --write`, {datetime.date.today()}, 3 layers of ~33 MB each (half random bytes, half text, files of 64 KiB to 1 MiB; ~100 MB unpacked, gzip by umoci). The floor is"
                       " the same layers unpacked on the host by `umoci unpack` plus jcap's build of that folder"
                       " (the same bytes through the same stream into the builder VM). Why jcap is below its floor: it never writes the tree out, only the files' bytes, and reads no host metadata back. The image holds what the layers leave plus jcap's kernel and initramfs.\n\n" + table
                       + f"\nImage: `{sizes[-1]}`\n")
            write_section(ROOT / "docs" / "benchmarks.md", "From a container image", section)


if __name__ == "__main__":
    main()
