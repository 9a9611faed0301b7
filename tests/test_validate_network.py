"""Online checks against a real HTTP server on 127.0.0.1 that misbehaves on purpose."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator

import pytest
from PIL import Image

from feedpub.validate.netchecks import Target, check_targets
from feedpub.validate.network import NetOptions
from feedpub.validate.runner import RunOptions, run
from validate_feeds import NOW, make_feed, make_item
from validate_httpserver import Resource, Server, image_bytes, running

OPTS = NetOptions(timeout=0.3, workers=4)
AUDIO = os.urandom(4096)
VTT = b"WEBVTT\n\n00:00:00.000 --> 00:00:02.000\n<v Ada>Hello\n"
CHAPTERS = b'{"version": "1.2.0", "chapters": [{"startTime": 0}, {"startTime": 60}]}'
CORS = {"Access-Control-Allow-Origin": "*"}
#: chapters files the build would refuse, each for one reason
CHAPTER_FILES = {
    "backwards": b'{"version": "1.2.0", "chapters": [\n{"startTime": 0},\n{"startTime": 90},'
                 b'\n{"startTime": 60}]}',
    "same-start": b'{"version": "1.2.0", "chapters": [\n{"startTime": 0},\n'
                  b'{"startTime": 30},\n{"startTime": 30}]}',
    "nan": b'{"version": "1.2.0", "chapters": [\n{"startTime": 0},\n{"startTime": NaN}]}',
    "string-start": b'{"version": "1.2.0", "chapters": [{"startTime": "0:30"}]}',
    "latin1": '{"version": "1.2.0", "chapters": [{"startTime": 0, "title": "Caf\u00e9"}]}'
              .encode("latin-1"),
    "end-before-start": b'{"version": "1.2.0", "chapters": [\n{"startTime": 10, '
                        b'"endTime": 5}]}',
}


@pytest.fixture(scope="module")
def http_server() -> Iterator[Server]:
    with running() as server:
        add = server.add
        add("/media/good.mp3", Resource(AUDIO, "audio/mpeg"))
        add("/media/norange.mp3", Resource(AUDIO, "audio/mpeg", ranges="ignore"))
        add("/media/fake.mp3", Resource(AUDIO, "audio/mpeg", ranges="fake"))
        add("/media/gzip.mp3", Resource(AUDIO, "audio/mpeg", gzip=True))
        add("/media/octet.mp3", Resource(AUDIO, "application/octet-stream"))
        add("/media/m4a-as-mpeg.m4a", Resource(AUDIO, "audio/mpeg"))
        add("/media/nohead.mp3", Resource(AUDIO, "audio/mpeg", head_status=405))
        add("/media/slow.mp3", Resource(AUDIO, "audio/mpeg", delay=1.0))
        server.redirect("/loop/a", server.url("/loop/b"))
        server.redirect("/loop/b", server.url("/loop/a"))
        # analytics prefix chain: OP3 -> podtrac-like -> file
        server.redirect("/op3/e/pt/media/good.mp3", server.url("/pt/media/good.mp3"))
        server.redirect("/pt/media/good.mp3", server.url("/media/good.mp3"), status=301)
        for n in range(8):
            server.redirect(f"/hop/{n}", server.url(f"/hop/{n + 1}"))
        server.redirect("/to-chartable", "https://chrt.fm/track/ABC123/media/good.mp3")
        add("/tr/ok.vtt", Resource(VTT, "text/vtt", headers=CORS))
        add("/tr/nocors.vtt", Resource(VTT, "text/vtt"))
        add("/tr/plain.vtt", Resource(VTT, "text/plain", headers=CORS))
        add("/tr/broken.vtt", Resource(b"hello world", "text/vtt", headers=CORS))
        add("/tr/badtime.vtt", Resource(b"WEBVTT\n\n00:00:01.000 --> soon\nHello\n",
                                        "text/vtt", headers=CORS))
        add("/tr/long.vtt", Resource(b"WEBVTT\n\n00:09:58.000 --> 00:10:00.000\nBye\n",
                                     "text/vtt", headers=CORS))
        add("/tr/ok.srt", Resource(b"1\n00:00:00,000 --> 00:00:02,000\nAda: Hello\n",
                                   "application/x-subrip", headers=CORS))
        add("/tr/ok.json", Resource(b'{"version": "1.0.0", "segments": [{"speaker": "Ada", '
                                    b'"startTime": 0, "endTime": 2, "body": "Hello"}]}',
                                    "application/json", headers=CORS))
        add("/tr/bad.json", Resource(b'{"version": "1.0.0"}', "application/json", headers=CORS))
        add("/ch/ok.json", Resource(CHAPTERS, "application/json+chapters", headers=CORS))
        add("/ch/bad.json", Resource(b'{"chapters": 3}', "application/json", headers=CORS))
        for name, doc in CHAPTER_FILES.items():
            add(f"/ch/{name}.json", Resource(doc, "application/json+chapters", headers=CORS))
        add("/ch/" + "x" * 300 + ".json", Resource(CHAPTERS, "application/json+chapters",
                                                   headers=CORS))
        add("/tr/latin1.vtt", Resource("WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nCaf\u00e9\n"
                                       .encode("latin-1"), "text/vtt", headers=CORS))
        add("/tr/latin1.srt", Resource("1\n00:00:00,000 --> 00:00:02,000\nCaf\u00e9\n"
                                       .encode("cp1252"), "application/x-subrip",
                                       headers=CORS))
        add("/tr/bom.vtt", Resource(b"\xef\xbb\xbf" + VTT, "text/vtt", headers=CORS))
        add("/art/good.jpg", Resource(image_bytes(), "image/jpeg"))
        add("/art/good.png", Resource(image_bytes(fmt="PNG"), "image/png"))
        add("/art/cmyk.jpg", Resource(image_bytes(mode="CMYK"), "image/jpeg"))
        add("/art/tall.jpg", Resource(image_bytes((1400, 1600)), "image/jpeg"))
        add("/art/small.jpg", Resource(image_bytes((1000, 1000)), "image/jpeg"))
        add("/art/huge.jpg", Resource(image_bytes((3200, 3200)), "image/jpeg"))
        add("/art/alpha.png", Resource(image_bytes(mode="RGBA", fmt="PNG"), "image/png"))
        add("/art/webp.png", Resource(image_bytes(fmt="WEBP"), "image/png"))
        add("/art/png-as.jpg", Resource(image_bytes(fmt="PNG"), "image/jpeg"))
        add("/art/noise.png", Resource(os.urandom(600_000), "image/png"))
        add("/art/heavy.jpg", Resource(noisy_jpeg(), "image/jpeg"))
        yield server


def noisy_jpeg() -> bytes:
    """A valid 1400x1400 RGB JPEG that is too heavy (random pixels do not compress)."""
    img = Image.frombytes("RGB", (1400, 1400), os.urandom(1400 * 1400 * 3))
    buf = io.BytesIO()
    img.save(buf, format="JPEG", quality=90)
    assert len(buf.getvalue()) > 512 * 1024
    return buf.getvalue()


def rules(findings: list, severity: str | None = None) -> set[str]:
    """Rule ids found, ignoring the plain-http warning every loopback URL earns."""
    return {f.rule for f in findings if f.rule != "https"
            and (severity is None or f.severity == severity)}


def media(server: Server, path: str, length: int = len(AUDIO),
          mime: str = "audio/mpeg") -> list:
    return check_targets([Target("media", server.url(path), 7, mime, length)], OPTS, "feed.xml")


def test_good_media_is_clean_apart_from_plain_http(http_server: Server) -> None:
    found = media(http_server, "/media/good.mp3")
    assert rules(found) == set()
    assert {f.rule for f in found} == {"https"}
    assert found[0].severity == "warning" and found[0].line == 7


def test_wrong_declared_length(http_server: Server) -> None:
    found = media(http_server, "/media/good.mp3", length=len(AUDIO) + 5)
    assert rules(found) == {"enclosure-length"}
    assert "4,096 bytes" in found[-1].message and found[-1].line == 7


def test_404(http_server: Server) -> None:
    found = media(http_server, "/media/missing.mp3")
    assert rules(found, "error") == {"http-status"}
    assert "404" in found[-1].message


def test_no_range_support(http_server: Server) -> None:
    found = media(http_server, "/media/norange.mp3")
    assert rules(found) == {"http-range"}
    assert "answered 200" in [f for f in found if f.rule == "http-range"][0].message


def test_fake_206_with_wrong_total(http_server: Server) -> None:
    found = media(http_server, "/media/fake.mp3")
    assert rules(found) == {"http-range"}
    assert "fake" in [f for f in found if f.rule == "http-range"][0].message


def test_gzip_encoded_media(http_server: Server) -> None:
    found = media(http_server, "/media/gzip.mp3")
    assert "content-encoding" in rules(found, "error")


def test_octet_stream_media(http_server: Server) -> None:
    assert rules(media(http_server, "/media/octet.mp3"), "error") == {"content-type"}


def test_media_type_differs_from_feed(http_server: Server) -> None:
    found = media(http_server, "/media/m4a-as-mpeg.m4a", mime="audio/x-m4a")
    assert rules(found) == {"content-type"}
    assert all(f.severity == "warning" for f in found)


def test_head_not_allowed(http_server: Server) -> None:
    assert rules(media(http_server, "/media/nohead.mp3")) == {"http-head"}


def test_slow_server_times_out(http_server: Server) -> None:
    found = media(http_server, "/media/slow.mp3")
    assert rules(found) == {"http-unreachable"}
    assert "0.3 s" in found[-1].message


def test_a_refused_connection_is_said_in_words() -> None:
    import socket

    with socket.socket() as sock:  # a port that was free a moment ago: nothing listens
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/ep.mp3"
    found = check_targets([Target("media", url, 7, "audio/mpeg", 10)], OPTS, "feed.xml")
    (f,) = [f for f in found if f.rule == "http-unreachable"]
    assert f.message == (f"enclosure {url}: HEAD {url} failed: connection refused "
                         "(nothing listens on that port)"), f.message
    assert f.hint == "check that the server is up and the URL's port" and f.line == 7
    assert "_Tracked" not in f.message and "Pool" not in f.message  # no class names


def test_redirect_loop(http_server: Server) -> None:
    found = media(http_server, "/loop/a")
    assert rules(found) == {"http-redirect"}
    assert "loop" in found[0].message or "loop" in found[-1].message


def test_prefix_chain_is_followed_and_checked(http_server: Server) -> None:
    found = media(http_server, "/op3/e/pt/media/good.mp3")
    assert rules(found) == set()
    paths = [p for m, p, _ in http_server.requests if p.startswith(("/op3/", "/pt/"))]
    assert "/op3/e/pt/media/good.mp3" in paths and "/pt/media/good.mp3" in paths


def test_too_many_hops(http_server: Server) -> None:
    found = media(http_server, "/hop/0")
    assert rules(found) == {"http-redirect"}
    assert "more than 5 redirects" in found[-1].message


def test_dead_chartable_prefix(http_server: Server) -> None:
    found = media(http_server, "/to-chartable")
    assert rules(found) == {"dead-redirector"}
    direct = check_targets([Target("media", "https://chrt.fm/track/X/example.org/a.mp3", 3,
                                   "audio/mpeg", 10)], OPTS, "feed.xml")
    assert [f.rule for f in direct] == ["dead-redirector"]


def text_file(server: Server, kind: str, path: str, mime: str) -> list:
    return check_targets([Target(kind, server.url(path), 9, mime)], OPTS, "feed.xml")


def test_transcript_ok(http_server: Server) -> None:
    assert rules(text_file(http_server, "transcript", "/tr/ok.vtt", "text/vtt")) == set()


def test_transcript_without_cors(http_server: Server) -> None:
    found = text_file(http_server, "transcript", "/tr/nocors.vtt", "text/vtt")
    assert rules(found) == {"cors"}
    assert [f.severity for f in found if f.rule == "cors"] == ["warning"]


def test_transcript_wrong_content_type(http_server: Server) -> None:
    assert rules(text_file(http_server, "transcript", "/tr/plain.vtt", "text/vtt")) == {
        "content-type"}


def test_transcript_not_webvtt(http_server: Server) -> None:
    found = text_file(http_server, "transcript", "/tr/broken.vtt", "text/vtt")
    assert rules(found) == {"transcript-content"}


def test_transcript_cue_errors_come_with_the_file_line(http_server: Server) -> None:
    found = text_file(http_server, "transcript", "/tr/badtime.vtt", "text/vtt")
    assert rules(found) == {"transcript-content"}
    assert "line 3:" in found[-1].message and found[-1].line == 9


@pytest.mark.parametrize("path, mime", [("/tr/ok.srt", "application/x-subrip"),
                                        ("/tr/ok.json", "application/json")])
def test_transcript_formats_ok(http_server: Server, path: str, mime: str) -> None:
    assert rules(text_file(http_server, "transcript", path, mime)) == set()


def test_json_transcript_without_segments(http_server: Server) -> None:
    found = text_file(http_server, "transcript", "/tr/bad.json", "application/json")
    assert rules(found) == {"transcript-content"} and "segments" in found[-1].message


def test_cues_and_chapters_beyond_the_episode(http_server: Server) -> None:
    url = http_server.url("/tr/long.vtt")
    found = check_targets([Target("transcript", url, 5, "text/vtt", duration=60.0),
                           Target("chapters", http_server.url("/ch/ok.json"), 6,
                                  "application/json+chapters", duration=30.0)], OPTS, "feed.xml")
    assert {(f.rule, f.severity, f.line) for f in found if f.rule != "https"} == {
        ("transcript-content", "warning", 5), ("chapters-content", "warning", 6)}


def test_chapters(http_server: Server) -> None:
    ok = text_file(http_server, "chapters", "/ch/ok.json", "application/json+chapters")
    assert rules(ok) == set()
    bad = text_file(http_server, "chapters", "/ch/bad.json", "application/json+chapters")
    assert rules(bad) == {"chapters-content"}


def artwork(server: Server, path: str) -> list:
    return check_targets([Target("artwork", server.url(path), 4)], OPTS, "feed.xml")


@pytest.mark.parametrize("path", ["/art/good.jpg", "/art/good.png"])
def test_good_artwork(http_server: Server, path: str) -> None:
    assert rules(artwork(http_server, path)) == set()


@pytest.mark.parametrize("path, rule, words", [
    ("/art/cmyk.jpg", "artwork-color", "CMYK"),
    ("/art/alpha.png", "artwork-color", "alpha"),
    ("/art/tall.jpg", "artwork-size", "not square"),
    ("/art/small.jpg", "artwork-size", "1000x1000"),
    ("/art/huge.jpg", "artwork-size", "3200x3200"),
    ("/art/webp.png", "artwork-format", "WEBP"),
    ("/art/png-as.jpg", "artwork-format", "PNG file behind a .jpg"),
    ("/art/noise.png", "artwork-format", "not a readable image"),
])
def test_bad_artwork(http_server: Server, path: str, rule: str, words: str) -> None:
    found = [f for f in artwork(http_server, path) if f.rule == rule]
    assert found and found[0].severity == "error" and found[0].line == 4
    assert words in found[0].message


def test_oversized_artwork_file(http_server: Server) -> None:
    found = artwork(http_server, "/art/heavy.jpg")
    assert rules(found) == {"artwork-bytes"}
    assert found[-1].severity == "warning"


def test_whole_feed_online(http_server: Server, tmp_path) -> None:
    """End to end: a feed naming loopback URLs, served as a URL, all checks on."""
    base = http_server.base
    items = make_item(1, enclosure=f'<enclosure url="{base}/media/good.mp3" '
                      f'length="{len(AUDIO)}" type="audio/mpeg"/>', transcript=False,
                      extra='<podcast:transcript url="https://127.0.0.1:1/x.vtt" '
                      'type="text/vtt"/>\n')
    items += make_item(2, enclosure=f'<enclosure url="{base}/media/norange.mp3" '
                       f'length="{len(AUDIO)}" type="audio/mpeg"/>', transcript=False)
    feed = make_feed(items=items, artwork=f"{base}/art/cmyk.jpg",
                     feed_url=f"{base}/feed.xml")
    http_server.add("/feed.xml", Resource(feed.encode(), "application/rss+xml"))
    report = run(f"{base}/feed.xml", RunOptions(timeout=0.3, now=NOW))
    found = {(f.rule, f.line) for f in report.findings}
    lines = feed.splitlines()
    enc_line = next(i for i, l in enumerate(lines, 1) if "norange.mp3" in l)
    art_line = next(i for i, l in enumerate(lines, 1) if "itunes:image" in l)
    assert ("http-range", enc_line) in found
    assert ("artwork-color", art_line) in found
    assert any(f.rule == "http-unreachable" for f in report.findings)  # nothing on port 1
    offline = run(f"{base}/feed.xml", RunOptions(timeout=0.3, now=NOW, offline=True))
    assert not {"http-range", "artwork-color"} & {f.rule for f in offline.findings}


def test_feed_served_as_html(http_server: Server) -> None:
    http_server.add("/html-feed.xml", Resource(make_feed().encode(), "text/html"))
    report = run(http_server.url("/html-feed.xml"), RunOptions(offline=True, now=NOW))
    assert ("content-type", "error") in {(f.rule, f.severity) for f in report.findings}


def test_feed_host_without_head(http_server: Server) -> None:
    feed = make_feed(items="", artwork=http_server.url("/art/good.jpg"))  # loopback URLs only
    http_server.add("/nohead-feed.xml", Resource(feed.encode(), "application/rss+xml",
                                                 head_status=405))
    report = run(http_server.url("/nohead-feed.xml"), RunOptions(timeout=0.3, now=NOW))
    feed_errors = [f for f in report.findings if f.url == http_server.url("/nohead-feed.xml")
                   and f.severity == "error"]
    assert [f.rule for f in feed_errors] == ["http-head"]


def test_gzip_reported_once(http_server: Server) -> None:
    found = [f for f in media(http_server, "/media/gzip.mp3") if f.rule == "content-encoding"]
    assert len(found) == 1


def test_self_link_must_be_the_fetched_url(http_server: Server) -> None:
    moved = make_feed(items="", feed_url=http_server.url("/canonical.xml"))
    http_server.add("/canonical.xml", Resource(moved.encode(), "application/rss+xml"))
    http_server.add("/copy.xml", Resource(moved.encode(), "application/rss+xml"))
    http_server.redirect("/old.xml", http_server.url("/canonical.xml"), status=301)
    rules_of = lambda path: {f.rule for f in run(http_server.url(path), RunOptions(
        offline=True, now=NOW)).findings}
    assert "atom-self" in rules_of("/copy.xml")
    assert "atom-self" not in rules_of("/canonical.xml")
    assert "atom-self" not in rules_of("/old.xml")  # redirected to the self URL


def test_cli_online_exit_code_and_annotations(http_server: Server) -> None:
    from click.testing import CliRunner

    from feedpub.cli import cli

    base = http_server.base
    items = make_item(1, transcript=False, enclosure=f'<enclosure url="{base}/media/fake.mp3" '
                      f'length="{len(AUDIO)}" type="audio/mpeg"/>')
    feed = make_feed(items=items, artwork=f"{base}/art/good.jpg", feed_url=f"{base}/cli.xml")
    http_server.add("/cli.xml", Resource(feed.encode(), "application/rss+xml"))
    result = CliRunner().invoke(cli, ["validate", "--timeout", "0.3", "--format", "github",
                                      f"{base}/cli.xml"])
    assert result.exit_code == 1, result.output
    line = next(i for i, l in enumerate(feed.splitlines(), 1) if "fake.mp3" in l)
    assert f"::error line={line},title=http-range::enclosure {base}/media/fake.mp3" \
        in result.output


def test_feed_url_404(http_server: Server) -> None:
    report = run(http_server.url("/nope.xml"), RunOptions(offline=True, now=NOW))
    assert [f.rule for f in report.findings] == ["https", "http-status"]


def test_targets_under_the_github_alias_namespace() -> None:
    from lxml import etree

    from feedpub.validate.netchecks import collect_targets

    alias = "https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/1.0.md"
    feed = make_feed(n_items=1).replace("https://podcastindex.org/namespace/1.0", alias)
    kinds = [t.kind for t in collect_targets(etree.fromstring(feed.encode()))]
    assert kinds == ["artwork", "media", "transcript", "chapters"]


# a server that trickles its body one byte every half second -----------------------------

DRIP = b"x" * 200  # 40-100 s at one byte every 0.2-0.5 s: a check must give up long before


@pytest.fixture(scope="module")
def drip_server() -> Iterator[Server]:
    with running() as server:
        server.add("/drip/media.mp3", Resource(DRIP, "audio/mpeg", ranges="whole", drip=0.5))
        # faster drips for the 0.5 s timeout below: each byte must come well within it
        server.add("/drip/tr.vtt", Resource(b"WEBVTT\n\n" + DRIP, "text/vtt", headers=CORS,
                                            drip=0.2))
        server.add("/drip/cover.jpg", Resource(DRIP, "image/jpeg", drip=0.2))
        server.add("/drip/head.mp3", Resource(DRIP, "audio/mpeg", drip=0.2, drip_head=True))
        yield server


def test_dripping_media_ends_at_the_timeout(drip_server: Server) -> None:
    import time

    opts = NetOptions(timeout=1.0, workers=2)
    start = time.monotonic()
    found = check_targets([Target("media", drip_server.url("/drip/media.mp3"), 7,
                                  "audio/mpeg", len(DRIP))], opts, "feed.xml")
    elapsed = time.monotonic() - start
    assert elapsed < opts.timeout + 1.0, elapsed
    assert [(f.rule, f.severity, f.line) for f in found if f.rule != "https"] == [
        ("http-unreachable", "error", 7)]
    assert "too slow" in found[-1].message


@pytest.mark.parametrize("kind, path", [("transcript", "/drip/tr.vtt"),
                                        ("artwork", "/drip/cover.jpg")])
def test_dripping_downloads_end_at_their_deadline(drip_server: Server, kind: str,
                                                  path: str) -> None:
    import time

    opts = NetOptions(timeout=0.5, workers=2)
    start = time.monotonic()
    found = check_targets([Target(kind, drip_server.url(path), 9, "text/vtt"
                                  if kind == "transcript" else None)], opts, "feed.xml")
    elapsed = time.monotonic() - start
    assert elapsed < 4 * opts.timeout + 1.0, elapsed  # downloads get 4x the timeout
    assert ("http-unreachable", 9) in {(f.rule, f.line) for f in found}
    assert any("too slow" in f.message for f in found)


def test_read_body_deadline_with_a_dripping_feed(drip_server: Server) -> None:
    import time

    import requests

    from feedpub.validate.network import read_body

    resp = requests.get(drip_server.url("/drip/tr.vtt"), stream=True, timeout=5)
    start = time.monotonic()
    body, problem = read_body(resp, 10_000, start + 1.0)
    assert time.monotonic() - start < 1.6
    assert problem is not None and "too slow" in problem and 0 < len(body) < 20


# transcripts and chapters are read by the build's own readers and checks ----------------

@pytest.mark.parametrize("path, mime", [("/tr/latin1.vtt", "text/vtt"),
                                        ("/tr/latin1.srt", "application/x-subrip")])
def test_non_utf8_transcript_is_an_error(http_server: Server, path: str, mime: str) -> None:
    found = text_file(http_server, "transcript", path, mime)
    assert [(f.rule, f.severity, f.line) for f in found if f.rule != "https"] == [
        ("transcript-content", "error", 9)]
    assert "not UTF-8" in found[-1].message and "1252" in found[-1].message + (
        found[-1].hint or "")


def test_transcript_with_utf8_bom_is_fine(http_server: Server) -> None:
    assert rules(text_file(http_server, "transcript", "/tr/bom.vtt", "text/vtt")) == set()


@pytest.mark.parametrize("name, words", [
    ("backwards", "line 4: chapter 3 starts at"),
    ("same-start", "line 4: chapter 3 starts at the same time as chapter 2"),
    ("nan", "line 3: chapter 2: startTime must be a number"),
    ("string-start", "startTime must be a number"),
    ("latin1", "not UTF-8"),
    ("end-before-start", "line 2: chapter 1 ends at"),
])
def test_chapters_checked_like_the_build(http_server: Server, name: str, words: str) -> None:
    found = text_file(http_server, "chapters", f"/ch/{name}.json", "application/json+chapters")
    hits = [(f.severity, f.line) for f in found if f.rule == "chapters-content"]
    assert hits and set(hits) == {("error", 9)}, [str(f) for f in found]
    assert any(words in f.message for f in found), [f.message for f in found]
    assert rules(found) == {"chapters-content"}


def test_transcript_slack_past_the_duration_is_the_builds(http_server: Server) -> None:
    """Cues may end DURATION_TOLERANCE (0.5 s) after itunes:duration, not 2 s."""
    from feedpub.transcripts.checks import DURATION_TOLERANCE

    url = http_server.url("/tr/ok.vtt")  # its last cue ends at 2.0 s
    inside = check_targets([Target("transcript", url, 5, "text/vtt",
                                   duration=2.0 - DURATION_TOLERANCE)], OPTS, "feed.xml")
    assert rules(inside) == set()
    past = check_targets([Target("transcript", url, 5, "text/vtt", duration=1.0)], OPTS,
                         "feed.xml")
    assert [(f.rule, f.severity) for f in past if f.rule != "https"] == [
        ("transcript-content", "warning")]


def test_dripping_headers_end_at_twice_the_timeout(drip_server: Server) -> None:
    """Connect and answer headers get 2x the timeout in all, however slow the drip."""
    import time

    opts = NetOptions(timeout=0.5, workers=2)
    start = time.monotonic()
    found = check_targets([Target("media", drip_server.url("/drip/head.mp3"), 3,
                                  "audio/mpeg", len(DRIP))], opts, "feed.xml")
    elapsed = time.monotonic() - start
    assert elapsed < 2 * opts.timeout + 1.0, elapsed
    assert [(f.rule, f.line) for f in found if f.rule != "https"] == [("http-unreachable", 3)]
    assert "no complete answer within 1 s" in found[-1].message


def media_at(url: str) -> list:
    return check_targets([Target("media", url, 2, "audio/mpeg", 10)], OPTS, "feed.xml")


def test_chapters_url_without_a_usable_file_name(http_server: Server) -> None:
    found = text_file(http_server, "chapters", "/ch/" + "x" * 300 + ".json",
                      "application/json+chapters")
    assert rules(found) == set()
