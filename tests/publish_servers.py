"""Real servers on 127.0.0.1 for the publish tests, each started and stopped by a fixture.

- :func:`sshd`: Debian's OpenSSH server with throwaway host and user keys; its SFTP
  subsystem logs every open and rename, which gives the server's own order of requests.
- :func:`s3_server`: moto's standalone S3 server behind :class:`RecordingProxy`, which
  forwards each request and records its method and path in arrival order.
- :class:`WebHost`: HTTPS (a trustme CA) serving what a target holds, as a web server in
  front of a folder or a CDN in front of a bucket: real byte ranges, CORS, the stored
  Content-Type; it can misbehave per path, and records notification pings.
- :class:`Trap`: an HTTP proxy that only records; tests point HTTPS_PROXY at it, so a
  request meant for anywhere but 127.0.0.1 is caught.
"""

from __future__ import annotations

import http.client
import os
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

SSHD = shutil.which("sshd") or "/usr/sbin/sshd"
TYPES = {".mp3": "audio/mpeg", ".xml": "application/rss+xml", ".html": "text/html",
         ".txt": "text/plain", ".vtt": "text/vtt", ".srt": "application/x-subrip",
         ".json": "application/json", ".jpg": "image/jpeg", ".png": "image/png"}

Answer = tuple[bytes, dict[str, str]]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def wait_for_port(port: int, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.02)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port}")


def _serve(httpd: ThreadingHTTPServer) -> threading.Thread:
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    return thread


# -- SFTP ------------------------------------------------------------------------------


@dataclass
class SSHServer:
    port: int
    home: Path  # HOME for feedpub: .ssh/known_hosts and .ssh/id_ed25519
    log: Path

    def url(self, path: Path) -> str:
        return f"sftp://root@127.0.0.1:{self.port}{path}"

    def requests(self) -> list[tuple[str, str]]:
        """(operation, path) as the SFTP server logged them: open for writing, rename."""
        found = []
        if not self.log.exists():
            return []
        for line in self.log.read_text(errors="replace").splitlines():
            if "open \"" in line and "WRITE" in line:
                found.append(("open", line.split('"')[1]))
            elif "rename old \"" in line:  # posix-rename old "a" new "b"
                found.append(("rename", line.split('"')[3]))
        return found


@contextmanager
def sshd(tmp: Path) -> Iterator[SSHServer]:
    tmp.mkdir(parents=True, exist_ok=True)
    home = tmp / "home"
    (home / ".ssh").mkdir(parents=True)
    host_key, user_key = tmp / "host_ed25519", home / ".ssh" / "id_ed25519"
    for key in (host_key, user_key):
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)],
                       check=True)
    (tmp / "authorized_keys").write_text(Path(f"{user_key}.pub").read_text())
    port = free_port()
    host_pub = Path(f"{host_key}.pub").read_text().split()
    (home / ".ssh" / "known_hosts").write_text(f"[127.0.0.1]:{port} {host_pub[0]} {host_pub[1]}\n")
    cfg = tmp / "sshd_config"
    cfg.write_text("\n".join([
        f"Port {port}", "ListenAddress 127.0.0.1", f"HostKey {host_key}",
        f"PidFile {tmp / 'sshd.pid'}", f"AuthorizedKeysFile {tmp / 'authorized_keys'}",
        "StrictModes no", "PasswordAuthentication no", "KbdInteractiveAuthentication no",
        "PermitRootLogin prohibit-password", "UsePAM no", "LogLevel INFO",
        # OpenSSH's sftp-server logs each open and rename; -e sends it to stderr, kept
        f"Subsystem sftp /usr/lib/openssh/sftp-server -e -l INFO 2>>{tmp / 'sftp.log'}",
        ""]))
    os.makedirs("/run/sshd", mode=0o755, exist_ok=True)
    subprocess.run([SSHD, "-t", "-f", str(cfg)], check=True)
    log = tmp / "sshd.log"
    with open(log, "wb") as fh:
        proc = subprocess.Popen([SSHD, "-D", "-e", "-f", str(cfg)], stdout=fh, stderr=fh)
    try:
        wait_for_port(port)
        yield SSHServer(port, home, tmp / "sftp.log")
    finally:
        proc.terminate()
        proc.wait(10)


# -- S3 --------------------------------------------------------------------------------


class RecordingProxy:
    """Forwards every request to ``upstream`` and records (method, path) in order."""

    def __init__(self, upstream_port: int) -> None:
        self.requests: list[tuple[str, str]] = []
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def _forward(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                proxy.requests.append((self.command, urlsplit(self.path).path))
                conn = http.client.HTTPConnection("127.0.0.1", upstream_port, timeout=30)
                headers = {k: v for k, v in self.headers.items()
                           if k.lower() not in ("connection", "keep-alive")}
                conn.request(self.command, self.path, body=body, headers=headers)
                resp = conn.getresponse()
                data = resp.read()
                self.send_response(resp.status, resp.reason)
                for k, v in resp.getheaders():
                    if k.lower() not in ("connection", "transfer-encoding", "content-length",
                                         "keep-alive", "server", "date"):
                        self.send_header(k, v)
                length_header = resp.getheader("Content-Length")
                self.send_header("Content-Length", length_header if self.command == "HEAD"
                                 and length_header else str(len(data)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)
                conn.close()

            do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _forward

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        _serve(self.httpd)

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@dataclass
class S3Server:
    endpoint: str  # through the recording proxy: what feedpub uses
    direct: str  # moto itself: what the web host reads through
    proxy: RecordingProxy

    def client(self, direct: bool = True) -> Any:
        import boto3

        return boto3.client("s3", endpoint_url=self.direct if direct else self.endpoint,
                            region_name="us-east-1")


@contextmanager
def s3_server() -> Iterator[S3Server]:
    import logging

    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    proxy = RecordingProxy(port)
    try:
        yield S3Server(f"http://127.0.0.1:{proxy.port}", f"http://{host}:{port}", proxy)
    finally:
        proxy.close()
        server.stop()


# -- the public web host -------------------------------------------------------------


def folder_backend(root: Path) -> Callable[[str], Answer | None]:
    """/site/x and /media/x from ``root``/site and ``root``/media, typed by extension."""
    def read(path: str) -> Answer | None:
        file = root / path.lstrip("/")
        if not file.is_file() or not file.resolve().is_relative_to(root.resolve()):
            return None
        return file.read_bytes(), {"Content-Type": TYPES.get(file.suffix, "application/"
                                                                          "octet-stream")}
    return read


def bucket_backend(client: Any, bucket: str) -> Callable[[str], Answer | None]:
    """/site/x and /media/x from the objects site/x and media/x, with their stored headers."""
    def read(path: str) -> Answer | None:
        try:
            obj = client.get_object(Bucket=bucket, Key=path.lstrip("/"))
        except client.exceptions.NoSuchKey:
            return None
        headers = {"Content-Type": obj.get("ContentType") or "application/octet-stream"}
        if obj.get("CacheControl"):
            headers["Cache-Control"] = obj["CacheControl"]
        if obj.get("ContentEncoding"):
            headers["Content-Encoding"] = obj["ContentEncoding"]
        return obj["Body"].read(), headers
    return read


@dataclass
class Ping:
    method: str
    path: str
    query: dict[str, list[str]]
    form: dict[str, list[str]]
    headers: dict[str, str]


@dataclass
class WebHost:
    """HTTPS on 127.0.0.1: the show's public URLs (start with :func:`web_host`)."""

    backend: Callable[[str], Answer | None]
    base: str = ""
    no_range: set[str] = field(default_factory=set)  # paths answering 200 to a Range
    failing: set[str] = field(default_factory=set)  # notification paths answering 500
    pings: list[Ping] = field(default_factory=list)
    gets: list[str] = field(default_factory=list)
    log: list[str] = field(default_factory=list)  # GETs and pings, in order

    def url(self, path: str) -> str:
        return self.base + path


NOTIFY_PATHS = ("/pubnotify", "/hub", "/podping")


def _web_handler(host: WebHost) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"

        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            self._answer(head=False)

        def do_HEAD(self) -> None:
            self._answer(head=True)

        def do_POST(self) -> None:
            self._answer(head=False)

        def _send(self, status: int, headers: dict[str, str], body: bytes, head: bool) -> None:
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if not head:
                self.wfile.write(body)

        def _answer(self, head: bool) -> None:
            parts = urlsplit(self.path)
            if parts.path in NOTIFY_PATHS:
                length = int(self.headers.get("Content-Length") or 0)
                form = parse_qs(self.rfile.read(length).decode()) if length else {}
                host.log.append(f"ping {parts.path}")
                host.pings.append(Ping(self.command, parts.path, parse_qs(parts.query), form,
                                       dict(self.headers)))
                status = 500 if parts.path in host.failing else 200
                self._send(status, {"Content-Type": "text/plain"}, b"ok", head)
                return
            host.gets.append(parts.path)
            host.log.append(f"{self.command} {parts.path}")
            found = host.backend(parts.path)
            if found is None:
                self._send(404, {"Content-Type": "text/plain"}, b"not found", head)
                return
            body, headers = found
            headers = {**headers, "Access-Control-Allow-Origin": "*", "Accept-Ranges": "bytes",
                       "Last-Modified": "Sat, 01 Nov 2025 10:00:00 GMT"}
            wanted = self.headers.get("Range")
            if wanted and parts.path not in host.no_range:
                start_text, _, end_text = wanted.split("=", 1)[1].partition("-")
                start = int(start_text)
                end = min(int(end_text) if end_text else len(body) - 1, len(body) - 1)
                headers["Content-Range"] = f"bytes {start}-{end}/{len(body)}"
                self._send(206, headers, body[start:end + 1], head)
                return
            self._send(200, headers, body, head)

    return Handler


@contextmanager
def web_host(backend: Callable[[str], Answer | None], ca: Any) -> Iterator[WebHost]:
    host = WebHost(backend)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _web_handler(host))
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ca.issue_cert("127.0.0.1").configure_cert(ctx)
    httpd.socket = ctx.wrap_socket(httpd.socket, server_side=True)
    host.base = f"https://127.0.0.1:{httpd.server_address[1]}"
    _serve(httpd)
    try:
        yield host
    finally:
        httpd.shutdown()
        httpd.server_close()


# -- the proxy trap ------------------------------------------------------------------


class Trap:
    """Set as HTTPS_PROXY/HTTP_PROXY: records whatever tries to leave the machine."""

    def __init__(self) -> None:
        self.hits: list[str] = []
        trap = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                pass

            def _refuse(self) -> None:
                trap.hits.append(f"{self.command} {self.path}")
                self.send_response(502)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_GET = do_POST = do_PUT = do_HEAD = do_DELETE = do_CONNECT = _refuse

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        _serve(self.httpd)

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
