"""Measures detached instances against floors; see instances.sh. Prints a Markdown section."""
import datetime
import json
import re
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from benchlib import (FLOOR_LINE, JCAP, ROOT, env_for, floor_command, floor_initramfs, jcap, kernel_record, private_home,
                      write_section)

ARGS = [a for a in sys.argv[1:] if a != "--write"]
N = int(ARGS[0]) if ARGS else 4
WRITE = "--write" in sys.argv[1:]
BOOT_BOUND = 180
IDLE_SECONDS = 5


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def answers(port):
    # QEMU accepts a connection to a forwarded port at once and holds it while the guest's network is not up
    # yet: a long timeout would add itself to the measured time (it was 2 s, and one instance measured ~2 s
    # slower than it was). Half a second lets a server under emulation answer.
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=0.5) as r:
            return r.status == 200
    except OSError:
        return False


def await_answers(ports, started):
    """Seconds from started until each port answers HTTP, polled together."""
    times = {}
    while len(times) < len(ports):
        if time.monotonic() - started > BOOT_BOUND:
            sys.exit(f"no HTTP answer within {BOOT_BOUND} s on {sorted(set(ports) - set(times))}")
        for p in ports:
            if p not in times and answers(p):
                times[p] = time.monotonic() - started
        time.sleep(0.05)
    return [times[p] for p in ports]


def memory_kib(pid):
    """VmRSS and, from smaps_rollup, Pss (shared pages counted once per sharer) of a process."""
    status = Path(f"/proc/{pid}/status").read_text()
    rss = int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1))
    rollup = Path(f"/proc/{pid}/smaps_rollup")
    pss = int(re.search(r"Pss:\s+(\d+) kB", rollup.read_text()).group(1)) if rollup.exists() else rss
    return rss, pss


def instances(home):
    _, proc = jcap(home, "ps", "--json")
    return json.loads(proc.stdout)


def stop_all(home):
    took = []
    for i in instances(home):
        t, proc = jcap(home, "stop", i["name"])
        took.append((t, proc.stdout.strip()))
        jcap(home, "rm", i["name"])
    return took


def floor_boots(home, cpio, count):
    """Starts count floor guests at once; seconds until each printed its line, and the processes."""
    started = time.monotonic()
    procs = [subprocess.Popen(floor_command(home, cpio), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                              stdin=subprocess.DEVNULL) for _ in range(count)]
    times = []
    for p in procs:
        for raw in p.stdout:
            if FLOOR_LINE.encode() in raw:
                times.append(time.monotonic() - started)
                break
        else:
            sys.exit("a floor guest never printed its line")
    return times, procs


def main():
    with private_home("jcap-bench-instances-") as (work, home):
        try:
            kernel = kernel_record(home)
            graceful = "evdev.ko" in kernel.get("moduleLoadOrder", [])
            jcap(home, "build", "--accel", "tcg", "examples/http-server")

            # One after another: each started once the previous one answers.
            seq_each, seq_cli = [], []
            seq_started = time.monotonic()
            for i in range(N):
                port = free_port()
                started = time.monotonic()
                took, _ = jcap(home, "run", "-d", "--accel", "tcg", "-p", f"{port}:8080", "--name", f"seq-{i}",
                               "http-server")
                seq_cli.append(took)
                seq_each.extend(await_answers([port], started))
            seq_total = time.monotonic() - seq_started
            time.sleep(IDLE_SECONDS)
            mem = [memory_kib(i["pid"]) for i in instances(home)]
            stops = stop_all(home)

            # All together: N jcap run -d at once.
            ports = [free_port() for _ in range(N)]
            env = env_for(home)
            started = time.monotonic()
            launches = [subprocess.Popen([JCAP, "run", "-d", "--accel", "tcg", "-p", f"{p}:8080", "--name", f"par-{i}",
                                          "http-server"], env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                                         stderr=subprocess.PIPE) for i, p in enumerate(ports)]
            for launch in launches:
                if launch.wait(timeout=BOOT_BOUND) != 0:
                    sys.exit("jcap run -d failed: " + launch.stderr.read().decode())
            par_each = await_answers(ports, started)
            stop_all(home)

            # Floors: the same kernel, direct -kernel boot, trivial init; alone, N at once, and idle memory.
            cpio = floor_initramfs(work)
            floor_alone = []
            for _ in range(N):
                times, procs = floor_boots(home, cpio, 1)
                floor_alone.extend(times)
                [p.wait(timeout=60) for p in procs]
            floor_together, procs = floor_boots(home, cpio, N)
            [p.wait(timeout=60) for p in procs]
            idle = floor_initramfs(work, pause=True)
            _, procs = floor_boots(home, idle, 1)
            time.sleep(IDLE_SECONDS)
            floor_mem = memory_kib(procs[0].pid)
            [p.kill() for p in procs]
            [p.wait() for p in procs]

            med = statistics.median
            rss = med(m[0] for m in mem) / 1024
            pss = med(m[1] for m in mem) / 1024
            stop_median = med(t for t, _ in stops)
            today = datetime.date.today().isoformat()
            lines = [
                "## Instances",
                "",
                "`bash bench/instances.sh [N] [--write]` starts N (default 4) detached instances of",
                "`examples/http-server` in a private jcap home, first one after another (each once the previous",
                "one answers), then all at once, and times each from `jcap run -d` until it answers `GET /`",
                "over its forwarded port. Floor: the same kernel booted directly by QEMU on `q35`, the machine",
                "images run on (`-kernel`, an initramfs whose `/init` prints one line), to that line, alone and",
                "N at once; and that floor guest's memory once idle. `--write` puts this section into this file.",
                "",
                f"Measured {today}, Debian cloud kernel {kernel.get('version', '?')}, TCG, N={N}, "
                f"2 cores shared with other work; medians unless said otherwise:",
                "",
                "| measurement | jcap | floor (same run) | ratio |",
                "| --- | --- | --- | --- |",
                f"| one instance, `jcap run -d` to HTTP answer (one after another) | {med(seq_each):.2f} s | "
                f"{med(floor_alone):.2f} s (direct boot to first line) | {med(seq_each) / med(floor_alone):.2f}x |",
                f"| of which `jcap run -d` itself (JVM, checks, overlay, QEMU daemonized) | {med(seq_cli):.2f} s | | |",
                f"| {N} instances one after another, all answering | {seq_total:.2f} s | "
                f"{sum(floor_alone):.2f} s ({N} direct boots) | {seq_total / sum(floor_alone):.2f}x |",
                f"| {N} instances at once, until the last answers | {max(par_each):.2f} s | "
                f"{max(floor_together):.2f} s ({N} direct boots at once) | {max(par_each) / max(floor_together):.2f}x |",
                f"| {N} instances at once, median until answering | {med(par_each):.2f} s | "
                f"{med(floor_together):.2f} s | {med(par_each) / med(floor_together):.2f}x |",
                f"| QEMU memory per idle instance (RSS / PSS) | {rss:.0f} / {pss:.0f} MiB | "
                f"{floor_mem[0] / 1024:.0f} / {floor_mem[1] / 1024:.0f} MiB (floor guest, 128 MiB) | "
                f"{rss / (floor_mem[0] / 1024):.2f}x |",
                f"| `jcap stop` of an idle instance | {stop_median:.2f} s | | |",
                "",
                "Each instance has 128 MiB of guest memory (the image's `memory`); RSS counts what QEMU touched,",
                "PSS divides pages QEMU processes share (the binary, libraries) among them. An idle instance costs",
                "what the floor guest costs: the memory is QEMU's and the guest's, jcap keeps no process.",
                "The floor is the first line of a trivial init; an instance is timed until its server answers",
                "HTTP through the forwarded port (polled every 50 ms, each try bounded by 0.5 s), so the gap holds",
                "what `jcap run` adds (\"Where the time of `jcap run` goes\" above: the JVM start of `jcap run -d`,",
                "the init's modules and the ext4 mount) and the server's own start and first answer.",
                ("`jcap stop` pressed the power button and the server exited on SIGTERM"
                 if graceful else
                 "The kernel of this run has no `button`/`evdev` modules, so `jcap stop` waited its timeout"
                 " before QEMU quit; pull the kernel again for a graceful stop") + f" ({stops[0][1]}).",
            ]
            section = "\n".join(lines) + "\n"
            print(section)
            if WRITE:
                write_section(ROOT / "docs" / "benchmarks.md", "Instances", section)
        finally:
            for i in instances(home) if (home / "instances").is_dir() else []:
                subprocess.run([JCAP, "rm", "-f", i["name"]], env=env_for(home), capture_output=True)


if __name__ == "__main__":
    main()
