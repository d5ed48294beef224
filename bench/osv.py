"""Measures jcap's OSv builds and runs against plain QEMU and, when given, Capstan; see osv.sh."""
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchlib import JCAP, ROOT, env_for, first_line_time, jcap, median

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 3
LINE = "Hello from OSv, benchmarked"
PROGRAM = '#include <stdio.h>\nint main(void){puts("' + LINE + '");return 0;}\n'


def timed(cmd, env=None, cwd=None):
    started = time.monotonic()
    proc = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"{' '.join(map(str, cmd))} failed ({proc.returncode}):\n{proc.stdout}{proc.stderr}")
    return time.monotonic() - started


def floor_command(disk):
    """The same OSv disk booted by QEMU alone: BIOS, OSv's boot sector, its decompression, the program."""
    return ["qemu-system-x86_64", "-accel", "tcg", "-m", "128", "-display", "none", "-serial", "stdio",
            "-monitor", "none", "-nodefaults", "-no-reboot",
            "-drive", f"file={disk},format=raw,if=none,id=d0,snapshot=on",
            "-device", "virtio-blk-pci,drive=d0,bootindex=0"]


def capstan_composes(capstan, work, program):
    """Seconds of Capstan's package compose, ROFS and ZFS, of the same program (one package, private root)."""
    pkg = work / "capstan-pkg"
    (pkg / "meta").mkdir(parents=True)
    shutil.copy(program, pkg / "hello")
    (pkg / "meta" / "package.yaml").write_text("name: bench.hello\ntitle: hello\nauthor: bench\n")
    (pkg / "meta" / "run.yaml").write_text("runtime: native\nconfig_set:\n  default:\n    bootcmd: /hello\n"
                                           "config_set_default: default\n")
    env = dict(os.environ, CAPSTAN_ROOT=str(work / "capstan-root"))
    times = {"rofs": [], "zfs": []}
    for i in range(RUNS):
        times["rofs"].append(timed([capstan, "package", "compose", "--fs", "rofs", f"bench-rofs-{i}"], env, pkg))
        times["zfs"].append(timed([capstan, "package", "compose", "--fs", "zfs", "--size", "256M",
                                   f"bench-zfs-{i}"], env, pkg))
    return times


def main():
    kernels = os.environ.get("JCAP_OSV_KERNELS")
    if not kernels:
        sys.exit("set JCAP_OSV_KERNELS to the folder holding OSv's loader.img and zfs_builder-stripped.elf")
    work = Path(tempfile.mkdtemp(prefix="jcap-bench-osv-"))
    try:
        home = work / "home"
        home.mkdir()
        for name in ("loader.img", "zfs_builder-stripped.elf"):
            jcap(home, "kernels", "import", str(Path(kernels) / name))
        program = work / "hello"
        (work / "hello.c").write_text(PROGRAM)
        subprocess.run(["cc", "-O2", "-fPIE", "-pie", "-o", str(program), str(work / "hello.c")], check=True)
        projects = {}
        for fs in ("rofs", "zfs"):
            project = work / f"osv-{fs}"
            project.mkdir()
            shutil.copy(program, project / "hello")
            (project / "Capstanfile").write_text(f"kernel: osv\nfs: {fs}\ncmdline: /hello\nfiles:\n  /hello: hello\n")
            projects[fs] = project
        # A first build of each (and a first run) outside the figures: the accelerator probe, the JVM's
        # class-data archive.
        for fs, project in projects.items():
            jcap(home, "build", str(project))
        jcap(home, "run", "osv-rofs")
        disk = work / "floor.raw"
        subprocess.run(["qemu-img", "convert", "-O", "raw", str(home / "images" / "osv-rofs" / "image.qcow2"),
                        str(disk)], check=True)
        env = env_for(home)
        times = {k: [] for k in ("build-rofs", "build-zfs", "run", "run-disk", "floor")}
        for _ in range(RUNS):
            times["build-rofs"].append(jcap(home, "build", "--force", str(projects["rofs"]))[0])
            times["build-zfs"].append(jcap(home, "build", "--force", str(projects["zfs"]))[0])
            times["run"].append(first_line_time([JCAP, "run", "osv-rofs"], LINE, env))
            times["run-disk"].append(first_line_time([JCAP, "run", "--boot", "disk", "osv-rofs"], LINE, env))
            times["floor"].append(first_line_time(floor_command(disk), LINE))
        capstan = os.environ.get("CAPSTAN")
        composes = capstan_composes(capstan, work, program) if capstan else None

        floor = median(times["floor"])
        print(f"OSv kernels from {kernels}; {RUNS} runs of each, medians; QEMU TCG.\n")
        print("| measurement | jcap | reference (same run) | ratio | target |")
        print("| --- | --- | --- | --- | --- |")
        run = median(times["run"])
        print(f"| `jcap run` of an OSv ROFS image to first output (direct boot) | {run:.2f} s | {floor:.2f} s"
              f" (plain QEMU booting the same disk) | {run / floor:.2f}x | <= 0.5x |")
        disk_run = median(times["run-disk"])
        print(f"| `jcap run --boot disk` to first output | {disk_run:.2f} s | {floor:.2f} s | {disk_run / floor:.2f}x |"
              f" |")
        for fs, target in (("rofs", "0.5x"), ("zfs", "0.8x")):
            built = median(times[f"build-{fs}"])
            if composes:
                ref = median(composes[fs])
                print(f"| `jcap build` ({fs.upper()}) | {built:.2f} s | {ref:.2f} s (Capstan's package compose) |"
                      f" {built / ref:.2f}x | <= {target} |")
            else:
                print(f"| `jcap build` ({fs.upper()}) | {built:.2f} s | no Capstan given (CAPSTAN=path) | | <= {target}"
                      f" of Capstan |")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
