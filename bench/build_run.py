"""Measures jcap build/run against floors; see build-run.sh. Prints a Markdown table."""
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

from benchlib import (FLOOR_LINE, JCAP, ROOT, env_for, first_line_time, floor_command, floor_initramfs, jcap,
                      kernel_record, median, private_home)

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 3


def main():
    with private_home("jcap-bench-") as (work, home):
        env = env_for(home)

        # With linux-mini stored, the builder VM boots it; a home with the Debian kernel alone builds as before it.
        mini = (home / "kernels" / "linux-mini" / "kernel.json").is_file()
        builds = [jcap(home, "build", "--force", "--accel", "tcg", "examples/hello")[0] for _ in range(RUNS)]
        rebuilds = [jcap(home, "build", "--accel", "tcg", "examples/hello")[0] for _ in range(RUNS)]
        debian_builds = []
        if mini:
            debian_home = work / "home-debian"
            (debian_home / "kernels").mkdir(parents=True)
            (debian_home / "kernels" / "linux").symlink_to((home / "kernels" / "linux").resolve())
            debian_builds = [jcap(debian_home, "build", "--force", "--accel", "tcg", "examples/hello")[0]
                             for _ in range(RUNS)]
            jcap(home, "build", "--accel", "tcg", "--name", "hello-mini", "examples/hello",
                 extra_env={"JCAP_KERNEL": "linux-mini"})
        _, listing = jcap(home, "images", "--json")
        image = next(i for i in json.loads(listing.stdout) if i["name"] == "hello")
        mini_image = next((i for i in json.loads(listing.stdout) if i["name"] == "hello-mini"), None)

        # The builds left dirty pages behind: written out first, so that their write-back does not land on the
        # boot timings. The three commands take turns, two runs each, so that a slow spell of the machine hits
        # them alike; a run right after another command and one right after itself differ by up to ~0.2 s
        # here, either way (docs/benchmarks.md), so each figure is the median of both kinds.
        os.sync()
        time.sleep(5)
        floor_cpio = floor_initramfs(work)
        floor_cmd, version = floor_command(home, floor_cpio), kernel_record(home).get("version", "?")
        commands = {"run": [JCAP, "run", "--accel", "tcg", "hello"],
                    "disk": [JCAP, "run", "--accel", "tcg", "--boot", "disk", "hello"],
                    "uefi": [JCAP, "run", "--accel", "tcg", "--boot", "uefi", "hello"], "floor": floor_cmd}
        needles = {"run": "Hello from jcap", "disk": "Hello from jcap", "uefi": "Hello from jcap", "floor": FLOOR_LINE}
        if mini:
            commands["mini run"] = [JCAP, "run", "--accel", "tcg", "hello-mini"]
            commands["mini floor"] = floor_command(home, floor_cpio, "linux-mini")
            commands["mini tuned floor"] = floor_command(home, floor_cpio, "linux-mini", tuned=True)
            needles["mini run"], needles["mini floor"] = "Hello from jcap", FLOOR_LINE
            needles["mini tuned floor"] = FLOOR_LINE
        times = {k: [] for k in commands}
        for _ in range(RUNS):
            for key, cmd in commands.items():
                times[key].append(first_line_time(cmd, needles[key], env=env))
                times[key].append(first_line_time(cmd, needles[key], env=env))
        runs, disk_runs, uefi_runs, floor = times["run"], times["disk"], times["uefi"], times["floor"]

        # Stream throughput: a project with 100 MB of incompressible data.
        big = work / "big"
        big.mkdir()
        (big / "blob").write_bytes(os.urandom(100 * 1000 * 1000))
        shutil.copy(ROOT / "examples" / "hello" / "hello.c", big / "hello.c")
        (big / "Capstanfile").write_text("build: musl-gcc -static -Os -s -o hello hello.c\ncmdline: /hello\n"
                                         "files:\n  /hello: hello\n  /blob: blob\n")
        rates, local = [], []
        for _ in range(RUNS):
            _, proc = jcap(home, "build", "--force", "--accel", "tcg", str(big))
            m = re.search(r"Streamed (\d+) bytes in ([\d.]+) s", proc.stderr)
            rates.append(int(m.group(1)) / float(m.group(2)) / 1e6)
            started = time.monotonic()
            with open(work / "copy", "wb") as out, open(big / "blob", "rb") as src:
                shutil.copyfileobj(src, out, 1 << 16)
                out.flush()
                os.fsync(out.fileno())
            local.append(100 / (time.monotonic() - started))
            (work / "copy").unlink()

        print("runs (s), in pairs: " + "; ".join(k + " " + " ".join(f"{t:.2f}" for t in v) for k, v in times.items()),
              file=sys.stderr)
        run_ratio = median(runs) / median(floor)
        print(f"Kernel: Debian cloud {version}" + (f", and linux-mini {kernel_record(home, 'linux-mini')['version']}"
              " (the builder VM boots linux-mini)" if mini else "") + f", TCG, {RUNS} runs each ({2 * RUNS} for boots),"
              " medians.\n")
        print("| measurement | jcap | floor (same run) | ratio | target |")
        print("| --- | --- | --- | --- | --- |")
        print(f"| build hello, cold (`--force`) | {median(builds):.2f} s | | | |")
        print(f"| rebuild hello, unchanged inputs | {median(rebuilds):.2f} s | | | under 0.3 s |")
        print(f"| hello image on disk | {image['diskSize'] / 2**20:.1f} MiB | | | at most 20 MB |")
        print(f"| hello image virtual size | {image['virtualSize'] / 2**20:.0f} MiB | | | |")
        print(f"| `jcap run hello` to first output | {median(runs):.2f} s | {median(floor):.2f} s (direct `-kernel` boot,"
              f" trivial init) | {run_ratio:.2f}x | at most 1.3x |")
        print(f"| `jcap run --boot disk hello` to first output | {median(disk_runs):.2f} s | {median(floor):.2f} s |"
              f" {median(disk_runs) / median(floor):.2f}x | |")
        print(f"| `jcap run --boot uefi hello` to first output (OVMF, GRUB; 256 MiB) | {median(uefi_runs):.2f} s |"
              f" {median(floor):.2f} s | {median(uefi_runs) / median(floor):.2f}x | |")
        if mini:
            mini_runs, mini_floor = times["mini run"], times["mini floor"]
            print(f"| build hello, cold, builder VM on the Debian kernel (no linux-mini stored) |"
                  f" {median(debian_builds):.2f} s | | | |")
            print(f"| hello image on disk, kernel linux-mini | {mini_image['diskSize'] / 2**20:.1f} MiB | | |"
                  f" at most 4 MB |")
            print(f"| linux-mini floor (direct `-kernel` boot, trivial init) | {median(mini_floor):.2f} s |"
                  f" {median(floor):.2f} s (Debian kernel's floor) | {median(mini_floor) / median(floor):.2f}x | |")
            print(f"| `jcap run hello-mini` (kernel linux-mini) to first output | {median(mini_runs):.2f} s |"
                  f" {median(mini_floor):.2f} s (linux-mini's floor) | {median(mini_runs) / median(mini_floor):.2f}x |"
                  f" at most 1.1x |")
            print(f"| the same against the Debian kernel's floor | {median(mini_runs):.2f} s | {median(floor):.2f} s |"
                  f" {median(mini_runs) / median(floor):.2f}x | at most 0.5x |")
            tuned = times["mini tuned floor"]
            print(f"| linux-mini floor with jcap's firmware and kernel parameters (qboot, nolapic_timer) |"
                  f" {median(tuned):.2f} s | {median(mini_floor):.2f} s (linux-mini's floor) |"
                  f" {median(tuned) / median(mini_floor):.2f}x | |")
            print(f"| `jcap run hello-mini` against that floor | {median(mini_runs):.2f} s | {median(tuned):.2f} s |"
                  f" {median(mini_runs) / median(tuned):.2f}x | |")
        print(f"| stream into the guest, 100 MB | {median(rates):.1f} MB/s | {median(local):.0f} MB/s (same bytes to"
              f" a local file, fsync) | {median(rates) / median(local):.3f} | |")


if __name__ == "__main__":
    main()
