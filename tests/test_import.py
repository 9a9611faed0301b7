"""feedpub import, end to end: feeds served by a real loopback HTTP server, imported, built,
and compared item by item with the original (parsed by feedparser, not by our reader)."""

from __future__ import annotations

import calendar
import json
import re
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import feedparser
import pytest

from audiofactory import make_mp3
from feedpub.build import build
from feedpub.importer import Options, import_show
from feedpub.transcripts import READERS

try:
    import feedpub.source.notes  # noqa: F401
    HTML_NOTES = True
except ImportError:
    HTML_NOTES = False

DATA = Path(__file__).parent / "data" / "import"
HOSTS = ["ausha", "acast", "spotify", "libsyn", "buzzsprout", "castopod", "podlove", "messy"]
Route = Callable[[BaseHTTPRequestHandler], None]


class Server:
    """Files of tests/data/import (with {BASE} filled in) plus hostile routes, on 127.0.0.1."""

    def __init__(self, tmp: Path) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[str] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                outer.requests.append(self.path)
                route = outer.routes.get(self.path.split("?")[0])
                if route is None:
                    self.send_error(404)
                    return
                try:
                    route(self)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        for path in DATA.rglob("*"):
            if path.is_file():
                data = path.read_bytes().replace(b"{BASE}", self.base.encode())
                self.file(f"/{path.relative_to(DATA).as_posix()}", data)
        audio = make_mp3(tmp / "cafe-3.mp3", 5.0)
        self.file("/audio/cafe-3.mp3", audio.read_bytes(), "audio/mpeg")
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def file(self, path: str, data: bytes, mime: str = "application/octet-stream") -> None:
        def send(h: BaseHTTPRequestHandler) -> None:
            h.send_response(200)
            h.send_header("Content-Type", mime)
            h.send_header("Content-Length", str(len(data)))
            h.end_headers()
            h.wfile.write(data)
        self.routes[path] = send

    def url(self, path: str) -> str:
        return self.base + path

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture()
def server(tmp_path: Path) -> Iterator[Server]:
    s = Server(tmp_path)
    yield s
    s.stop()


def seconds(text: str | None) -> float | None:
    if not text:
        return None
    parts = [float(p) for p in text.split(":")]
    total = 0.0
    for p in parts:
        total = total * 60 + p
    return total


def explicit(value: str | bool | None) -> bool | None:
    if value is None or value == "" or isinstance(value, bool):
        return value or None if value is not False else False
    return value.lower() in ("yes", "true", "explicit")


MIME = {"audio/mp3": "audio/mpeg", "x-audio/mp3": "audio/mpeg"}


def items_of(data: bytes) -> dict[str, Any]:
    parsed = feedparser.parse(data)
    return {e.id: e for e in parsed.entries}


def transcript_cues(data: bytes, ext: str) -> list[tuple[str, float | None]]:
    segments = READERS[ext](data.decode("utf-8-sig"), Path("t" + ext))
    return [(s.text, s.start) for s in segments]


def raw_explicit(entry: Any) -> str | None:
    return next((u for k, u, _ in entry["_links_for_test"] if k == "explicit"), None)


def persons(entry: Any) -> list[dict[str, str]]:
    found = entry.get("podcast_person")
    return [found] if isinstance(found, dict) else list(found or [])


def compare_companions(old: Any, new: Any, outputs: dict[str, Any], server: Server) -> None:
    """Every readable transcript and the chapters come through with the same content."""
    raw_old = server_feed_links(old)
    raw_new = server_feed_links(new)
    for kind, url, mime in raw_old:
        if kind == "transcript" and mime in ("text/vtt", "application/x-subrip",
                                             "application/json"):
            ext = {"text/vtt": ".vtt", "application/x-subrip": ".srt",
                   "application/json": ".json"}[mime]
            original = fetch(server, url)
            match = [u for k, u, m in raw_new if k == "transcript" and m == mime]
            assert match, (url, raw_new)
            assert transcript_cues(outputs[match[0]].read(), ext) == transcript_cues(original, ext)
        if kind == "psc":  # inline Podlove chapters come out as chapters.json
            match = [u for k, u, m in raw_new if k == "chapters"]
            published = json.loads(outputs[match[0]].read())
            start = seconds(url)
            assert any(abs(c["startTime"] - start) < 0.001 and c.get("title") == mime
                       for c in published["chapters"]), (url, mime)
        if kind == "chapters":
            original = json.loads(fetch(server, url))
            match = [u for k, u, m in raw_new if k == "chapters"]
            published = json.loads(outputs[match[0]].read())
            assert [(c["startTime"], c.get("title")) for c in published["chapters"]] == \
                [(c["startTime"], c.get("title")) for c in original["chapters"]]


def server_feed_links(entry: Any) -> list[tuple[str, str, str]]:
    return list(entry.get("_links_for_test", []))


def fetch(server: Server, url: str) -> bytes:
    import urllib.request
    with urllib.request.urlopen(url, timeout=10) as resp:
        data: bytes = resp.read()
    return data


def companion_links(data: bytes) -> dict[str, list[tuple[str, str, str]]]:
    """guid -> [(transcript|chapters, url, type)], read with lxml (feedparser drops most)."""
    from lxml import etree

    root = etree.fromstring(data.lstrip(), etree.XMLParser(  # messy feeds too
        resolve_entities=False, no_network=True, recover=True))
    pc = "{https://podcastindex.org/namespace/1.0}"
    links: dict[str, list[tuple[str, str, str]]] = {}
    for item in root.iter("item"):
        guid = (item.findtext("guid") or "").strip()
        found = [("transcript", t.get("url"), (t.get("type") or "").lower())
                 for t in item.iter(f"{pc}transcript")]
        found += [("chapters", c.get("url"), c.get("type") or "")
                  for c in item.iter(f"{pc}chapters")]
        found += [("psc", c.get("start"), c.get("title") or "")
                  for c in item.iter("{http://podlove.org/simple-chapters}chapter")]
        found.append(("explicit", (item.findtext(
            "{http://www.itunes.com/dtds/podcast-1.0.dtd}explicit") or "").strip(), ""))
        links[guid] = found
    return links


def served(server: Server, name: str) -> bytes:
    return (DATA / name).read_bytes().replace(b"{BASE}", server.base.encode())


@pytest.mark.parametrize("host", HOSTS)
def test_round_trip(host: str, server: Server, tmp_path: Path,
                    monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "show"
    report = import_show(server.url(f"/{host}.xml"), root, Options(i_own_this_feed=True))
    assert report.created
    if list(root.glob("episodes/*/description.html")) and not HTML_NOTES:
        pytest.skip("this build does not read description.html yet (issue 7, sources)")
    original = served(server, f"{host}.xml")
    if host == "podlove":  # the paged feed: both pages together are the original
        page2 = served(server, "podlove-page2.xml")
        original = original.replace(b"</channel>", b"".join(
            re.findall(rb"<item>.*?</item>", page2, re.S)) + b"</channel>")
    result = build(root)
    old_links = companion_links(original)
    new_links = companion_links(result.feed)
    before = items_of(original)
    for guid, entry in before.items():
        entry["_links_for_test"] = old_links.get(guid, [])
    built = items_of(result.feed)
    for guid, entry in built.items():
        entry["_links_for_test"] = new_links.get(guid, [])
    check_items(before, built, result, server)


def check_items(before: dict[str, Any], built: dict[str, Any], result: Any,
                server: Server) -> None:
    assert built and set(built) <= set(before)
    outputs = {o.url: o for o in result.outputs}
    for guid, new in built.items():
        old = before[guid]
        old_permalink = bool(old.get("guidislink")) and old.id.startswith("http")
        assert bool(new.get("guidislink")) == old_permalink, guid
        assert new.title == re.sub(r"<[^>]+>", "", old.title).strip()
        # feedparser reads zone names it does not know (CEST) as UTC; we read them right
        fix = -7200 if old.get("published", "").endswith("CEST") else 0
        assert calendar.timegm(new.published_parsed) == \
            calendar.timegm(old.published_parsed) + fix, guid
        (new_enc,) = new.enclosures
        (old_enc,) = old.enclosures
        assert new_enc.href == old_enc.href or old_enc.href.startswith("audio/")
        if old_enc.get("length"):
            assert int(new_enc.length) == int(old_enc.length)
        if old_enc.get("type"):
            assert new_enc.type == MIME.get(old_enc.type, old_enc.type)
        if old.get("itunes_duration"):
            assert abs(seconds(new.itunes_duration) - seconds(old.itunes_duration)) <= 0.5
        for key in ("itunes_season", "itunes_episode"):
            assert new.get(key) == old.get(key), key
        assert new.get("itunes_episodetype", "full") == old.get("itunes_episodetype", "full")
        # feedpub writes itunes:explicit on every item: one the old feed left out is the
        # show's value (what Apple reads it as), written out
        old_explicit = explicit(raw_explicit(old))
        assert explicit(raw_explicit(new)) == (
            result.show.explicit if old_explicit is None else old_explicit), guid
        old_people = [(p.get("name"), p.get("role", "host")) for p in persons(old)]
        assert [(p.get("name"), p.get("role", "host")) for p in persons(new)] == old_people
        compare_companions(old, new, outputs, server)


def test_all_hosts_import_every_item_with_an_enclosure(server: Server, tmp_path: Path) -> None:
    for host in HOSTS:
        root = tmp_path / host
        report = import_show(server.url(f"/{host}.xml"), root, Options(i_own_this_feed=True))
        assert not report.skipped, (host, report.skipped)
        assert (root / "podcast.toml").is_file()
