"""HTTP plumbing for the online checks: hop-by-hop redirects, bounded downloads.

Redirects are followed by hand (never by requests) so each hop can be checked:
plain http, a shut-down analytics prefix, a loop, too many hops.  Every
request has a timeout, and downloads stop at a size cap and a deadline, so a
slow or huge server cannot hang a CI job.
"""

from __future__ import annotations

import socket
import threading
import time
import weakref
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

import requests
import urllib3
import urllib3.connection
from requests.adapters import HTTPAdapter

from .. import __version__
from .data import DEAD_REDIRECTORS
from .findings import Collector
from .values import safe_hostname

REDIRECTS = (301, 302, 303, 307, 308)


@dataclass(frozen=True)
class NetOptions:
    """Knobs for the online checks (``--timeout``, ``--max-size``)."""

    timeout: float = 10.0  # seconds, per connect and per read
    workers: int = 8  # parallel requests
    max_hops: int = 5  # redirects followed before giving up
    max_download: int = 20 * 1024 * 1024  # artwork, transcripts, chapters
    max_feed: int = 512 * 1024 * 1024  # a fetched feed
    user_agent: str = f"feedpub-validate/{__version__} (+https://pypi.org/project/feedpub/)"


@dataclass
class Where:
    """Where a finding about a URL should point: the feed line that names it."""

    out: Collector
    url: str
    line: int | None = None
    what: str = "URL"

    def error(self, rule: str, message: str, hint: str | None = None) -> None:
        self.out.error(rule, f"{self.what} {self.url}: {message}", hint=hint, line=self.line,
                       url=self.url)

    def warn(self, rule: str, message: str, hint: str | None = None) -> None:
        self.out.warn(rule, f"{self.what} {self.url}: {message}", hint=hint, line=self.line,
                      url=self.url)

    def info(self, rule: str, message: str, hint: str | None = None) -> None:
        self.out.info(rule, f"{self.what} {self.url}: {message}", hint=hint, line=self.line,
                      url=self.url)


@dataclass
class Hops:
    """The answer at the end of a redirect chain, plus the chain itself."""

    response: requests.Response
    chain: list[str] = field(default_factory=list)

    @property
    def final_url(self) -> str:
        return self.chain[-1]


_local = threading.local()


def _thread_sockets() -> weakref.WeakSet[socket.socket]:
    """Sockets the current thread's session opened (its pooled connections)."""
    socks: weakref.WeakSet[socket.socket] | None = getattr(_local, "sockets", None)
    if socks is None:
        socks = _local.sockets = weakref.WeakSet()
    return socks


class _TrackedHTTPConnection(urllib3.connection.HTTPConnection):
    def connect(self) -> None:
        super().connect()
        _thread_sockets().add(self.sock)


class _TrackedHTTPSConnection(urllib3.connection.HTTPSConnection):
    def connect(self) -> None:
        super().connect()
        _thread_sockets().add(self.sock)


class _TrackedHTTPPool(urllib3.HTTPConnectionPool):
    ConnectionCls = _TrackedHTTPConnection


class _TrackedHTTPSPool(urllib3.HTTPSConnectionPool):
    ConnectionCls = _TrackedHTTPSConnection


# error messages name the pool and connection class: keep urllib3's familiar names
for _cls, _name in ((_TrackedHTTPConnection, "HTTPConnection"),
                    (_TrackedHTTPSConnection, "HTTPSConnection"),
                    (_TrackedHTTPPool, "HTTPConnectionPool"),
                    (_TrackedHTTPSPool, "HTTPSConnectionPool")):
    _cls.__name__ = _cls.__qualname__ = _name


class _TrackingAdapter(HTTPAdapter):
    """An adapter whose connections register their sockets, so a watchdog can cut them."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _TrackedHTTPPool,
                                                   "https": _TrackedHTTPSPool}


class _Watchdog:
    """Shuts the thread's sockets down if a request is still waiting at its deadline.

    Per-read timeouts do not bound a server that answers one header byte at a time;
    shutting the socket down wakes the blocked read, and the request fails at once.
    """

    def __init__(self, seconds: float) -> None:
        self.fired = False
        self._lock = threading.Lock()
        self._active = True
        self._sockets = _thread_sockets()
        self._timer = threading.Timer(seconds, self._fire)
        self._timer.daemon = True

    def __enter__(self) -> _Watchdog:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        with self._lock:
            self._active = False
        self._timer.cancel()

    def _fire(self) -> None:
        with self._lock:
            if not self._active:
                return
            self.fired = True
            for sock in list(self._sockets):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass  # already closed


def session() -> requests.Session:
    """One session per worker thread (requests sessions are not thread-safe)."""
    s: requests.Session | None = getattr(_local, "session", None)
    if s is None:
        s = _local.session = requests.Session()
        adapter = _TrackingAdapter()
        s.mount("http://", adapter)
        s.mount("https://", adapter)
    return s


def dead_redirector(url: str) -> str | None:
    host = safe_hostname(url)
    for dead in DEAD_REDIRECTORS:
        if host == dead or host.endswith("." + dead):
            return dead
    return None


def follow(method: str, where: Where, opts: NetOptions,
           headers: dict[str, str] | None = None, report_http: bool = True) -> Hops | None:
    """Send ``method`` and follow redirects by hand, checking every hop.

    Returns the final (non-redirect) response with its body unread, or None
    after reporting why there is none.
    """
    hdrs = {"User-Agent": opts.user_agent, **(headers or {})}
    chain: list[str] = []
    current = where.url
    warned_http = False
    for _ in range(opts.max_hops + 1):
        dead = dead_redirector(current)
        if dead is not None:
            where.error("dead-redirector", f"goes through {dead}, which has shut down; every "
                        f"request to {current} fails",
                        "remove the analytics prefix from your host's settings and rebuild")
            return None
        if current in chain:
            where.error("http-redirect", "redirect loop: " + " -> ".join(chain + [current]))
            return None
        if report_http and current.startswith("http:") and not warned_http:
            where.warn("https", f"{'redirects to ' if chain else ''}plain http ({current})",
                       "serve every hop over https; apps block mixed content")
            warned_http = True
        chain.append(current)
        watchdog = _Watchdog(2 * opts.timeout)  # connect + answer, however slow the drip
        try:
            with watchdog:
                resp = session().request(method, current, headers=hdrs,
                                         allow_redirects=False, stream=True,
                                         timeout=(opts.timeout, opts.timeout))
        except requests.Timeout:
            where.error("http-unreachable", f"no answer within {opts.timeout:g} s ({method} "
                        f"{current})", "a slow host makes apps give up; check the server")
            return None
        except (requests.RequestException, ValueError) as err:  # ValueError: unusable URL
            if watchdog.fired:
                where.error("http-unreachable", f"no complete answer within "
                            f"{2 * opts.timeout:g} s ({method} {current})",
                            "a slow host makes apps give up; check the server")
            else:
                where.error("http-unreachable", f"{method} {current} failed: {why(err)}",
                            _UNREACHABLE_HINTS.get(type(_cause(err) or err)))
            return None
        if resp.status_code in REDIRECTS:
            location = resp.headers.get("Location")
            resp.close()
            if not location:
                where.error("http-redirect", f"{resp.status_code} redirect without a Location "
                            f"header at {current}")
                return None
            try:
                current = urljoin(current, location)
            except ValueError:  # "https://[::1" and other unparsable Locations
                where.error("http-redirect", f"{resp.status_code} redirect to an invalid URL "
                            f"{location!r} at {current}")
                return None
            continue
        return Hops(resp, chain)
    where.error("http-redirect", f"more than {opts.max_hops} redirects: "
                + " -> ".join(chain + [current]),
                "apps stop following after a few hops; link to the final URL or shorten "
                "the prefix chain")
    return None


def _cause(err: Exception) -> BaseException | None:
    """What urllib3 says went wrong under requests' wrapper (MaxRetryError's reason)."""
    inner = err.args[0] if err.args else None
    reason = getattr(inner, "reason", None)
    return reason if isinstance(reason, BaseException) else None


def why(err: Exception) -> str:
    """Why a request failed, in words: "the host name does not resolve", not a pool's
    repr; anything else (TLS, protocol errors) as requests says it, shortened."""
    cause = _cause(err)
    if isinstance(cause, urllib3.exceptions.NameResolutionError):
        host = getattr(getattr(cause, "conn", None), "host", None)
        return f"the host name {host or ''} does not resolve (no DNS record)".replace("  ", " ")
    if isinstance(cause, urllib3.exceptions.NewConnectionError):
        text = str(cause)
        if "refused" in text.lower():
            return "connection refused (nothing listens on that port)"
        return _short(Exception(text.rsplit(": ", 1)[-1]))
    if isinstance(err, requests.exceptions.SSLError):
        return f"TLS failed: {_short(cause or err)}"
    return _short(err)


#: the fix for each kind of failure :func:`why` names
_UNREACHABLE_HINTS: dict[type[BaseException], str] = {
    urllib3.exceptions.NameResolutionError: "check the host name in the URL (a typo, or a "
    "domain that expired)",
    urllib3.exceptions.NewConnectionError: "check that the server is up and the URL's port",
}


def _short(err: BaseException) -> str:
    text = str(err)
    return text if len(text) < 160 else text[:157] + "..."


#: what read_body reports when the deadline passes (callers report it as a timeout)
TOO_SLOW = "download too slow (not finished within the time limit)"


def _socket_of(resp: requests.Response) -> socket.socket | None:
    """The connection's socket, to bound each read by the time left (None if hidden)."""
    conn = getattr(resp.raw, "connection", None)
    sock = getattr(conn, "sock", None)
    return sock if isinstance(sock, socket.socket) else None


def read_body(resp: requests.Response, limit: int, deadline: float,
              decode: bool = True) -> tuple[bytes, str | None]:
    """Read at most ``limit`` bytes before ``deadline``; (body, problem or None).

    The deadline holds however the server sends: each read takes what has arrived
    (``read1``, not "wait for a full chunk") and the socket's timeout is cut to the
    time left, so a server dripping one byte at a time cannot stretch the download.
    """
    chunks: list[bytes] = []
    size = 0
    sock = _socket_of(resp)
    per_read = sock.gettimeout() if sock is not None else None
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return b"".join(chunks), TOO_SLOW
            if sock is not None:
                sock.settimeout(left if per_read is None else min(left, per_read))
            chunk = resp.raw.read1(min(65536, limit + 1 - size), decode_content=decode)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                return b"".join(chunks), f"larger than {limit:,} bytes"
    except Exception as err:  # requests, urllib3 and socket errors all end the download
        if time.monotonic() >= deadline:
            return b"".join(chunks), TOO_SLOW
        return b"".join(chunks), f"download failed: {_short(err)}"
    finally:
        resp.close()
    return b"".join(chunks), None


def base_type(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


@dataclass
class Fetched:
    """A fetched document (feed or --against feed)."""

    url: str
    data: bytes | None
    content_type: str
    final_url: str = ""
    status: int = 0


def fetch(url: str, out: Collector, opts: NetOptions, what: str = "feed",
          limit: int | None = None) -> Fetched:
    """GET a document with checked redirects; problems go to ``out``."""
    where = Where(out, url, None, what)
    hops = follow("GET", where, opts, {"Accept": "application/rss+xml, application/xml;q=0.9, "
                                                 "text/xml;q=0.8, */*;q=0.1"})
    if hops is None:
        return Fetched(url, None, "")
    resp = hops.response
    ctype = resp.headers.get("Content-Type", "")
    if resp.status_code >= 400:
        where.error("http-status", f"answered {resp.status_code} {resp.reason}")
        resp.close()
        return Fetched(url, None, ctype, hops.final_url, resp.status_code)
    deadline = time.monotonic() + max(opts.timeout * 10, 30.0)
    body, problem = read_body(resp, limit or opts.max_feed, deadline)
    if problem:
        where.error("xml-too-large" if "larger" in problem else "http-unreachable", problem)
        return Fetched(url, None, ctype, hops.final_url, resp.status_code)
    return Fetched(url, body, ctype, hops.final_url, resp.status_code)
