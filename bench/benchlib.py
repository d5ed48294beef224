"""What the benchmark scripts share: running bin/jcap in a private home, and the boot floor."""
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
JCAP = str(ROOT / "bin" / "jcap")
FLOOR_LINE = "FLOOR-HELLO"


def env_for(home):
    return dict(os.environ, JCAP_HOME=str(home))


def timed(cmd, env=None, check=True):
    """Wall seconds of cmd and its completed process; a failure ends the benchmark unless check is off."""
    started = time.monotonic()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=ROOT)
    took = time.monotonic() - started
    if check and proc.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stdout}{proc.stderr}")
    return took, proc


def jcap(home, *args, check=True, extra_env=None):
    """Runs bin/jcap in home (with extra_env's variables); seconds it took and the completed process. A failure
    ends the benchmark."""
    return timed([JCAP, *args], env=dict(env_for(home), **(extra_env or {})), check=check)


@contextmanager
def private_home(prefix):
    """A work folder with a jcap home that shares the user's kernels, so the user's images are left alone;
    yields (work, home) and removes both afterwards."""
    user_kernels = Path(os.environ.get("JCAP_HOME", Path.home() / ".jcap")) / "kernels"
    if not (user_kernels / "linux").is_dir():
        sys.exit("pull the kernel first: bin/jcap kernels pull linux")
    work = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        home = work / "home"
        home.mkdir()
        (home / "kernels").symlink_to(user_kernels)
        yield work, home
    finally:
        shutil.rmtree(work, ignore_errors=True)


def kernel_record(home, name="linux"):
    """A stored Linux kernel's kernel.json (version, files, module load order)."""
    return json.loads((home / "kernels" / name / "kernel.json").read_text())


def floor_initramfs(work, pause=False):
    """An initramfs whose /init, a static program, prints FLOOR_LINE and powers off (or, with pause, idles)."""
    name = "floor-idle" if pause else "floor"
    src = work / f"{name}.c"
    tail = "for(;;)pause();" if pause else "sync();reboot(RB_POWER_OFF);"
    src.write_text('#include <stdio.h>\n#include <sys/reboot.h>\n#include <unistd.h>\n'
                   'int main(void){puts("' + FLOOR_LINE + '");fflush(stdout);' + tail + 'return 0;}\n')
    root = work / f"{name}-root"
    root.mkdir()
    subprocess.run(["musl-gcc", "-static", "-Os", "-s", "-o", str(root / "init"), str(src)], check=True)
    cpio = work / f"{name}.cpio"
    with open(cpio, "wb") as out:
        subprocess.run(["cpio", "-o", "-H", "newc", "--quiet"], input=b"init\n", stdout=out, cwd=root, check=True)
    return cpio


QBOOT = Path("/usr/share/qemu/qboot.rom")


def floor_command(home, cpio, kernel="linux", tuned=False):
    """The boot floor: the same kernel on the machine type jcap runs images on (q35), booted directly by QEMU
    (-kernel, the floor initramfs, no devices). tuned: with what jcap's direct boots add under TCG, qboot as the
    firmware and nolapic_timer no_timer_check (LinuxRunPlan), so that jcap's own part shows apart from those."""
    vmlinuz = home / "kernels" / kernel / "vmlinuz"
    append = "console=ttyS0 quiet loglevel=3 panic=-1" + (" nolapic_timer no_timer_check" if tuned else "")
    firmware = ["-bios", str(QBOOT)] if tuned and QBOOT.is_file() else []
    return ["qemu-system-x86_64", "-M", "q35", "-accel", "tcg", "-m", "128", "-display", "none", "-serial", "stdio",
            "-monitor", "none", "-nodefaults", "-no-reboot", *firmware, "-kernel", str(vmlinuz), "-initrd", str(cpio),
            "-append", append]


def median(values):
    return statistics.median(values)


def first_line_time(cmd, needle, env=None, timeout=120):
    """Seconds from starting cmd until a stdout line containing needle appears; the process is then waited for."""
    started = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
                            env=env, cwd=ROOT)
    seen = None
    for raw in proc.stdout:
        if seen is None and needle in raw.decode(errors="replace"):
            seen = time.monotonic() - started
        if time.monotonic() - started > timeout:
            break
    proc.kill() if proc.poll() is None and seen is None else None
    proc.wait(timeout=timeout)
    if seen is None:
        sys.exit(f"{needle!r} never appeared from {' '.join(cmd)}")
    return seen


def write_section(doc, title, section):
    """Replaces the '## title' section of doc (up to the next '## ') with section, or appends it; the rest stays."""
    text = doc.read_text() if doc.exists() else "# Benchmarks\n"
    pattern = re.compile(r"^## " + re.escape(title) + r"\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _: section + "\n", text, count=1).rstrip("\n") + "\n"
    else:
        text = text.rstrip("\n") + "\n\n" + section
    doc.write_text(text)
