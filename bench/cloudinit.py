"""See cloudinit.sh: boot time to JCAP-START with and without cloud-init data sources."""
import http.server
import subprocess
import sys
import io
import re
import tarfile
import threading
import time
from pathlib import Path

import benchlib

PROBE = r'''#include <stdio.h>
int main(void) { puts("probe"); return 0; }
'''
USER_DATA = "#cloud-config\nhostname: bench\njcap:\n  env:\n    GREETING: hi\n"


def build_init(work, ref):
    """The guest init of git revision ref, built with that revision's own build.sh."""
    src = work / f"init-{ref}"
    data = subprocess.run(["git", "archive", ref, "kernels/src/main/c"], cwd=benchlib.ROOT, check=True,
                          capture_output=True).stdout
    tarfile.open(fileobj=io.BytesIO(data)).extractall(src)
    out = work / f"jcap-init-{ref}"
    subprocess.run(["bash", str(src / "kernels/src/main/c/build.sh"), str(out)], check=True)
    return out


def with_init(work, initrd, init, name):
    """The image's initramfs with its /init replaced."""
    root = work / f"root-{name}"
    root.mkdir()
    subprocess.run(["cpio", "-i", "-d", "--quiet"], stdin=open(initrd, "rb"), cwd=root, check=True)
    (root / "init").write_bytes(Path(init).read_bytes())
    names = subprocess.run("find . -mindepth 1 | sort", shell=True, cwd=root, check=True, capture_output=True).stdout
    out = work / f"initrd-{name}.cpio"
    with open(out, "wb") as f:
        subprocess.run(["cpio", "-o", "-H", "newc", "--quiet"], input=names, stdout=f, cwd=root, check=True)
    return out


class Ec2(http.server.BaseHTTPRequestHandler):
    def do_PUT(self):
        self.answer(200 if self.path == "/latest/api/token" else 404, "token")

    def do_GET(self):
        pages = {"/latest/meta-data/instance-id": "i-1", "/latest/meta-data/local-hostname": "bench",
                 "/latest/user-data": USER_DATA}
        self.answer(200 if self.path in pages else 404, pages.get(self.path, ""))

    def answer(self, code, body):
        b = body.encode()
        self.send_response(code)
        self.send_header("Content-Length", str(len(b)))
        self.end_headers()
        self.wfile.write(b)

    def log_message(self, *args):
        pass


def boot_time(cmd, timeout=120):
    """Seconds from QEMU's start to JCAP-START, and the milliseconds the init reports for cloud-init
    (jcap.debug=1: "no data source (N ms)" or "data from ... in N ms"; None for an init without it)."""
    started = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    seen, ms = None, None
    for raw in proc.stdout:
        line = raw.decode(errors="replace")
        found = re.search(r"cloud-init(?: data from .*? in |: no data source \()(\d+) ms", line)
        if found:
            ms = int(found.group(1))
        if seen is None and "JCAP-START" in line:
            seen = time.monotonic() - started
        if time.monotonic() - started > timeout:
            break
    if proc.poll() is None:
        proc.kill()
    proc.wait(timeout=timeout)
    if seen is None:
        sys.exit(f"JCAP-START never appeared from {' '.join(cmd)}")
    return seen, ms


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    base = sys.argv[2] if len(sys.argv) > 2 else "main"
    with benchlib.private_home("jcap-bench-cloudinit-") as (work, home):
        project = work / "probe"
        project.mkdir()
        (project / "probe.c").write_text(PROBE)
        (project / "Capstanfile").write_text("build: musl-gcc -static -Os -s -o probe probe.c\ncmdline: /app/probe\n"
                                             "files:\n  /app/probe: probe\nmemory: 128M\n")
        benchlib.jcap(home, "build", str(project))
        image = home / "images" / "probe"
        boot = image / "boot"
        append = (boot / "append").read_text().strip()
        initrds = {"base": with_init(work, boot / "initrd.img", build_init(work, base), "base"),
                   "this": boot / "initrd.img"}
        seeds = work / "seeds"
        seeds.mkdir()
        (seeds / "user-data").write_text(USER_DATA)
        (seeds / "meta-data").write_text("instance-id: i-1\n")
        subprocess.run(["cloud-localds", "iso.img", "user-data", "meta-data"], cwd=seeds, check=True)
        subprocess.run(["cloud-localds", "-f", "vfat", "vfat.img", "user-data", "meta-data"], cwd=seeds, check=True)
        latest = seeds / "tree" / "openstack" / "latest"
        latest.mkdir(parents=True)
        (latest / "meta_data.json").write_text('{"uuid": "u-1", "hostname": "bench"}')
        (latest / "user_data").write_text(USER_DATA)
        subprocess.run(["genisoimage", "-quiet", "-o", "config-2.iso", "-V", "config-2", "-J", "-r", "tree"],
                       cwd=seeds, check=True)
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Ec2)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        port = server.server_address[1]

        def drive(f):
            return ["-drive", f"file={f},if=virtio,format=raw,readonly=on"]

        user_net = ["-netdev", "user,id=n0", "-device", "virtio-net-pci,netdev=n0"]
        imds_net = ["-netdev", f"user,id=n0,net=169.254.0.0/16,guestfwd=tcp:169.254.169.254:80-cmd:socat - "
                    f"TCP:127.0.0.1:{port}", "-device", "virtio-net-pci,netdev=n0"]
        cases = [
            ("no data source, jcap.net=static (jcap run)", "base", " jcap.net=static", user_net),
            ("no data source, jcap.net=static (jcap run)", "this", " jcap.net=static", user_net),
            ("no data source, DHCP (a cloud's boot)", "base", "", user_net),
            ("no data source, DHCP (a cloud's boot)", "this", "", user_net),
            ("NoCloud, cloud-localds iso9660", "this", " jcap.net=static", user_net + drive(seeds / "iso.img")),
            ("NoCloud, cloud-localds vfat", "this", " jcap.net=static", user_net + drive(seeds / "vfat.img")),
            ("OpenStack config drive, genisoimage", "this", " jcap.net=static", user_net + drive(seeds / "config-2.iso")),
            ("EC2 IMDSv2 stand-in (guestfwd, socat)", "this", "", imds_net),
        ]
        rows = []
        for label, which, extra, args in cases:
            times, reported = [], []
            for i in range(runs):
                overlay = work / f"overlay-{len(rows)}-{i}.qcow2"
                subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", "-F", "qcow2", "-b",
                                str(image / "image.qcow2"), str(overlay)], check=True)
                cmd = ["qemu-system-x86_64", "-M", "q35", "-accel", "tcg", "-m", "256", "-display", "none",
                       "-serial", "stdio", "-monitor", "none", "-no-reboot", "-kernel", str(boot / "vmlinuz"),
                       "-initrd", str(initrds[which]), "-append", append + extra + " jcap.debug=1",
                       "-drive", f"file={overlay},if=virtio,format=qcow2", *args]
                took, ms = boot_time(cmd)
                times.append(took)
                if ms is not None:
                    reported.append(ms)
                overlay.unlink()
            rows.append((label, base if which == "base" else "this branch", benchlib.median(times),
                         min(times), max(times), f"{benchlib.median(reported):.0f} ms" if reported else "-"))
            print(f"{label} [{rows[-1][1]}]: median {rows[-1][2]:.2f} s", file=sys.stderr)
        server.shutdown()
        for label, args in [("jcap run probe (whole command)", []),
                            ("jcap run --user-data F probe (whole command, jcap's NoCloud seed)",
                             ["--user-data", str(seeds / "user-data")])]:
            times = [benchlib.jcap(home, "run", *args, "probe")[0] for _ in range(runs)]
            rows.append((label, "this branch", benchlib.median(times), min(times), max(times), "-"))
            print(f"{label}: median {rows[-1][2]:.2f} s", file=sys.stderr)
        print(f"| boot (to JCAP-START, TCG, median of {runs}) | init | median | min | max | cloud-init, as the init"
              " reports it (median) |")
        print("| --- | --- | --- | --- | --- | --- |")
        for label, init, med, lo, hi, ms in rows:
            print(f"| {label} | {init} | {med:.2f} s | {lo:.2f} s | {hi:.2f} s | {ms} |")


if __name__ == "__main__":
    main()
