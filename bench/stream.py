"""jcap's stream into the builder guest and its cold build, each against its floor in the same run (bench/stream.sh)."""
import datetime
import os
import re
import shutil
import subprocess
import sys
import time

import stream_floor
from benchlib import JCAP, ROOT, env_for, median, private_home, write_section

ARGS = [a for a in sys.argv[1:] if a != "--write"]
RUNS = int(ARGS[0]) if ARGS else 3
WRITE = "--write" in sys.argv[1:]
BIG, BIG_MB, SMALL, SMALL_KB = 4, 20, 1000, 20


def make_project(work):
    """~100 MB of random (incompressible) bytes: BIG files of BIG_MB MB and SMALL files of SMALL_KB kB, beside a
    static hello as the command line."""
    project = work / "project"
    small = project / "root" / "data" / "small"
    small.mkdir(parents=True)
    for i in range(BIG):
        (project / "root" / "data" / f"big{i}").write_bytes(os.urandom(BIG_MB * 1000 * 1000))
    for i in range(SMALL):
        (small / f"f{i}").write_bytes(os.urandom(SMALL_KB * 1000))
    subprocess.run(["musl-gcc", "-static", "-Os", "-s", "-o", str(project / "root" / "hello"),
                    str(ROOT / "examples" / "hello" / "hello.c")], check=True)
    (project / "Capstanfile").write_text("cmdline: /hello\nrootfs: root\n")
    return project


def jcap_build(home, project):
    """`jcap build -v --force`: wall seconds, the times of its steps from its output, and its output."""
    started = time.monotonic()
    proc = subprocess.Popen([JCAP, "build", "-v", "--force", "--accel", "tcg", str(project)], env=env_for(home),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=ROOT)
    lines = [(time.monotonic() - started, raw.decode(errors="replace").rstrip()) for raw in proc.stdout]
    wall = time.monotonic() - started
    if proc.wait() != 0:
        sys.exit("jcap build failed:\n" + "\n".join(line for _, line in lines))

    def at(needle):
        return next(t for t, line in lines if needle in line)

    streamed = next(re.search(r"Streamed (\d+) bytes in ([\d.]+) s", l) for _, l in lines if "Streamed " in l)
    steps = {"before QEMU": at("Booting the builder VM"), "boot to ready": at("JCAP-READY") - at("Booting the builder VM"),
             "after the stream": at("Built image") - at("JCAP-BUILD-DONE")}
    return wall, int(streamed.group(1)), float(streamed.group(2)), steps, [line for _, line in lines]


def floor_payload(work, project, image):
    """The floor's bytes: a newc cpio of the files jcap streams (the project's tree and the image's kernel and
    initramfs in /boot), made by the host's cpio."""
    tree = work / "payload-tree"
    shutil.copytree(project / "root", tree)
    (tree / "boot").mkdir()
    for name in ("vmlinuz", "initrd.img"):
        shutil.copy(image / "boot" / name, tree / "boot" / name)
    names = sorted(str(p.relative_to(tree)) for p in tree.rglob("*"))
    payload = work / "payload.cpio"
    with open(payload, "wb") as out:
        subprocess.run(["cpio", "-o", "-H", "newc", "--quiet"], input="\n".join(names).encode(), stdout=out,
                       cwd=tree, check=True)
    shutil.rmtree(tree)
    return payload


def main():
    with private_home("jcap-bench-stream-") as (work, home):
        project = make_project(work)
        # bin/jcap's first run after a build makes its class-data archive: not part of any build's time.
        subprocess.run([JCAP, "version"], env=env_for(home), capture_output=True, check=True)
        if not (home / "kernels" / "linux-mini" / "kernel.json").is_file():
            sys.exit("bench/stream.sh needs linux-mini stored (bin/jcap kernels build linux-mini): the builder VM boots"
                     " it then, and the floor guest boots the same kernel, whose drivers are built in")
        builder = "linux-mini"
        floor_initrd = stream_floor.initramfs(work)
        jcap_runs, floor_runs, extract_runs = [], [], []
        qemu_line = payload = None
        for _ in range(RUNS):
            os.sync()
            run = jcap_build(home, project)
            jcap_runs.append(run)
            if qemu_line is None:
                qemu_line = next(l for l in run[4] if l.startswith("QEMU command: "))[len("QEMU command: "):]
                payload = floor_payload(work, project, home / "images" / "project")
            disk = work / "floor-disk.raw"
            size = int(re.search(r"(\d+(\.\d+)?) MiB virtual", run[4][-1]).group(1).split(".")[0]) << 20
            stream_floor.disk(disk, size)
            os.sync()
            cmd = stream_floor.command(qemu_line, floor_initrd, disk, stream_floor.free_port())
            floor_runs.append(stream_floor.run(cmd, payload, disk, work / "floor-disk.qcow2"))
            disk.unlink()
            stream_floor.disk(disk, size)
            os.sync()
            cmd = stream_floor.command(qemu_line, floor_initrd, disk, stream_floor.free_port(), extract=True)
            extract_runs.append(stream_floor.run(cmd, payload, disk, work / "floor-disk.qcow2"))
            disk.unlink()

        j_wall = median([r[0] for r in jcap_runs])
        j_bytes = jcap_runs[0][1]
        j_stream = median([r[2] for r in jcap_runs])
        f_ready = median([r[0] for r in floor_runs])
        f_stream = median([r[1] for r in floor_runs])
        f_convert = median([r[2] for r in floor_runs])
        f_bytes = floor_runs[0][3]
        f_cold = median([r[0] + r[1] + r[2] for r in floor_runs])
        x_stream = median([r[1] for r in extract_runs])
        x_files = extract_runs[0][3]
        j_rate, f_rate, x_rate = j_bytes / j_stream / 1e6, f_bytes / f_stream / 1e6, j_bytes / x_stream / 1e6
        steps = {k: median([r[3][k] for r in jcap_runs]) for k in jcap_runs[0][3]}
        table = ("| measurement | jcap | floor (same run) | ratio | target |\n| --- | --- | --- | --- | --- |\n"
                 f"| stream into the builder guest, {j_bytes / 1e6:.0f} MB ({BIG} x {BIG_MB} MB, {SMALL} x {SMALL_KB} kB"
                 f" and the image's kernel), written and synced | {j_rate:.1f} MB/s ({j_stream:.2f} s) |"
                 f" {f_rate:.1f} MB/s ({f_stream:.2f} s: {f_bytes / 1e6:.0f} MB by `nc`, `cat` into one file,"
                 f" `sync`) | {j_rate / f_rate:.2f}x | at least 0.9x |\n"
                 f"| cold build (`jcap build --force`) | {j_wall:.2f} s | {f_cold:.2f} s (boot to ready {f_ready:.2f} s"
                 f" + stream {f_stream:.2f} s + `qemu-img convert -c -W` {f_convert:.2f} s) | {j_wall / f_cold:.2f}x |"
                 f" at most 1.3x |\n"
                 f"| the same stream against the same files made by an extractor (busybox `cpio -i -d -m`, then `sync`:"
                 f" {x_files} files) | {j_rate:.1f} MB/s ({j_stream:.2f} s) | {x_rate:.1f} MB/s ({x_stream:.2f} s) |"
                 f" {j_rate / x_rate:.2f}x | |\n")
        detail = ("jcap's cold build, medians: " + ", ".join(f"{k} {v:.2f} s" for k, v in steps.items())
                  + f", stream {j_stream:.2f} s.\nRuns (jcap wall / stream s; floor ready + stream + convert s): "
                  + "; ".join(f"{j[0]:.2f}/{j[2]:.2f} and {f[0]:.2f}+{f[1]:.2f}+{f[2]:.2f}"
                              for j, f in zip(jcap_runs, floor_runs))
                  + ".\nExtractor floor, stream s: " + ", ".join(f"{x[1]:.2f}" for x in extract_runs) + "\n")
        print(table)
        print(detail)
        if WRITE:
            load = os.getloadavg()[0]
            section = ("## Stream and cold build\n\n"
                       f"`bash bench/stream.sh {RUNS} --write`, {datetime.date.today()}, builder guest on {builder}"
                       f" (TCG), load average {load:.1f} at the end; medians of {RUNS} runs, jcap and its floor taking"
                       " turns. The floor guest boots with jcap's own builder QEMU command (taken from `jcap build -v`)"
                       " and an initramfs of busybox and the host's mke2fs: it makes the same ext4 file system"
                       " (same options, from the same kernel command line), lets busybox `nc -l -e` hand the"
                       " connection to `cat`, which writes it into one file, then `sync`; the host sends a newc cpio"
                       " of the same files with busybox `nc`. A stream's time runs from the connection to the"
                       " guest's answer (jcap: its summary, after `syncfs`, extlinux and the read-only remount; the floor:"
                       " its line after `sync`). The cold build's floor is the floor guest's boot to readiness,"
                       " its stream and `qemu-img convert -c -W` (zstd, clusters written as they finish, as jcap does) of its disk."
                       " The extractor floor is the same guest letting busybox `cpio -i -d -m` make the stream's files"
                       " instead of `cat` writing one (`floor.mode=extract`), then `sync`.\n\n" + table + "\n" + detail)
            write_section(ROOT / "docs" / "benchmarks-stream.md", "Stream and cold build", section)


if __name__ == "__main__":
    main()
