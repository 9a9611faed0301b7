"""A real threaded HTTP server on 127.0.0.1 that misbehaves on purpose.

Each path is a :class:`Resource` describing how the server answers: real byte
ranges or none or fake ones, gzip on media, redirects, delays, missing CORS.
Tests start it through the ``http_server`` fixture in their own module.
"""

from __future__ import annotations

import gzip
import io
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from PIL import Image


@dataclass
class Resource:
    body: bytes = b""
    content_type: str = "application/octet-stream"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    ranges: str = "real"  # "real", "ignore" (200 for ranged GET), "fake" (wrong total),
    #                      "whole" (206 with the right header but the whole body)
    gzip: bool = False
    delay: float = 0.0  # seconds before answering
    head_status: int | None = None  # e.g. 405: HEAD not allowed
    location: str | None = None  # redirect target (status 301/302/307/308)
    drip: float = 0.0  # seconds between the body's bytes (a server that trickles)
    drip_head: bool = False  # with drip: trickle the status line and headers too


class Server:
    """Routes plus the running server; ``url(path)`` gives an absolute URL."""

    def __init__(self) -> None:
        self.routes: dict[str, Resource] = {}
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        self.httpd: ThreadingHTTPServer | None = None

    @property
    def base(self) -> str:
        assert self.httpd is not None
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def add(self, path: str, resource: Resource) -> str:
        self.routes[path] = resource
        return self.url(path)

    def redirect(self, path: str, to: str, status: int = 302) -> str:
        return self.add(path, Resource(status=status, location=to))


def _handler(server: Server) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"

        def log_message(self, format: str, *args: object) -> None:  # quiet
            pass

        def do_HEAD(self) -> None:
            self._answer(head=True)

        def do_GET(self) -> None:
            self._answer(head=False)

        def _answer(self, head: bool) -> None:
            server.requests.append((self.command, self.path, dict(self.headers)))
            res = server.routes.get(self.path.split("?", 1)[0])
            try:
                if res is None:
                    self._send(404, {"Content-Type": "text/plain"}, b"not found", head)
                    return
                if res.delay:
                    time.sleep(res.delay)
                if res.location is not None:
                    self._send(res.status, {"Location": res.location}, b"", head)
                    return
                if head and res.head_status is not None:
                    self._send(res.head_status, {"Content-Type": "text/plain"}, b"", head)
                    return
                self._resource(res, head)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (timeouts, early close): expected

        def _resource(self, res: Resource, head: bool) -> None:
            body = gzip.compress(res.body) if res.gzip else res.body
            headers = {"Content-Type": res.content_type, "Accept-Ranges": "bytes",
                       "Last-Modified": "Sat, 01 Nov 2025 10:00:00 GMT", **res.headers}
            if res.gzip:
                headers["Content-Encoding"] = "gzip"
            wanted = self.headers.get("Range")
            if wanted and res.status == 200 and res.ranges != "ignore":
                start, end = (int(x) for x in wanted.split("=", 1)[1].split("-"))
                # "whole": a fake 206 that sends the whole file after the right header
                part = body if res.ranges == "whole" else body[start:end + 1]
                total = len(body) + (1000 if res.ranges == "fake" else 0)
                headers["Content-Range"] = f"bytes {start}-{end}/{total}"
                self._send(206, headers, part, head, res.drip)
                return
            if res.drip_head:
                self._trickle_all(res.status, headers, body, head, res.drip)
                return
            self._send(res.status, headers, body, head, res.drip)

        def _trickle_all(self, status: int, headers: dict[str, str], body: bytes, head: bool,
                         drip: float) -> None:
            """Status line, headers and body one byte at a time (headers never finish soon)."""
            lines = [f"HTTP/1.0 {status} OK"] + [f"{k}: {v}" for k, v in headers.items()]
            lines += [f"X-Padding-{n}: {'x' * 20}" for n in range(50)]
            lines += [f"Content-Length: {len(body)}", "", ""]
            data = "\r\n".join(lines).encode("latin-1") + (b"" if head else body)
            for i in range(len(data)):
                self.wfile.write(data[i:i + 1])
                self.wfile.flush()
                time.sleep(drip)

        def _send(self, status: int, headers: dict[str, str], body: bytes, head: bool,
                  drip: float = 0.0) -> None:
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if head:
                return
            if not drip:
                self.wfile.write(body)
                return
            for i in range(len(body)):
                self.wfile.write(body[i:i + 1])
                self.wfile.flush()
                time.sleep(drip)

    return Handler


@contextmanager
def running() -> Iterator[Server]:
    server = Server()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(server))
    httpd.daemon_threads = True
    server.httpd = httpd
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    try:
        yield server
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def image_bytes(size: tuple[int, int] = (1400, 1400), mode: str = "RGB",
                fmt: str = "JPEG") -> bytes:
    """A real image file made with Pillow (solid colour, so it stays small)."""
    color: object = {"RGB": (200, 30, 30), "CMYK": (0, 200, 200, 0), "RGBA": (200, 30, 30, 128),
                     "L": 128}[mode]
    img = Image.new(mode, size, color)  # type: ignore[arg-type]
    buf = io.BytesIO()
    img.save(buf, format=fmt)
    return buf.getvalue()
