"""A private Azurite Blob service for the benchmarks: started on a free 127.0.0.1 port, with a
container made through the Blob REST API (Shared Key), stopped at the end."""
import base64
import datetime
import hashlib
import hmac
import socket
import subprocess
import time
import urllib.request
from contextlib import contextmanager

ACCOUNT = "devstoreaccount1"
KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(endpoint, method, path, query=None, headers=None):
    """A Blob REST call signed with the account's Shared Key; returns (status, headers, body)."""
    query = query or {}
    headers = dict(headers or {})
    headers["x-ms-date"] = datetime.datetime.now(datetime.timezone.utc).strftime("%a, %d %b %Y %H:%M:%S GMT")
    headers["x-ms-version"] = "2021-08-06"
    length = headers.get("Content-Length", "")
    if method == "PUT":
        headers["Content-Type"] = "application/octet-stream"  # urllib would add a form type of its own
    canonical_headers = "".join(f"{k.lower()}:{v}\n" for k, v in sorted(headers.items()) if k.lower().startswith("x-ms-"))
    canonical_resource = f"/{ACCOUNT}/{ACCOUNT}{path}" + "".join(f"\n{k}:{v}" for k, v in sorted(query.items()))
    to_sign = "\n".join([method, "", "", "" if length in ("", "0") else length, "", headers.get("Content-Type", ""),
                         "", "", "", "", "", ""])
    to_sign += "\n" + canonical_headers + canonical_resource
    signature = base64.b64encode(hmac.new(base64.b64decode(KEY), to_sign.encode(), hashlib.sha256).digest()).decode()
    headers["Authorization"] = f"SharedKey {ACCOUNT}:{signature}"
    url = endpoint + path + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")
    req = urllib.request.Request(url, method=method, headers=headers, data=b"" if method == "PUT" else None)
    try:
        with urllib.request.urlopen(req) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


@contextmanager
def azurite(folder, container):
    """Runs azurite-blob with its data in folder and an empty container; yields (endpoint, connection string)."""
    port = _free_port()
    log = open(folder / "azurite.log", "w")
    proc = subprocess.Popen(["azurite-blob", "--blobHost", "127.0.0.1", "--blobPort", str(port), "--location",
                             str(folder / "azurite"), "--loose", "--skipApiVersionCheck", "--disableTelemetry", "--silent"],
                            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    endpoint = f"http://127.0.0.1:{port}/{ACCOUNT}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), 1).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"azurite-blob did not start: {(folder / 'azurite.log').read_text()}")
                time.sleep(0.1)
        status, _, body = request(endpoint, "PUT", "/" + container, {"restype": "container"}, {"Content-Length": "0"})
        if status != 201:
            raise SystemExit(f"cannot create container {container} in Azurite: HTTP {status} {body[:300]!r}")
        yield endpoint, (f"DefaultEndpointsProtocol=http;AccountName={ACCOUNT};AccountKey={KEY};"
                         f"BlobEndpoint={endpoint};")
    finally:
        proc.terminate()
        proc.wait(10)
        log.close()
