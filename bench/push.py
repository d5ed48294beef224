"""jcap push to the local Glance beside curl -T of the same file with the same token (bench/push.sh)."""
import datetime
import json
import os
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from benchlib import ROOT, env_for, jcap, median, private_home, timed, write_section

ARGS = [a for a in sys.argv[1:] if a != "--write"]
RUNS = int(ARGS[0]) if ARGS else 5
WRITE = "--write" in sys.argv[1:]
FIXTURE = Path(os.environ.get("JCAP_SERVICES_DIR", "/var/lib/jcap-services")) / "openstack" / "cloud.properties"
IMAGES = ["hello", "hello-java"]
LIBVIRT = "qemu:///system"


def cloud():
    if not FIXTURE.is_file():
        sys.exit(f"no {FIXTURE}: start Keystone and Glance first (bash scripts/start-services.sh)")
    pairs = (line.split("=", 1) for line in FIXTURE.read_text().splitlines() if "=" in line and not line.startswith("#"))
    return {k: v for k, v in pairs}


def token(c):
    body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": c["user"], "password": c["password"], "domain": {"name": c["user_domain"]}}}},
        "scope": {"project": {"name": c["project"], "domain": {"name": c["project_domain"]}}}}}
    req = urllib.request.Request(c["auth_url"] + "/auth/tokens", json.dumps(body).encode(),
                                 {"Content-Type": "application/json"})
    with urllib.request.urlopen(req) as resp:
        return resp.headers["X-Subject-Token"]


def glance(c, tok, method, path, body=None):
    req = urllib.request.Request(c["image_url"] + path, None if body is None else json.dumps(body).encode(),
                                 {"X-Auth-Token": tok, "Content-Type": "application/json"}, method=method)
    with urllib.request.urlopen(req) as resp:
        data = resp.read()
        return json.loads(data) if data else None


def curl_put(c, tok, file):
    """Seconds of curl -T file to a fresh image (the PUT alone), which is then deleted."""
    image = glance(c, tok, "POST", "/v2/images", {"name": "bench-floor", "disk_format": "qcow2",
                                                  "container_format": "bare"})
    try:
        out = subprocess.run(["curl", "-sf", "-o", "/dev/null", "-w", "%{time_total}", "-T", str(file),
                              "-H", "X-Auth-Token: " + tok, "-H", "Content-Type: application/octet-stream",
                              c["image_url"] + "/v2/images/" + image["id"] + "/file"],
                             capture_output=True, text=True, check=True).stdout
        return float(out)
    finally:
        glance(c, tok, "DELETE", "/v2/images/" + image["id"])


def jcap_push(home, clouds, c, tok, image):
    """(wall seconds of jcap push, seconds it reports, seconds of its upload), the pushed image then deleted."""
    wall, proc = timed([str(ROOT / "bin" / "jcap"), "push", image, "openstack", "--name", "bench-jcap", "--json"],
                       env=dict(env_for(home), OS_CLIENT_CONFIG_FILE=str(clouds)))
    result = json.loads(proc.stdout)
    upload = float(re.search(r"Uploaded \d+ bytes in ([\d.]+) s", proc.stderr).group(1))
    glance(c, tok, "DELETE", "/v2/images/" + result["id"])
    return wall, result["seconds"], upload


def libvirt_push(home, pool, image):
    """(seconds of the upload, seconds of the whole push) of jcap push IMAGE libvirt, the volume then deleted."""
    _, proc = jcap(home, "push", image, "libvirt", "--pool", pool, "--name", "bench-jcap", "--json")
    subprocess.run(["virsh", "-q", "-c", LIBVIRT, "vol-delete", "--pool", pool, "bench-jcap.qcow2"], check=True,
                   capture_output=True)
    upload = float(re.search(r"Uploaded \d+ bytes in ([\d.]+) s", proc.stderr).group(1))
    return upload, json.loads(proc.stdout)["seconds"]


def virsh_upload(pool, file):
    """Wall seconds of virsh vol-upload of the same file into a volume made before, the volume then deleted."""
    subprocess.run(["virsh", "-q", "-c", LIBVIRT, "vol-create-as", pool, "bench-floor.qcow2", str(file.stat().st_size),
                    "--format", "qcow2"], check=True, capture_output=True)
    started = time.monotonic()
    subprocess.run(["virsh", "-q", "-c", LIBVIRT, "vol-upload", "--pool", pool, "bench-floor.qcow2", str(file)],
                   check=True, capture_output=True)
    seconds = time.monotonic() - started
    subprocess.run(["virsh", "-q", "-c", LIBVIRT, "vol-delete", "--pool", pool, "bench-floor.qcow2"], check=True,
                   capture_output=True)
    return seconds


def libvirt_section():
    rows = []
    pool = f"jcap-bench-{os.getpid()}"
    with private_home("jcap-bench-push-libvirt-") as (work, home):
        folder = Path("/var/tmp") / pool
        folder.mkdir(mode=0o755)
        subprocess.run(["virsh", "-q", "-c", LIBVIRT, "pool-create-as", pool, "dir", "--target", str(folder)],
                       check=True, capture_output=True)
        try:
            for image in IMAGES:
                jcap(home, "build", "examples/" + image)
                file = home / "images" / image / "image.qcow2"
                mb = file.stat().st_size / 1e6
                pushes = [libvirt_push(home, pool, image) for _ in range(RUNS)]
                floors = [virsh_upload(pool, file) for _ in range(RUNS)]
                up, floor = median([p[0] for p in pushes]), median(floors)
                rows.append(f"| {image} ({mb:.1f} MB) | {mb / up:.0f} MB/s ({up:.2f} s) | {mb / floor:.0f} MB/s"
                            f" ({floor:.2f} s) | {floor / up:.2f}x | {median([p[1] for p in pushes]):.2f} s |")
        finally:
            subprocess.run(["virsh", "-q", "-c", LIBVIRT, "pool-destroy", pool], capture_output=True)
            subprocess.run(["rm", "-rf", str(folder)])
    load = os.getloadavg()[0]
    return "\n".join([
        "## Push to libvirt",
        "",
        "`bash bench/push.sh [RUNS] [--write]` also pushes `examples/hello` and `examples/hello-java` RUNS times",
        "into a `dir` pool of this machine's libvirtd with `jcap push IMAGE libvirt`, and times its upload (the",
        "stream, from jcap's \"Uploaded\" line). Floor: `virsh vol-upload` of the same file into a volume made",
        "before, wall time of the command (its process start and connection included, which favours jcap).",
        "\"Whole push\" is `--json`'s `seconds`: also the connection through libvirt-java (about 0.2 s, most of",
        "it loading libvirt through JNA under the client compiler), the volume's creation and the file's digests.",
        "",
        f"Measured {datetime.date.today()}, {RUNS} runs each, medians (load average {load:.1f} at the end):",
        "",
        "| image | jcap push upload | floor: virsh vol-upload | ratio (jcap / floor MB/s) | whole push in jcap |",
        "| --- | --- | --- | --- | --- |",
        *rows,
    ]) + "\n"


def main():
    section = libvirt_section()
    print(section)
    if WRITE:
        write_section(ROOT / "docs" / "benchmarks-cloud.md", "Push to libvirt", section)
    if os.environ.get("JCAP_BENCH_LIBVIRT_ONLY"):
        return
    c = cloud()
    tok = token(c)
    rows = []
    with private_home("jcap-bench-push-") as (work, home):
        clouds = work / "clouds.yaml"
        clouds.write_text(f"clouds:\n  bench:\n    auth:\n      auth_url: {c['auth_url']}\n      username: {c['user']}\n"
                          f"      password: {c['password']}\n      project_name: {c['project']}\n"
                          f"      user_domain_name: {c['user_domain']}\n      project_domain_name: {c['project_domain']}\n"
                          f"    region_name: {c['region']}\n")
        for image in IMAGES:
            jcap(home, "build", "examples/" + image)
            file = home / "images" / image / "image.qcow2"
            size = file.stat().st_size
            pushes = [jcap_push(home, clouds, c, tok, image) for _ in range(RUNS)]
            floors = [curl_put(c, tok, file) for _ in range(RUNS)]
            mb = size / 1e6
            up, floor = median([p[2] for p in pushes]), median(floors)
            rows.append(f"| {image} ({mb:.1f} MB) | {mb / up:.0f} MB/s ({up:.2f} s) | {mb / floor:.0f} MB/s ({floor:.2f} s)"
                        f" | {floor / up:.2f}x | {median([p[1] for p in pushes]):.2f} s | {median([p[0] for p in pushes]):.2f} s |")
    load = os.getloadavg()[0]
    lines = [
        "## Push",
        "",
        "`bash bench/push.sh [RUNS] [--write]` pushes `examples/hello` and `examples/hello-java` from a private",
        "jcap home to the local Glance (`scripts/start-services.sh`: Keystone and Glance on 127.0.0.1, SQLite,",
        "file store) RUNS times (default 5) with `jcap push IMAGE openstack`, and times the upload (the",
        "`PUT /v2/images/ID/file`, from jcap's \"Uploaded\" line). Floor: `curl -T` of the same file to the",
        "same Glance URL with the same token, into a fresh image, timed by curl (`%{time_total}`).",
        "`--write` puts this section into this file.",
        "",
        f"Measured {datetime.date.today()}, {RUNS} runs each, medians, 2 cores shared with other work"
        f" (load average {load:.1f} at the end):",
        "",
        "| image | jcap push upload | floor: curl -T | ratio (jcap / floor MB/s) | whole push in jcap | whole `jcap push` |",
        "| --- | --- | --- | --- | --- | --- |",
        *rows,
        "",
        "\"Whole push in jcap\" is the `seconds` of `--json`: Keystone, the name check, the image's creation,",
        "the upload, the wait for `active` and the size and SHA-512 check; `jcap push` adds the JVM's start.",
        "jcap's upload is one `PUT` like curl's; what it adds is a JVM under the client compiler writing 1 MiB",
        "chunks, while `sha256sum` and `sha512sum` read the file beside it for the checks, on the same two cores",
        "as Glance's own hashing.",
    ]
    section = "\n".join(lines) + "\n"
    print(section)
    if WRITE:
        write_section(ROOT / "docs" / "benchmarks-cloud.md", "Push", section)


if __name__ == "__main__":
    main()
