"""Hostile and repeated imports: nothing escapes the target folder, every wait ends,
refusals are clear, and a rerun never overwrites local edits without --force."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from click.testing import CliRunner

from feedpub.cli import cli
from feedpub.importer import Options, import_show
from feedpub.importer.fetch import Limits
from feedpub.importer.read_feed import ImportFailed
from feedpub.importer.write_show import slug_of
from test_import import (
    Server,
    server,  # noqa: F401  (pytest fixture)
)

HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
        'xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" '
        'xmlns:podcast="https://podcastindex.org/namespace/1.0" '
        'xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>Show</title>'
        '<link>https://show.example</link><language>en</language>'
        '<description>A show.</description><itunes:author>Me</itunes:author>'
        '<itunes:owner><itunes:name>Me</itunes:name><itunes:email>me@show.example'
        '</itunes:email></itunes:owner><itunes:image href="https://show.example/c.jpg"/>'
        '<itunes:category text="Technology"/><itunes:explicit>false</itunes:explicit>'
        '<atom:link rel="self" href="https://show.example/feed.xml"/>')


def item(n: int, title: str | None = None, guid: str | None = None, extra: str = "") -> str:
    return (f"<item><title>{title or f'Episode {n}'}</title>"
            f"<guid isPermaLink=\"false\">{guid or f'guid-{n}'}</guid>"
            f"<pubDate>Tue, 13 May 2025 07:{n % 60:02d}:00 +0000</pubDate>"
            f"<enclosure url=\"https://media.show.example/{n}.mp3\" length=\"{1000 + n}\" "
            f"type=\"audio/mpeg\"/><itunes:duration>{60 + n}</itunes:duration>"
            f"<description><![CDATA[<p>Notes {n}</p>]]></description>{extra}</item>")


def feed(*items: str, channel: str = "") -> bytes:
    return (HEAD + channel + "".join(items) + "</channel></rss>").encode("utf-8")


def files_under(path: Path) -> set[Path]:
    return set(path.rglob("*"))


def test_path_traversal_in_titles_guids_and_urls(server: Server, tmp_path: Path) -> None:
    server.file("/t/ok.vtt", b"WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nHi\n")
    server.file("/evil.xml", feed(
        item(1, title="../../etc/passwd", guid="../../../outside"),
        item(2, title="..\\..\\windows\\system32", extra=
             f'<podcast:transcript url="{server.base}/t/../../../x/ok.vtt" type="text/vtt"/>'),
        item(3, title="/absolute/path", guid="/etc/shadow", extra=
             f'<podcast:transcript url="{server.base}/t/ok.vtt/../../.." type="text/vtt" '
             'language="../../fr"/>'),
    ))
    outside = tmp_path / "outside-marker"
    outside.mkdir()
    before = files_under(tmp_path)
    root = tmp_path / "show"
    report = import_show(server.url("/evil.xml"), root)
    assert sorted(report.created) == ["absolute-path", "etc-passwd", "windows-system32"]
    new = files_under(tmp_path) - before
    assert all(root in p.parents or p == root for p in new), new
    for folder in (root / "episodes").iterdir():
        assert all(f.parent == folder for f in folder.rglob("*"))
        assert {f.name for f in folder.iterdir()} <= {
            "episode.toml", "description.md", "description.html", "chapters.json",
            "transcript.en.vtt"}
    assert any("transcript language '../../fr' is not a language code" in str(n)
               for n in report.notes)


def test_entity_bomb_over_http_writes_nothing(server: Server, tmp_path: Path) -> None:
    lol = "".join(f'<!ENTITY l{i} "&l{i - 1};&l{i - 1};&l{i - 1};&l{i - 1};">'
                  for i in range(1, 15))
    server.file("/bomb.xml", (f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY l0 "lol">{lol}]>'
                              '<rss version="2.0"><channel><title>&l14;</title></channel>'
                              '</rss>').encode())
    root = tmp_path / "show"
    with pytest.raises(ImportFailed, match="DOCTYPE declares entities"):
        import_show(server.url("/bomb.xml"), root)
    assert not (root / "podcast.toml").exists()


def test_a_gigabyte_body_is_cut_off(server: Server, tmp_path: Path) -> None:
    sent = [0]

    def huge(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "application/rss+xml")
        h.send_header("Content-Length", str(1 << 30))
        h.end_headers()
        h.wfile.write(HEAD.encode())
        chunk = b"<!-- " + b"x" * (1 << 20) + b" -->"
        while sent[0] < 1 << 30:
            h.wfile.write(chunk)
            sent[0] += len(chunk)

    server.routes["/huge.xml"] = huge
    limits = Limits(max_feed=8 * 1024 * 1024)
    start = time.monotonic()
    with pytest.raises(ImportFailed, match="larger than the 8,388,608-byte limit"):
        import_show(server.url("/huge.xml"), tmp_path / "show", Options(limits=limits))
    assert time.monotonic() - start < 20
    assert sent[0] < 200 * 1024 * 1024  # the client stopped reading long before 1 GB
    assert not (tmp_path / "show" / "podcast.toml").exists()


def test_a_trickling_server_is_given_up_on_time(server: Server, tmp_path: Path) -> None:
    stop = threading.Event()

    def trickle_body(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "application/rss+xml")
        h.end_headers()
        for byte in HEAD.encode() * 100:
            if stop.is_set():
                return
            h.wfile.write(bytes([byte]))
            h.wfile.flush()
            time.sleep(0.05)

    def trickle_headers(h: BaseHTTPRequestHandler) -> None:
        h.wfile.write(b"HTTP/1.1 200 OK\r\n")
        for _ in range(1000):
            if stop.is_set():
                return
            h.wfile.write(b"X-Slow: 1\r\n")
            h.wfile.flush()
            time.sleep(0.05)

    server.routes["/trickle.xml"] = trickle_body
    server.routes["/trickle-headers.xml"] = trickle_headers
    limits = Limits(timeout=1.0, feed_deadline=1.5)
    try:
        for path in ("/trickle.xml", "/trickle-headers.xml"):
            start = time.monotonic()
            with pytest.raises(ImportFailed, match="too slow|no answer within"):
                import_show(server.url(path), tmp_path / "show", Options(limits=limits))
            assert time.monotonic() - start < 5, path
    finally:
        stop.set()


def test_404_transcript_is_a_warning_naming_the_item(server: Server, tmp_path: Path) -> None:
    server.file("/f.xml", feed(item(1, title="Has a broken link", extra=
        f'<podcast:transcript url="{server.base}/missing.vtt" type="text/vtt"/>')))
    report = import_show(server.url("/f.xml"), tmp_path / "show")
    assert report.created == ["has-a-broken-link"]
    assert any(str(n).startswith("item 1 'Has a broken link': transcript ")
               and "HTTP 404" in str(n) for n in report.notes)


def test_redirect_loop_is_a_clear_error(server: Server, tmp_path: Path) -> None:
    def redirect(to: str):  # type: ignore[no-untyped-def]
        def send(h: BaseHTTPRequestHandler) -> None:
            h.send_response(301)
            h.send_header("Location", to)
            h.end_headers()
        return send

    server.routes["/a.xml"] = redirect("/b.xml")
    server.routes["/b.xml"] = redirect(server.url("/a.xml"))
    with pytest.raises(ImportFailed, match=r"redirect loop: .*/a\.xml -> .*/b\.xml -> .*/a\.xml"):
        import_show(server.url("/a.xml"), tmp_path / "show")


def test_locked_feed_needs_the_owner_flag(server: Server, tmp_path: Path) -> None:
    server.file("/locked.xml", feed(item(1), channel=(
        '<podcast:locked owner="me@show.example">yes</podcast:locked>')))
    with pytest.raises(ImportFailed, match="locked") as err:
        import_show(server.url("/locked.xml"), tmp_path / "show")
    assert "--i-own-this-feed" in str(err.value)
    assert not (tmp_path / "show" / "podcast.toml").exists()
    report = import_show(server.url("/locked.xml"), tmp_path / "show",
                         Options(i_own_this_feed=True))
    assert report.created == ["episode-1"]


def test_rerun_adds_new_episodes_only_and_keeps_local_edits(server: Server,
                                                             tmp_path: Path) -> None:
    root = tmp_path / "show"
    server.file("/f.xml", feed(item(1), item(2)))
    first = import_show(server.url("/f.xml"), root)
    assert sorted(first.created) == ["episode-1", "episode-2"]
    again = import_show(server.url("/f.xml"), root)
    assert again.created == [] and again.unchanged == 2 and again.kept == []
    notes = root / "episodes" / "episode-1" / "description.md"
    notes.write_text("My own notes.\n", encoding="utf-8")
    server.file("/f.xml", feed(item(1), item(2), item(3, title="Episode 1")))
    third = import_show(server.url("/f.xml"), root)
    assert third.created == ["episode-1-2"]  # a new title clash gets its own folder
    assert third.kept == ["episodes/episode-1/description.md"]
    toml = root / "episodes" / "episode-2" / "episode.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("Episode 2", "Mine"),
                    encoding="utf-8")
    (root / "episodes" / "episode-2" / "description.md").unlink()
    report = import_show(server.url("/f.xml"), root, Options(dry_run=True))
    assert sorted(report.kept) == ["episodes/episode-1/description.md",
                                   "episodes/episode-2/description.md (missing)",
                                   "episodes/episode-2/episode.toml (keys: title)"]
    assert not (root / "episodes" / "episode-2" / "description.md").exists()
    assert notes.read_text(encoding="utf-8") == "My own notes.\n"
    forced = import_show(server.url("/f.xml"), root, Options(force=True))
    assert sorted(forced.overwritten) == ["episodes/episode-1/description.md",
                                          "episodes/episode-2/description.md (missing)",
                                          "episodes/episode-2/episode.toml (keys: title)"]
    assert notes.read_text(encoding="utf-8") == "Notes 1\n"


def test_slugs_fold_accents_avoid_reserved_names_and_case_collisions(server: Server,
                                                                      tmp_path: Path) -> None:
    assert slug_of("Ça déménage : l'été à Köln") == "ca-demenage-l-ete-a-koln"
    assert slug_of("Straße & Œuvre") == "strasse-oeuvre"
    assert slug_of("CON") == "con-episode" and slug_of("lpt1") == "lpt1-episode"
    assert slug_of("???") == "episode"
    server.file("/f.xml", feed(item(1, "AUX"), item(2, "Aux"), item(3, "aux")))
    report = import_show(server.url("/f.xml"), tmp_path / "show")
    assert sorted(report.created) == ["aux-episode", "aux-episode-2", "aux-episode-3"]


def test_two_thousand_items_import_in_seconds(server: Server, tmp_path: Path) -> None:
    server.file("/big.xml", feed(*(item(n) for n in range(2000))))
    start = time.monotonic()
    report = import_show(server.url("/big.xml"), tmp_path / "show")
    assert len(report.created) == 2000
    assert time.monotonic() - start < 60
    assert len(list((tmp_path / "show" / "episodes").iterdir())) == 2000


def test_cli_import_reports_and_exits(server: Server, tmp_path: Path) -> None:
    server.file("/locked.xml", feed(item(1), channel="<podcast:locked>yes</podcast:locked>"))
    runner = CliRunner()
    refused = runner.invoke(cli, ["import", server.url("/locked.xml"), str(tmp_path / "a")])
    assert refused.exit_code == 1
    assert "podcast:locked yes" in refused.output and "--i-own-this-feed" in refused.output
    done = runner.invoke(cli, ["import", server.url("/locked.xml"), str(tmp_path / "a"),
                               "--i-own-this-feed"])
    assert done.exit_code == 0, done.output
    assert "1 episode was added" in done.output
    dry = runner.invoke(cli, ["import", server.url("/locked.xml"), str(tmp_path / "b"),
                              "--i-own-this-feed", "--dry-run"])
    assert dry.exit_code == 0 and "1 episode would be added" in dry.output
    assert not (tmp_path / "b" / "podcast.toml").exists()


def ranged(data: bytes, seen: list[str]):  # type: ignore[no-untyped-def]
    """A media route that answers Range requests with a real 206, as hosts do."""
    def send(h: BaseHTTPRequestHandler) -> None:
        wanted = h.headers.get("Range")
        seen.append(wanted or "")
        start = int(wanted.split("=")[1].split("-")[0]) if wanted else 0
        body = data[start:]
        h.send_response(206 if wanted else 200)
        if wanted:
            h.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        h.send_header("Content-Type", "audio/mpeg")
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)
    return send


def test_download_audio_measures_resumes_and_checks_the_size(server: Server,
                                                              tmp_path: Path) -> None:
    from audiofactory import make_mp3
    from feedpub.build import build

    audio = make_mp3(tmp_path / "src.mp3", 4.0).read_bytes()
    seen: list[str] = []
    server.routes["/media/one.mp3"] = ranged(audio, seen)
    server.routes["/media/two.mp3"] = ranged(audio, seen)
    ep = (lambda n, length: item(n, extra="").replace(
        f"https://media.show.example/{n}.mp3", server.url(f"/media/{'one' if n == 1 else 'two'}.mp3"))
        .replace(f'length="{1000 + n}"', f'length="{length}"')
        .replace(f"<itunes:duration>{60 + n}<", "<itunes:duration>4<"))
    server.file("/f.xml", feed(ep(1, len(audio)), ep(2, 123)))
    root = tmp_path / "show"
    folder = root / "episodes" / "episode-1"
    folder.mkdir(parents=True)
    (folder / "episode-1.mp3.part").write_bytes(audio[: len(audio) // 2])  # an earlier try
    report = import_show(server.url("/f.xml"), root, Options(download_audio=True))
    assert (folder / "episode-1.mp3").read_bytes() == audio
    assert not (folder / "episode-1.mp3.part").exists()
    assert f"bytes={len(audio) // 2}-" in seen  # resumed where the earlier try stopped
    assert any("episode 2" in str(n).lower() and f"{len(audio):,} bytes; the feed declared 123"
               in str(n) for n in report.notes)
    assert 'audio = "episode-1.mp3"' in (folder / "episode.toml").read_text(encoding="utf-8")
    lock = (root / "feedpub.lock").read_text(encoding="utf-8")
    assert '"declared"' not in lock and f'"size": {len(audio)}' in lock
    result = build(root)
    assert b"https://media.show.example/episode-1.mp3" in result.feed or \
        b"/episode-1.mp3" in result.feed


def test_new_feed_url_is_kept_as_a_comment_and_warned(server: Server, tmp_path: Path) -> None:
    server.file("/moved.xml", feed(item(1), channel=(
        "<itunes:new-feed-url>https://elsewhere.example/feed.xml</itunes:new-feed-url>")))
    report = import_show(server.url("/moved.xml"), tmp_path / "show")
    text = (tmp_path / "show" / "podcast.toml").read_text(encoding="utf-8")
    assert "# the old feed declares itunes:new-feed-url https://elsewhere.example/feed.xml" in text
    assert any("moved to https://elsewhere.example/feed.xml" in str(n) for n in report.notes)
