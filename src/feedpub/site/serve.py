"""``feedpub serve``: the built show on 127.0.0.1, as a host would serve it.

The server answers GET and HEAD with byte ranges (206, and 416 for a range past the
end), the headers of :mod:`feedpub.site.hostconfig` (types, CORS, cache classes) and
ETags.  It serves either the output folder as written by ``feedpub build`` (the
pages then point at the real media host), or, in *preview* mode, a build held in
memory whose URLs all point at the local server — feed, pages, transcripts and the
audio itself — so that a browser or a podcast app on the same machine can play it.
With watching on, a change to a file of the show rebuilds; a failed rebuild keeps
the last good build online and reports the problems.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from ..errors import FeedpubError, UsageError
from ..layout import Layout
from ..model import BuiltEpisode, CacheClass, Output, Show
from ..spec import FEED_MIME
from . import hostconfig

HOST = "127.0.0.1"  # never any other address: a preview is private
RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
CHUNK = 256 * 1024
Report = Callable[[str], None]


@dataclass(frozen=True)
class Entry:
    """One file the server can answer with."""

    size: int
    headers: dict[str, str]
    etag: str
    data: bytes | None = None
    source: Path | None = None

    def read(self, start: int, end: int) -> bytes:
        """Bytes ``start`` to ``end`` included."""
        if self.data is not None:
            return self.data[start:end + 1]
        assert self.source is not None
        with self.source.open("rb") as f:
            f.seek(start)
            return f.read(end - start + 1)


Table = dict[str, Entry]  # by URL path ("/show/feed.xml")


def entry_of(out: Output, layout: Layout, cache: CacheClass | None = None) -> Entry:
    headers = hostconfig.headers_for(out.path, layout, cache or out.cache)
    if out.kind == "media":
        headers["Content-Type"] = out.mime
    return Entry(out.size, headers, f'"{out.sha256[:32]}"', out.content, out.source)


def folder_table(folder: Path, layout: Layout) -> Table:
    """Every file of a written output folder (feedpub's manifest left out)."""
    table: Table = {}
    base = layout.site_path
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if not path.is_file() or rel.startswith(".feedpub-"):
            continue
        stat = path.stat()
        etag = hashlib.sha256(f"{rel}:{stat.st_size}:{stat.st_mtime_ns}".encode()).hexdigest()
        table[base + rel] = Entry(stat.st_size, hostconfig.headers_for(rel, layout),
                                  f'"{etag[:32]}"', source=path)
    return table


def preview_urls(show: Show, base_url: str) -> tuple[Show, Callable[[str], str]]:
    """The show with its feed, site and media URLs moved onto ``base_url`` (the local
    server), keeping the site's sub-path and the media folder's place; and the function
    that moves any other URL of the show the same way."""
    real = show.layout
    site = urljoin(base_url, real.site_path)
    media = site + (real.media_in_site() or "media/")

    def moved(url: str) -> str:
        if url.startswith(real.site_url):
            return site + url[len(real.site_url):]
        if url.startswith(real.media_base_url):
            return media + url[len(real.media_base_url):]
        return url

    preview = replace(show, feed_url=site + real.feed(), media_base_url=media,
                      artwork=moved(show.artwork))
    return preview, moved


def preview_table(root: Path, base_url: str) -> tuple[Table, Layout]:
    """Build the show in memory and render its feed and site again for the local server."""
    from ..build import build
    from ..feed import render_feed
    from . import build_site

    result = build(root, site=False)
    show, moved = preview_urls(result.show, base_url)
    layout = show.layout
    built: list[BuiltEpisode] = []
    for b in result.episodes:
        ep = b.episode
        image = moved(ep.image) if ep.image else None
        built.append(replace(
            b, measured=replace(b.measured, episode=replace(ep, image=image)),
            enclosure_url=moved(b.enclosure_url),
            companions=tuple(replace(o, url=layout.url(o.path)) for o in b.companions)))
    artwork = next((o for o in result.outputs if o.kind == "artwork"), None)
    artwork_url = layout.url(artwork.path) if artwork else show.artwork
    feed = render_feed(show, built, artwork_url)
    outputs = [o for o in result.outputs if o.kind != "feed"]
    outputs += build_site(root, show, built, artwork_url)
    outputs.append(Output.of_bytes("feed", layout.feed(), show.feed_url, FEED_MIME, feed,
                                   "feed"))
    site_path = layout.site_path
    media_path = urlsplit(layout.media_base_url).path
    table: Table = {}
    for out in outputs:
        where = site_path if out.root == "site" else media_path
        table[where + out.path] = entry_of(out, layout)
    return table, layout


class Handler(BaseHTTPRequestHandler):
    server: SiteServer
    protocol_version = "HTTP/1.1"
    server_version = "feedpub"
    sys_version = ""

    def log_message(self, format: str, *args: object) -> None:
        pass  # quiet: the CLI reports rebuilds, not every request

    def find(self) -> tuple[str, Entry | None]:
        path = unquote(urlsplit(self.path).path)
        table = self.server.table
        if path.endswith("/"):
            return path, table.get(path + "index.html")
        return path, table.get(path)

    def do_OPTIONS(self) -> None:
        self.send_response(HTTPStatus.NO_CONTENT)
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS")
        self.send_header("Access-Control-Allow-Headers", "Range, If-None-Match")
        self.send_header("Access-Control-Max-Age", "86400")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_HEAD(self) -> None:
        self.answer(body=False)

    def do_GET(self) -> None:
        self.answer(body=True)

    def answer(self, body: bool) -> None:
        path, entry = self.find()
        if entry is None:
            if path + "/index.html" in self.server.table:
                self.send_response(HTTPStatus.MOVED_PERMANENTLY)
                self.send_header("Location", path + "/")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.plain(HTTPStatus.NOT_FOUND, "not found\n", body)
            return
        if self.headers.get("If-None-Match") == entry.etag:
            self.send_response(HTTPStatus.NOT_MODIFIED)
            self.send_header("ETag", entry.etag)
            self.end_headers()
            return
        start, end = 0, entry.size - 1
        status = HTTPStatus.OK
        wanted = self.headers.get("Range")
        if wanted is not None:
            span = byte_range(wanted, entry.size)
            if span is None:
                self.send_response(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
                self.send_header("Content-Range", f"bytes */{entry.size}")
                self.send_header("Content-Length", "0")
                for name, value in entry.headers.items():
                    if name.startswith("Access-Control"):
                        self.send_header(name, value)
                self.end_headers()
                return
            if span != (-1, -1):
                start, end = span
                status = HTTPStatus.PARTIAL_CONTENT
        self.send_response(status)
        for name, value in entry.headers.items():
            self.send_header(name, value)
        if "Accept-Ranges" not in entry.headers:
            self.send_header("Accept-Ranges", "bytes")
        self.send_header("ETag", entry.etag)
        if status == HTTPStatus.PARTIAL_CONTENT:
            self.send_header("Content-Range", f"bytes {start}-{end}/{entry.size}")
        length = max(0, end - start + 1)
        self.send_header("Content-Length", str(length))
        self.end_headers()
        if not body or length == 0:
            return
        try:
            at = start
            while at <= end:
                stop = min(end, at + CHUNK - 1)
                self.wfile.write(entry.read(at, stop))
                at = stop + 1
        except (BrokenPipeError, ConnectionResetError):
            pass  # a player that seeks drops the connection it no longer needs

    def plain(self, status: HTTPStatus, text: str, body: bool) -> None:
        data = text.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if body:
            self.wfile.write(data)


def byte_range(header: str, size: int) -> tuple[int, int] | None:
    """The inclusive span a ``Range`` header asks for; ``(-1, -1)`` to send it all
    (several ranges, or a header we do not understand, which RFC 9110 lets a server
    ignore); None when it cannot be satisfied (416)."""
    match = RANGE.match(header.strip())
    if not match:
        return (-1, -1)
    first, last = match.groups()
    if not first and not last:
        return (-1, -1)
    if not first:  # the last N bytes
        count = int(last)
        if count == 0 or size == 0:
            return None
        return max(0, size - count), size - 1
    start = int(first)
    if start >= size:
        return None
    end = min(int(last), size - 1) if last else size - 1
    if end < start:
        return (-1, -1)
    return start, end


class SiteServer(ThreadingHTTPServer):
    """A local server over a table of files that a rebuild swaps at once."""

    daemon_threads = True

    def __init__(self, port: int = 0) -> None:
        super().__init__((HOST, port), Handler)
        self.table: Table = {}

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.server_address[1]}/"


class Preview:
    """``feedpub serve``: build, serve, and rebuild when the show changes.

    ``preview=False`` writes the build to ``output`` and serves that folder;
    ``preview=True`` serves a build in memory whose URLs point at this server.
    """

    def __init__(self, root: Path, output: Path, *, preview: bool = False, port: int = 0,
                 report: Report = lambda _: None) -> None:
        self.root = root
        self.output = output
        self.preview = preview
        self.report = report
        self.stop_event = threading.Event()
        self.watching = threading.Event()
        try:
            self.server = SiteServer(port)
        except OSError as err:
            raise UsageError(f"cannot listen on {HOST}:{port}: {err.strerror}") from None
        self.thread: threading.Thread | None = None
        self.watcher: threading.Thread | None = None
        self.builds = 0
        self.layout = Layout("http://127.0.0.1/feed.xml", "http://127.0.0.1/media/")

    @property
    def url(self) -> str:
        """The site's address on the local server (with the show's sub-path)."""
        return urljoin(self.server.base_url, self.layout.site_path)

    @property
    def feed_url(self) -> str:
        return self.url + self.layout.feed()

    def rebuild(self) -> None:
        """Build and swap in the new files; raises FeedpubError (the old build stays)."""
        if self.preview:
            table, layout = preview_table(self.root, self.server.base_url)
        else:
            from ..build import build, write_outputs

            result = build(self.root)
            write_outputs(result, self.output)
            layout = Layout(result.show.feed_url, result.show.media_base_url)
            table = folder_table(self.output, layout)
        self.server.table = table
        self.layout = layout
        self.builds += 1

    def start(self, watch: bool = True) -> str:
        try:
            self.rebuild()
        except BaseException:
            self.server.server_close()
            raise
        self.thread = threading.Thread(target=self.server.serve_forever,
                                       name="feedpub-serve", daemon=True)
        self.thread.start()
        if watch:
            self.watcher = threading.Thread(target=self.watch, name="feedpub-watch",
                                            daemon=True)
            self.watcher.start()
            self.watching.wait(timeout=10)
        return self.url

    def watch(self) -> None:
        from watchfiles import watch

        output = self.output.resolve()

        root = self.root.resolve()

        def relevant(_: object, path: str) -> bool:
            p = Path(path).resolve()
            if p.is_relative_to(output) or not p.is_relative_to(root):
                return False
            parts = p.relative_to(root).parts
            return not any(part.startswith(".") or part in {"__pycache__", "node_modules"}
                           for part in parts) and not p.name.endswith("~")

        # Yielding on timeout (an empty set) tells that the watcher is in place.
        for changes in watch(self.root, watch_filter=relevant, stop_event=self.stop_event,
                             debounce=300, step=100, rust_timeout=200,
                             yield_on_timeout=True):
            self.watching.set()
            if not changes:
                continue
            names = sorted({Path(p).name for _, p in changes})
            try:
                self.rebuild()
            except FeedpubError as err:
                self.report("rebuild failed, still serving the last good build:\n"
                            + "\n".join(f"  {p}" for p in err.problems))
            else:
                self.report(f"rebuilt after a change to {', '.join(names)}")

    def stop(self) -> None:
        self.stop_event.set()
        if self.thread is not None:
            self.server.shutdown()
        self.server.server_close()
        if self.watcher is not None:
            self.watcher.join(timeout=5)
