"""Where `jcap run` of an image spends its time, part by part, on one timeline; see boot-timeline.sh."""
import os
import re
import subprocess
import sys
import time
from pathlib import Path

from benchlib import FLOOR_LINE, JCAP, ROOT, env_for, floor_command, floor_initramfs, jcap, median, private_home

HELLO = "Hello from jcap"
# The wrapper QEMU runs through: it notes its own start (bash's clock, no process spawned) and adds to the
# kernel command line; VERBOSE drops quiet and the log level so that the kernel's own messages show.
WRAPPER = r"""#!/usr/bin/env bash
if [ "${1:-}" != --version ]; then printf '%s\n' "$EPOCHREALTIME" >>"$TIMELINE_SPAWNS"; fi
args=() prev=
for a in "$@"; do
  if [ "$prev" = -append ]; then
    a="$a $TIMELINE_APPEND"
    if [ -n "${TIMELINE_VERBOSE:-}" ]; then a=${a// quiet/}; a=${a// loglevel=3/}; fi
  fi
  args+=("$a") prev=$a
done
exec "$TIMELINE_QEMU" "${args[@]}"
"""
GUEST_TIME = re.compile(r"^(?:\[\s*(\d+\.\d+)\]|jcap-init \[(\d+\.\d+)\])")
INITCALL = re.compile(r"initcall (\S+) returned -?\d+ after (\d+) usecs")


def lines_with_times(cmd, env, until, timeout=180):
    """Runs cmd; every stdout line with the host's wall clock when it arrived, read unbuffered. The process is
    waited for (it powers off by itself); until names the line after which nothing more is needed."""
    started = time.time()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
                            env=env, cwd=ROOT)
    out, pending = [], b""
    try:
        while True:
            chunk = os.read(proc.stdout.fileno(), 65536)
            now = time.time()
            if not chunk:
                break
            pending += chunk
            *done, pending = pending.split(b"\n")
            out.extend((now, line.decode(errors="replace").rstrip("\r")) for line in done)
            if now - started > timeout:
                break
    finally:
        if proc.poll() is None:
            proc.wait(timeout=timeout)
    if not any(until in line for _, line in out):
        sys.exit(f"{until!r} never appeared from {' '.join(cmd)}:\n" + "\n".join(line for _, line in out[-20:]))
    return started, out


def guest_zero(lines):
    """The host time of the guest clock's zero: the earliest any stamped line could have been written. A line
    reaches the host a little after it is written, so the smallest arrival minus stamp is the closest bound."""
    bounds = [t - float(m.group(1) or m.group(2)) for t, line in lines if (m := GUEST_TIME.match(line))]
    return min(bounds) if bounds else None


def stamp(lines, needle):
    """The guest's own time of the first stamped line containing needle."""
    for _, line in lines:
        m = GUEST_TIME.match(line)
        if m and needle in line:
            return float(m.group(1) or m.group(2))
    sys.exit(f"no stamped line with {needle!r}")


def arrival(lines, needle):
    return next(t for t, line in lines if needle in line)


class Traced:
    """Runs commands with QEMU through the wrapper, collecting the wrapper's spawn times."""

    def __init__(self, work, home):
        self.spawns = work / "spawns"
        self.wrapper = work / "qemu-timeline"
        self.wrapper.write_text(WRAPPER)
        self.wrapper.chmod(0o755)
        real = subprocess.run(["bash", "-c", "command -v qemu-system-x86_64"], capture_output=True, text=True)
        self.env = dict(env_for(home), JCAP_QEMU=str(self.wrapper), TIMELINE_SPAWNS=str(self.spawns),
                        TIMELINE_QEMU=real.stdout.strip())

    def run(self, cmd, until, append="", verbose=False):
        """(start, QEMU's spawn, lines) of one run of cmd through the wrapper."""
        self.spawns.unlink(missing_ok=True)
        env = dict(self.env, TIMELINE_APPEND=append, TIMELINE_VERBOSE="1" if verbose else "")
        if cmd[0] != JCAP:
            cmd = [str(self.wrapper), *cmd[1:]]
        started, lines = lines_with_times(cmd, env, until)
        spawn = float(self.spawns.read_text().split()[-1])
        return started, spawn, lines


def quiet_parts(started, spawn, lines):
    """The parts of one jcap run as it boots (quiet), with the init's own stamps (jcap.debug=1)."""
    zero = guest_zero(lines)
    init = stamp(lines, "in run mode")
    return {
        "jcap's CLI to QEMU's spawn": spawn - started,
        "QEMU's start to the kernel's clock at 0": zero - spawn,
        "kernel to the init's first line": init,
        "init: modules (none on linux-mini)": stamp(lines, "modules") - init,
        "init: find the root disk": stamp(lines, "root UUID") - stamp(lines, "modules"),
        "init: mount the root, switch to it": stamp(lines, "mounted read-") - stamp(lines, "root UUID"),
        "init: network": stamp(lines, "(static)") - stamp(lines, "mounted read-"),
        "init: config, cloud-init, power button": stamp(lines, "power button") - stamp(lines, "(static)"),
        "JCAP-START's line to the first output on the host": arrival(lines, HELLO) - (zero + stamp(lines,
                                                                                                  "power button")),
        "total, jcap run to the first output": arrival(lines, HELLO) - started,
    }


def kernel_parts(lines):
    """The kernel's own phases from its verbose log (printk times)."""
    marks = [("boot CPU set up (APIC timer calibrated, unless nolapic_timer)", "smpboot: CPU0"),
             ("ACPI interpreter", "ACPI: Interpreter enabled"),
             ("PCI root bridge", "PCI Root Bridge"), ("network families", "NET: Registered PF_INET"),
             ("initramfs unpacked", "Freeing initrd memory"), ("serial driver", "Serial: 8250"),
             ("kernel's memory freed", "Freeing unused kernel image (initmem)"), ("/init started", "Run /init")]
    return [(name, stamp(lines, needle)) for name, needle in marks if any(needle in line for _, line in lines)]


def initcalls(lines, top=12):
    calls = [(int(m.group(2)), m.group(1)) for _, line in lines if (m := INITCALL.search(line))]
    return sorted(calls, reverse=True)[:top], sum(us for us, _ in calls)


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    kernel = os.environ.get("TIMELINE_KERNEL", "linux-mini")
    with private_home("jcap-timeline-") as (work, home):
        jcap(home, "build", "--accel", "tcg", "--name", "hello-t", "examples/hello", extra_env={"JCAP_KERNEL": kernel})
        traced = Traced(work, home)
        run = [JCAP, "run", "--accel", "tcg", "hello-t"]
        shown = [*run[:2], "-v", *run[2:]]  # boot lines shown: the init's stamps, the kernel's messages
        cpio = floor_initramfs(work)
        floor, tuned = floor_command(home, cpio, kernel), floor_command(home, cpio, kernel, tuned=True)
        traced.run(run, HELLO)  # QEMU's version into the cache, the files into the page cache
        parts, totals, floors, tuned_floors = {}, [], [], []
        for _ in range(runs):
            for key, value in quiet_parts(*traced.run(shown, HELLO, "jcap.debug=1")).items():
                parts.setdefault(key, []).append(value)
            started, _, lines = traced.run(run, HELLO)
            totals.append(arrival(lines, HELLO) - started)
            started, _, lines = traced.run(floor, FLOOR_LINE)
            floors.append(arrival(lines, FLOOR_LINE) - started)
            started, _, lines = traced.run(tuned, FLOOR_LINE)
            tuned_floors.append(arrival(lines, FLOOR_LINE) - started)
        print(f"Kernel {kernel}, TCG, medians of {runs} runs.\n")
        print("| part of `jcap run` (jcap.debug=1 for the init's stamps) | time |\n| --- | --- |")
        for key, values in parts.items():
            print(f"| {key} | {median(values) * 1000:.0f} ms |")
        print(f"\n`jcap run` without jcap.debug: {median(totals):.2f} s; the floor: {median(floors):.2f} s"
              f" ({median(totals) / median(floors):.2f}x); the floor with qboot and nolapic_timer as jcap boots:"
              f" {median(tuned_floors):.2f} s ({median(totals) / median(tuned_floors):.2f}x)\n")

        verbose = {"jcap run": traced.run(shown, HELLO, "printk.time=1 jcap.debug=1", verbose=True)[2],
                   "floor": traced.run(tuned, FLOOR_LINE, "printk.time=1", verbose=True)[2]}
        print("| kernel phase (printk time, verbose boot, one run) | jcap run | floor (qboot, nolapic_timer) |\n"
              "| --- | --- | --- |")
        floor_marks = dict(kernel_parts(verbose["floor"]))
        for name, t in kernel_parts(verbose["jcap run"]):
            print(f"| {name} | {t:.3f} s | {floor_marks.get(name, float('nan')):.3f} s |")
        for key, cmd, until in (("jcap run", shown, HELLO), ("floor (qboot, nolapic_timer)", tuned, FLOOR_LINE)):
            lines = traced.run(cmd, until, "printk.time=1 initcall_debug loglevel=8", verbose=True)[2]
            top, total = initcalls(lines)
            print(f"\ninitcalls of {key} (initcall_debug, one run): {total / 1000:.0f} ms in all; the longest: "
                  + ", ".join(f"{name} {us / 1000:.1f} ms" for us, name in top))


if __name__ == "__main__":
    main()
