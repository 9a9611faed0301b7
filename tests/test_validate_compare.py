"""--against: what apps would lose or re-download compared with the published feed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import etree

from feedpub.validate.compare import compare_feeds
from feedpub.validate.runner import RunOptions, run
from validate_feeds import NOW, line_of, make_feed
from validate_httpserver import Resource, Server, running

OLD = make_feed(n_items=3)
GUID1 = "urn:uuid:fac1ecba-b56d-59ca-a304-e6e0e479fa45"


def compare(new: str, old: str = OLD) -> list[tuple[str, str, int | None]]:
    root = etree.fromstring(new.encode())
    return [(f.rule, f.severity, f.line) for f in compare_feeds(root, old.encode())]


def test_identical_feeds() -> None:
    assert compare(OLD) == []


def test_new_episode_is_fine() -> None:
    assert compare(make_feed(n_items=4)) == []


def test_episode_disappeared() -> None:
    found = compare(make_feed(n_items=2))
    assert found == [("episode-disappeared", "error", None)]


def test_guid_changed_matched_by_enclosure() -> None:
    new = OLD.replace(GUID1, "urn:uuid:00000000-0000-5000-8000-000000000001")
    assert compare(new) == [("guid-changed", "error", line_of(new, "<item>"))]


def test_guid_changed_matched_by_title() -> None:
    new = OLD.replace(GUID1, "new-guid").replace("episode-1.mp3", "episode-one.mp3")
    assert compare(new) == [("guid-changed", "error", line_of(new, "<item>"))]


def test_enclosure_url_changed() -> None:
    new = OLD.replace("episode-1.mp3", "episode-one.mp3")
    assert compare(new) == [("enclosure-changed", "warning", line_of(new, "<item>"))]


def test_enclosure_lost() -> None:
    new = OLD.replace('<enclosure url="https://media.example.org/show/episode-1.mp3" '
                      'length="1234567" type="audio/mpeg"/>', "")
    assert compare(new) == [("enclosure-lost", "error", line_of(new, "<item>"))]


def test_pubdate_changed_but_same_instant_is_fine() -> None:
    old_date = "Sat, 24 Oct 2026 12:00:00 +0000"
    assert old_date in OLD
    moved = OLD.replace(f"<pubDate>{old_date}", "<pubDate>Sun, 25 Oct 2026 12:00:00 +0000")
    assert compare(moved) == [("pubdate-changed", "warning", line_of(moved, "<item>"))]
    same = OLD.replace(f"<pubDate>{old_date}", "<pubDate>Sat, 24 Oct 2026 14:00:00 +0200")
    assert compare(same) == []


def test_podcast_guid_changed() -> None:
    new = make_feed(n_items=3, podcast_guid="917393e3-1b1e-5cef-ace4-edaa54e1f810")
    assert compare(new) == [("podcast-guid-changed", "error", line_of(new, "podcast:guid"))]


def test_old_feed_without_guids_matches_by_enclosure() -> None:
    old = make_feed(n_items=2)
    for line in [l for l in old.splitlines() if l.startswith("<guid")]:
        old = old.replace(line + "\n", "")
    assert compare(old, old) == []
    new = make_feed(n_items=2)
    assert compare(new, old) == [("guid-changed", "warning", line_of(new, "<item>", 1)),
                                 ("guid-changed", "warning", line_of(new, "<item>", 2))]


def test_published_feed_is_html() -> None:
    html = "<!DOCTYPE html><html><body>Maintenance</body></html>"
    assert compare(OLD, html) == [("against-unusable", "error", None)]


def test_published_feed_is_broken_xml() -> None:
    assert compare(OLD, "<rss><channel>") == [("against-unusable", "error", None)]


@pytest.fixture(scope="module")
def http_server() -> Iterator[Server]:
    with running() as server:
        server.add("/live.xml", Resource(OLD.encode(), "application/rss+xml"))
        server.add("/live-html.xml", Resource(OLD.encode(), "text/html; charset=utf-8"))
        yield server


def test_against_url(http_server: Server, tmp_path: Path) -> None:
    new = tmp_path / "feed.xml"
    new.write_text(make_feed(n_items=2), encoding="utf-8")
    report = run(str(new), RunOptions(offline=True, against=http_server.url("/live.xml"),
                                      now=NOW))
    assert [(f.rule, f.severity) for f in report.findings if f.rule != "https"] == [
        ("category-count", "info"), ("episode-disappeared", "error")]


def test_against_url_served_as_html(http_server: Server, tmp_path: Path) -> None:
    new = tmp_path / "feed.xml"
    new.write_text(OLD, encoding="utf-8")
    report = run(str(new), RunOptions(offline=True, now=NOW,
                                      against=http_server.url("/live-html.xml")))
    assert [f.rule for f in report.findings if f.severity == "error"] == ["against-unusable"]


def test_against_url_unreachable(http_server: Server, tmp_path: Path) -> None:
    new = tmp_path / "feed.xml"
    new.write_text(OLD, encoding="utf-8")
    report = run(str(new), RunOptions(offline=True, now=NOW,
                                      against=http_server.url("/gone.xml")))
    assert [f.rule for f in report.findings if f.severity == "error"] == ["against-unusable"]
    assert "404" in report.findings[-1].message
