"""Measures the runtime examples' image sizes and boot-to-first-output; see runtimes.sh."""
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
JCAP = str(ROOT / "bin" / "jcap")
RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 3
# example -> the first line its application prints (a server's "ready" line)
EXAMPLES = {
    "hello": "Hello from jcap",
    "hello-java": "Hello from Java on jcap",
    "http-java": "listening on port 8080",
    "redis": "Ready to accept connections",
}


def jcap(env, *args):
    started = time.monotonic()
    proc = subprocess.run([JCAP, *args], env=env, capture_output=True, text=True, cwd=ROOT)
    took = time.monotonic() - started
    if proc.returncode != 0:
        sys.exit(f"jcap {' '.join(args)} failed ({proc.returncode}):\n{proc.stdout}{proc.stderr}")
    return took, proc


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
    user_kernels = Path(os.environ.get("JCAP_HOME", Path.home() / ".jcap")) / "kernels"
    if not (user_kernels / "linux").is_dir():
        sys.exit("pull the kernel first: bin/jcap kernels pull linux")
    work = Path(tempfile.mkdtemp(prefix="jcap-bench-runtimes-"))
    try:
        home = work / "home"
        home.mkdir()
        (home / "kernels").symlink_to(user_kernels)
        env = dict(os.environ, JCAP_HOME=str(home))
        kernel = json.loads((user_kernels / "linux" / "kernel.json").read_text())
        rows = []
        for name, needle in EXAMPLES.items():
            cold, build = jcap(env, "build", "--accel", "tcg", f"examples/{name}")
            warm = statistics.median(jcap(env, "build", "--accel", "tcg", f"examples/{name}")[0] for _ in range(RUNS))
            linked = "Linking a Java runtime" in build.stderr
            _, listing = jcap(env, "images", "--json")
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
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
