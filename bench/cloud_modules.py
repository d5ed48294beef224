"""Boot time and size of alias-driven module loading against the older fixed load order; see cloud-modules.sh."""
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

from benchlib import JCAP, ROOT, env_for, first_line_time, median, private_home

OLDER = Path(sys.argv[1]).resolve()
RUNS = int(sys.argv[2]) if len(sys.argv) > 2 else 3
OLDER_JCAP = str(OLDER / "bin" / "jcap")


def run(launcher, home, *args):
    proc = subprocess.run([launcher, *args], env=env_for(home), capture_output=True, text=True, cwd=ROOT)
    if proc.returncode != 0:
        sys.exit(f"{launcher} {' '.join(args)} failed ({proc.returncode}):\n{proc.stdout}{proc.stderr}")
    return proc


def sizes(launcher, home):
    """Modules stored (count, KB), the image's initramfs (KB) and its disk (MiB)."""
    kernel = json.loads((home / "kernels" / "linux" / "kernel.json").read_text())
    modules = [f for f in kernel["files"] if f["path"].startswith("modules/")]
    image = next(i for i in json.loads(run(launcher, home, "images", "--json").stdout) if i["name"] == "hello")
    initrd = home / "images" / "hello" / "boot" / "initrd.img"
    return (len(modules), sum(f["size"] for f in modules) / 1e3, initrd.stat().st_size / 1e3,
            image["diskSize"] / 2**20)


def guest_init_ms(home):
    """The init's own time on the guest's clock, from its start to its network being up (modules, root,
    network), booting the image's kernel and initramfs directly with jcap.debug=1, as jcap run does."""
    boot = home / "images" / "hello" / "boot"
    append = (boot / "append").read_text().strip() + " jcap.debug=1 jcap.net=static"
    cmd = ["qemu-system-x86_64", "-M", "q35", "-accel", "tcg", "-m", "128", "-display", "none", "-serial", "stdio",
           "-monitor", "none", "-nodefaults", "-no-reboot", "-kernel", str(boot / "vmlinuz"),
           "-initrd", str(boot / "initrd.img"), "-append", append,
           "-drive", f"file={home / 'images' / 'hello' / 'image.qcow2'},format=qcow2,if=none,id=d0,snapshot=on",
           "-device", "virtio-blk-pci,drive=d0", "-netdev", "user,id=n0", "-device", "virtio-net-pci,netdev=n0,romfile=",
           "-object", "rng-random,id=rng0,filename=/dev/urandom", "-device", "virtio-rng-pci,rng=rng0"]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=120).stdout
    stamps = {}
    for line in out.splitlines():
        m = re.match(r"jcap-init \[(\d+\.\d+)\] (.*)", line)
        if m:
            key = "start" if m.group(2).startswith("jcap-init in run mode") else \
                "net" if m.group(2).endswith("(static)") else None
            if key:
                stamps[key] = float(m.group(1))
    if set(stamps) != {"start", "net"}:
        sys.exit("no jcap-init debug lines from a direct boot:\n" + out)
    return (stamps["net"] - stamps["start"]) * 1000


def main():
    if not os.access(OLDER_JCAP, os.X_OK):
        sys.exit(f"no jcap launcher at {OLDER_JCAP}")
    with private_home("jcap-bench-old-") as (_, old_home), private_home("jcap-bench-new-") as (_, new_home):
        # This checkout's kernel, with the cloud drivers, in a home of its own.
        (new_home / "kernels").unlink()
        run(JCAP, new_home, "kernels", "pull", "linux")
        run(OLDER_JCAP, old_home, "build", "--accel", "tcg", "examples/hello")
        run(JCAP, new_home, "build", "--accel", "tcg", "examples/hello")
        os.sync()
        time.sleep(5)
        commands = {
            "fixed, direct": ([OLDER_JCAP, "run", "--accel", "tcg", "hello"], old_home),
            "aliases, direct": ([JCAP, "run", "--accel", "tcg", "hello"], new_home),
            "fixed, disk": ([OLDER_JCAP, "run", "--accel", "tcg", "--boot", "disk", "hello"], old_home),
            "aliases, disk": ([JCAP, "run", "--accel", "tcg", "--boot", "disk", "hello"], new_home),
        }
        times = {k: [] for k in commands}
        for _ in range(RUNS):
            for key, (cmd, home) in commands.items():
                for _ in range(2):
                    times[key].append(first_line_time(cmd, "Hello from jcap", env=env_for(home)))
        inits = {"fixed": [], "aliases": []}
        for _ in range(2 * RUNS):
            inits["fixed"].append(guest_init_ms(old_home))
            inits["aliases"].append(guest_init_ms(new_home))
        print("runs (s): " + "; ".join(k + " " + " ".join(f"{t:.2f}" for t in v) for k, v in times.items()),
              file=sys.stderr)
        print("init (ms): " + "; ".join(k + " " + " ".join(f"{t:.0f}" for t in v) for k, v in inits.items()),
              file=sys.stderr)
        old, new = sizes(OLDER_JCAP, old_home), sizes(JCAP, new_home)
        print(f"{RUNS * 2} boots each, taking turns; medians (range).\n")
        print("| | fixed load order (older jcap) | by device aliases (this jcap) |")
        print("| --- | --- | --- |")
        for boot in ("direct", "disk"):
            cells = []
            for kind in ("fixed", "aliases"):
                t = times[f"{kind}, {boot}"]
                cells.append(f"{median(t):.2f} s ({min(t):.2f}-{max(t):.2f})")
            print(f"| `jcap run{' --boot disk' if boot == 'disk' else ''} hello` to first output | "
                  + " | ".join(cells) + " |")
        print("| the init, start to network up (guest clock: modules, root, network) | "
              + " | ".join(f"{median(inits[k]):.0f} ms ({min(inits[k]):.0f}-{max(inits[k]):.0f})"
                           for k in ("fixed", "aliases")) + " |")
        print(f"| modules in the kernel store | {old[0]}, {old[1]:.0f} KB | {new[0]}, {new[1]:.0f} KB |")
        print(f"| the image's initramfs | {old[2]:.0f} KB | {new[2]:.0f} KB |")
        print(f"| the image on disk (qcow2) | {old[3]:.1f} MiB | {new[3]:.1f} MiB |")


if __name__ == "__main__":
    main()
