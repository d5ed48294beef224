"""Measures the runtime examples' image sizes and boot-to-first-output; see runtimes.sh."""
import json
import os
import signal
import statistics
import subprocess
import sys
import time

from benchlib import JCAP, ROOT, env_for, jcap, kernel_record, private_home

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 3
# example -> the first line its application prints (a server's "ready" line)
EXAMPLES = {
    "hello": "Hello from jcap",
    "hello-java": "Hello from Java on jcap",
    "http-java": "listening on port 8080",
    "redis": "Ready to accept connections",
}


def first_output(env, image, needle, timeout=180):
    """Seconds from starting `jcap run IMAGE` until its output shows needle; a server is then stopped."""
    started = time.monotonic()
    proc = subprocess.Popen([JCAP, "run", "--accel", "tcg", image], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, env=env, cwd=ROOT,
                            start_new_session=True)
    seen = None
    try:
        for raw in proc.stdout:
            if needle in raw.decode(errors="replace"):
                seen = time.monotonic() - started
                break
            if time.monotonic() - started > timeout:
                break
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)  # jcap stops its QEMU on the way out
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
    if seen is None:
        sys.exit(f"{needle!r} never appeared from jcap run {image}")
    return seen


def main():
    with private_home("jcap-bench-runtimes-") as (_, home):
        env = env_for(home)
        kernel = kernel_record(home)
        rows = []
        for name, needle in EXAMPLES.items():
            cold, build = jcap(home, "build", "--accel", "tcg", f"examples/{name}")
            warm = statistics.median(jcap(home, "build", "--accel", "tcg", f"examples/{name}")[0] for _ in range(RUNS))
            linked = "Linking a Java runtime" in build.stderr
            _, listing = jcap(home, "images", "--json")
            image = next(i for i in json.loads(listing.stdout) if i["name"] == name)
            boots = [first_output(env, name, needle) for _ in range(RUNS)]
            rows.append((name, image, cold, linked, warm, statistics.median(boots), min(boots), max(boots)))

        floor = rows[0][5]
        modules = "virtio-rng loaded" if any("virtio-rng" in f["path"] for f in kernel["files"]) else "no virtio-rng"
        print(f"Kernel: Debian cloud {kernel['version']} ({modules}), TCG, {RUNS} runs each: rebuild median;"
              f" `jcap run` from start to the application's first line, median (min-max).\n")
        print("| image | on disk | virtual | build, empty cache | rebuild, unchanged | first output | vs hello |")
        print("| --- | --- | --- | --- | --- | --- | --- |")
        for name, image, cold, linked, warm, median, low, high in rows:
            note = " (jlink)" if linked else ""
            print(f"| {name} | {image['diskSize'] / 1e6:.1f} MB | {image['virtualSize'] / 2**20:.0f} MiB |"
                  f" {cold:.1f} s{note} | {warm:.1f} s | {median:.2f} s ({low:.2f}-{high:.2f}) |"
                  f" {median / floor:.2f}x |")


if __name__ == "__main__":
    main()
