"""Bounded HTTP(S) downloads for the importer: every request ends, whatever the server does.

Redirects are followed by hand (at most :attr:`Limits.max_hops`, loops named), each
request has a per-read timeout, and a watchdog shuts the socket down at the request's
total deadline, so a server trickling its headers or body one byte at a time cannot hold
an import.  Bodies stop at a size cap.  ``http.client`` is used directly (not requests)
because the watchdog needs the socket itself.
"""

from __future__ import annotations

import http.client
import os
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from .. import __version__

REDIRECTS = (301, 302, 303, 307, 308)
USER_AGENT = f"feedpub-import/{__version__}"
CHUNK = 64 * 1024


class FetchError(Exception):
    """A download failed; the message says why, with the URL."""


@dataclass(frozen=True)
class Limits:
    """How long and how much each kind of download may take."""

    timeout: float = 15.0  # seconds per connect and per read
    feed_deadline: float = 120.0  # seconds for one feed page, headers and body
    max_feed: int = 256 * 1024 * 1024  # bytes of one feed page
    companion_deadline: float = 30.0  # a transcript or chapters file
    max_companion: int = 16 * 1024 * 1024
    audio_deadline: float = 3600.0  # one audio file (--download-audio)
    max_audio: int = 4 * 1024 * 1024 * 1024
    max_hops: int = 5  # redirects per request
    max_pages: int = 100  # RFC 5005 pages followed
    max_items: int = 100_000


def is_url(text: str) -> bool:
    return text.lower().startswith(("http://", "https://"))


def _ssl_context() -> ssl.SSLContext:
    cafile = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("SSL_CERT_FILE")
    return ssl.create_default_context(cafile=cafile or None)


class _Watchdog:
    """Shuts a connection's socket down when its deadline passes (wakes a blocked read)."""

    def __init__(self, conn: http.client.HTTPConnection, seconds: float) -> None:
        self.fired = False
        self._conn = conn
        self._timer = threading.Timer(max(seconds, 0.0), self._fire)
        self._timer.daemon = True
        self._timer.start()

    def _fire(self) -> None:
        self.fired = True
        sock = self._conn.sock
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def cancel(self) -> None:
        self._timer.cancel()


@dataclass
class Response:
    """An open answer: ``chunks()`` yields the body within the size and time limits."""

    url: str  # after redirects
    status: int
    headers: dict[str, str]
    _conn: http.client.HTTPConnection
    _resp: http.client.HTTPResponse
    _dog: _Watchdog
    _deadline: float
    _max_bytes: int
    _what: str

    def chunks(self) -> Iterator[bytes]:
        total = 0
        try:
            while True:
                if time.monotonic() > self._deadline:
                    raise FetchError(f"{self._what} {self.url}: too slow (deadline passed "
                                     f"after {total:,} bytes)")
                try:
                    data = self._resp.read1(CHUNK)
                except (OSError, http.client.HTTPException) as exc:
                    if self._dog.fired:
                        raise FetchError(f"{self._what} {self.url}: too slow (deadline "
                                         f"passed after {total:,} bytes)") from None
                    raise FetchError(f"{self._what} {self.url}: connection broken: "
                                     f"{exc}") from None
                if not data:
                    if self._dog.fired:
                        raise FetchError(f"{self._what} {self.url}: too slow (deadline "
                                         f"passed after {total:,} bytes)")
                    return
                total += len(data)
                if total > self._max_bytes:
                    raise FetchError(f"{self._what} {self.url}: larger than the "
                                     f"{self._max_bytes:,}-byte limit; not read further")
                yield data
        finally:
            self.close()

    def read_all(self) -> bytes:
        return b"".join(self.chunks())

    def close(self) -> None:
        self._dog.cancel()
        self._conn.close()


def open_url(url: str, *, max_bytes: int, deadline: float, limits: Limits,
             what: str = "download", headers: dict[str, str] | None = None) -> Response:
    """GET ``url`` following redirects by hand; raise FetchError on anything but 2xx."""
    end = time.monotonic() + deadline
    chain: list[str] = []
    current = url
    for _ in range(limits.max_hops + 1):
        if current in chain:
            raise FetchError(f"{what} {url}: redirect loop: " + " -> ".join(chain + [current]))
        chain.append(current)
        parts = urlsplit(current)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FetchError(f"{what} {url}: cannot follow {current!r} (not an http(s) URL)")
        conn: http.client.HTTPConnection
        if parts.scheme == "https":
            conn = http.client.HTTPSConnection(parts.hostname, parts.port,
                                               timeout=limits.timeout, context=_ssl_context())
        else:
            conn = http.client.HTTPConnection(parts.hostname, parts.port,
                                              timeout=limits.timeout)
        dog = _Watchdog(conn, end - time.monotonic())
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        try:
            conn.request("GET", target, headers={"User-Agent": USER_AGENT,
                                                 "Accept-Encoding": "identity",
                                                 **(headers or {})})
            resp = conn.getresponse()
        except (OSError, http.client.HTTPException) as exc:
            dog.cancel()
            conn.close()
            if dog.fired:
                raise FetchError(f"{what} {url}: no answer within {deadline:g} s") from None
            raise FetchError(f"{what} {url}: cannot connect: {exc}") from None
        status = resp.status
        found = {k.lower(): v for k, v in resp.getheaders()}
        if status in REDIRECTS:
            dog.cancel()
            conn.close()
            location = found.get("location")
            if not location:
                raise FetchError(f"{what} {url}: redirect {status} without a Location")
            current = urljoin(current, location)
            continue
        if not 200 <= status < 300:
            dog.cancel()
            conn.close()
            raise FetchError(f"{what} {current}: HTTP {status} {resp.reason}".rstrip())
        return Response(current, status, found, conn, resp, dog, end, max_bytes, what)
    raise FetchError(f"{what} {url}: more than {limits.max_hops} redirects: "
                     + " -> ".join(chain))


def fetch_bytes(url: str, *, max_bytes: int, deadline: float, limits: Limits,
                what: str = "download") -> tuple[str, bytes]:
    """The final URL and the whole body (small files: transcripts, chapters)."""
    resp = open_url(url, max_bytes=max_bytes, deadline=deadline, limits=limits, what=what)
    return resp.url, resp.read_all()


def file_chunks(path: Path, max_bytes: int) -> Iterator[bytes]:
    """A local feed file in chunks, refused past ``max_bytes``."""
    total = 0
    try:
        with open(path, "rb") as fh:
            while data := fh.read(CHUNK):
                total += len(data)
                if total > max_bytes:
                    raise FetchError(f"{path}: larger than the {max_bytes:,}-byte limit")
                yield data
    except OSError as exc:
        raise FetchError(f"{path}: cannot read: {exc.strerror}") from None
