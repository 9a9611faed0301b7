"""feedpub diff: every kind of change, in text, Markdown and JSON, and the command itself."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from conftest import ShowMaker
from feedpub.diff import FeedDiff, diff_feeds
from feedpub.diffreport import render
from validate_feeds import make_feed, make_item
from validate_httpserver import Resource, Server, running

FORMATS = ("text", "markdown", "json")


def feeds(old: str, new: str) -> FeedDiff:
    return diff_feeds(old.encode(), new.encode(), old_source="live.xml", new_source="new.xml")


def items(*numbers: int, **kw: object) -> str:
    return "".join(make_item(n, **kw) for n in numbers)  # type: ignore[arg-type]


def cells(markdown: str) -> list[list[str]]:
    tokens = MarkdownIt("commonmark").enable("table").parse(markdown)
    rows: list[list[str]] = []
    for i, tok in enumerate(tokens):
        if tok.type == "tr_open":
            rows.append([])
        elif tok.type == "inline" and tokens[i - 1].type in ("th_open", "td_open"):
            rows[-1].append("".join(c.content for c in tok.children or []))
    return rows


def html_of(markdown: str) -> str:
    return MarkdownIt("commonmark").enable("table").render(markdown)


# -- each kind of change, each format --------------------------------------------------

def test_identical_feeds_have_no_changes() -> None:
    d = feeds(make_feed(), make_feed())
    assert d.empty and not d.dangerous and d.unchanged == 3
    assert render(d, "text").splitlines()[-1] == "no changes (3 episodes unchanged)"
    assert json.loads(render(d, "json"))["summary"] == {
        "added": 0, "changed": 0, "removed": 0, "unchanged": 3, "channel_changes": 0,
        "dangerous": 0}
    md = render(d, "markdown")
    assert cells(md) == []  # nothing to tabulate
    assert "no changes (3 episodes unchanged)" in html_of(md)


def test_added_episode_in_every_format() -> None:
    d = feeds(make_feed(items=items(1, 2)), make_feed(items=items(3, 1, 2)))
    assert [(e.kind, e.title) for e in d.episodes] == [("added", "A conversation about topic 3")]
    assert not d.dangerous and d.unchanged == 2
    text = render(d, "text")
    assert "added (1):\n  + 'A conversation about topic 3'\n" in text
    assert "duration 1803" in text and "episode-3.mp3" in text
    assert text.splitlines()[-1] == "1 added, 2 unchanged"
    rows = cells(render(d, "markdown"))
    assert rows[0] == ["Change", "Episode", "Field", "Before", "After"]
    assert rows[1][:4] == ["➕ added", "A conversation about topic 3", "new episode", ""]
    assert "duration 1803" in rows[1][4]
    data = json.loads(render(d, "json"))
    ep = data["episodes"][0]
    assert (ep["change"], ep["dangerous"]) == ("added", False)
    assert {f["field"]: f["new"] for f in ep["fields"]}["enclosure"] == \
        "https://media.example.org/show/episode-3.mp3"


def test_removed_episode_is_dangerous_in_every_format() -> None:
    d = feeds(make_feed(items=items(1, 2, 3)), make_feed(items=items(1, 3)))
    (gone,) = d.episodes
    assert (gone.kind, gone.title, gone.rule) == ("removed", "A conversation about topic 2",
                                                  "episode-disappeared")
    assert d.dangerous
    text = render(d, "text")
    assert "removed (1):\n  - 'A conversation about topic 2'" in text
    assert "! DANGEROUS [episode-disappeared]: apps remove it from libraries" in text
    rows = cells(render(d, "markdown"))
    assert rows[1][0] == "⚠️ removed" and rows[1][1] == "A conversation about topic 2"
    assert rows[1][2] == "whole episode" and rows[1][4] == "(none)"
    ep = json.loads(render(d, "json"))["episodes"][0]
    assert (ep["change"], ep["dangerous"], ep["rule"]) == ("removed", True,
                                                           "episode-disappeared")


def test_changed_title_is_a_plain_change() -> None:
    old = make_feed()
    new = old.replace("<title>A conversation about topic 2</title>",
                      "<title>A talk about topic 2</title>")
    d = feeds(old, new)
    (ep,) = d.episodes
    assert ep.kind == "changed" and not d.dangerous
    assert [(c.field, c.old, c.new) for c in ep.fields] == [
        ("title", "A conversation about topic 2", "A talk about topic 2")]
    text = render(d, "text")
    assert "  ~ 'A talk about topic 2'\n        title: A conversation about topic 2 -> " \
           "A talk about topic 2" in text
    assert "DANGEROUS" not in text
    assert cells(render(d, "markdown"))[1] == [
        "✏️ changed", "A talk about topic 2", "title", "A conversation about topic 2",
        "A talk about topic 2"]
    fields = json.loads(render(d, "json"))["episodes"][0]["fields"]
    assert fields == [{"field": "title", "old": "A conversation about topic 2",
                       "new": "A talk about topic 2", "dangerous": False, "rule": None,
                       "hint": None}]


def test_changed_guid_is_dangerous() -> None:
    old = make_feed()
    guid = re.findall(r"<guid[^>]*>([^<]+)</guid>", old)[0]
    new = old.replace(guid, "urn:uuid:00000000-0000-4000-8000-000000000001")
    d = feeds(old, new)
    (ep,) = d.episodes
    (change,) = ep.fields
    assert (change.field, change.old, change.rule) == ("guid", guid, "guid-changed")
    text = render(d, "text")
    assert f"! guid: {guid} -> urn:uuid:00000000-0000-4000-8000-000000000001" in text
    assert "DANGEROUS [guid-changed]: apps would download it again" in text
    rows = cells(render(d, "markdown"))
    assert rows[1][0] == "⚠️ changed" and rows[1][2:] == [
        "guid", guid, "urn:uuid:00000000-0000-4000-8000-000000000001"]
    assert json.loads(render(d, "json"))["episodes"][0]["fields"][0]["rule"] == "guid-changed"


def test_moved_and_lost_enclosures_are_dangerous() -> None:
    old = make_feed()
    new = old.replace("episode-1.mp3", "episode-1-v2.mp3").replace(
        '<enclosure url="https://media.example.org/show/episode-2.mp3" length="1234567" '
        'type="audio/mpeg"/>', "")
    d = feeds(old, new)
    by_title = {e.title: e for e in d.episodes}
    moved = by_title["A conversation about topic 1"].fields
    assert [(c.field, c.rule) for c in moved] == [("enclosure", "enclosure-changed")]
    lost = by_title["A conversation about topic 2"].fields
    assert ("enclosure", "enclosure-lost") in [(c.field, c.rule) for c in lost]
    assert ("enclosure length", None) in [(c.field, c.rule) for c in lost]
    text = render(d, "text")
    assert "DANGEROUS [enclosure-changed]" in text and "DANGEROUS [enclosure-lost]" in text
    md = render(d, "markdown")
    assert "`enclosure-changed`" in md and "`enclosure-lost`" in md
    rules = {f["rule"] for e in json.loads(render(d, "json"))["episodes"] for f in e["fields"]}
    assert {"enclosure-changed", "enclosure-lost"} <= rules


def test_new_audio_at_the_same_url_is_a_plain_change() -> None:
    old = make_feed()
    new = old.replace('episode-1.mp3" length="1234567"', 'episode-1.mp3" length="999"')
    (ep,) = feeds(old, new).episodes
    assert [(c.field, c.old, c.new, c.dangerous) for c in ep.fields] == [
        ("enclosure length", "1234567", "999", False)]


def test_changed_pub_date_is_dangerous_but_the_same_instant_is_no_change() -> None:
    old = make_feed(items=items(1))
    date = re.search(r"<pubDate>([^<]+)</pubDate>", old)
    assert date is not None and date.group(1).endswith("+0000")
    moved = old.replace(date.group(1), "Mon, 05 Oct 2026 12:00:00 +0000")
    (ep,) = feeds(old, moved).episodes
    assert [(c.field, c.rule) for c in ep.fields] == [("pubDate", "pubdate-changed")]
    assert "DANGEROUS [pubdate-changed]" in render(feeds(old, moved), "text")
    same = old.replace(date.group(1), date.group(1).replace("12:00:00 +0000",
                                                            "14:00:00 +0200"))
    assert same != old and feeds(old, same).empty


def test_channel_changes_and_a_new_podcast_guid() -> None:
    old = make_feed()
    guid = re.search(r"<podcast:guid>([^<]+)</podcast:guid>", old)
    assert guid is not None
    new = old.replace("<title>The Example Show</title>", "<title>The Sample Show</title>") \
        .replace(guid.group(1), "11111111-2222-5333-8444-555555555555")
    d = feeds(old, new)
    assert [(c.field, c.rule) for c in d.channel] == [
        ("title", None), ("podcast:guid", "podcast-guid-changed")]
    assert d.dangerous and d.unchanged == 3
    text = render(d, "text")
    assert "channel:\n    title: The Example Show -> The Sample Show\n" in text
    assert "  ! podcast:guid: " in text and "DANGEROUS [podcast-guid-changed]" in text
    rows = cells(render(d, "markdown"))
    assert rows[0] == ["Channel field", "Before", "After"]
    assert rows[1] == ["title", "The Example Show", "The Sample Show"]
    assert rows[2][0] == "⚠️ podcast:guid"
    channel = json.loads(render(d, "json"))["channel"]
    assert [c["field"] for c in channel] == ["title", "podcast:guid"]
    assert channel[1]["dangerous"] is True


def test_first_publication_lists_every_episode_as_added() -> None:
    d = diff_feeds(None, make_feed().encode(), old_source="https://x.example/feed.xml",
                   new_source="new")
    assert not d.published and [e.kind for e in d.episodes] == ["added"] * 3
    assert "is not published yet" in render(d, "text")
    assert json.loads(render(d, "json"))["published"] is False
    assert len(cells(render(d, "markdown"))) == 4  # header + 3 episodes


def test_long_values_are_cut_around_the_difference_in_text_but_whole_in_json() -> None:
    notes = "word " * 100
    old = make_feed(items=items(1, extra="<itunes:summary>x</itunes:summary>"))
    old = old.replace("Show notes for topic 1", notes + "old ending")
    new = old.replace("old ending", "new ending")
    d = feeds(old, new)
    (change,) = d.episodes[0].fields
    assert change.field == "description"
    line = next(ln for ln in render(d, "text").splitlines() if "description:" in ln)
    assert "…" in line and "old ending" in line and "new ending" in line
    assert len(line) < 260
    full = json.loads(render(d, "json"))["episodes"][0]["fields"][0]
    assert full["old"].count("word") == 100


def test_markdown_cells_cannot_break_the_table_or_inject_html() -> None:
    old = make_feed(items=items(1))
    new = old.replace("<title>A conversation about topic 1</title>",
                      "<title>Pipes | and &lt;script&gt;alert(1)&lt;/script&gt; *stars*</title>")
    md = render(feeds(old, new), "markdown")
    rows = cells(md)
    assert all(len(row) == 5 for row in rows)
    assert rows[1][1] == rows[1][4] == "Pipes | and <script>alert(1)</script> *stars*"
    html = html_of(md)
    assert "<script>" not in html and "<em>" not in html
    assert "&lt;script&gt;" in html


def test_unreadable_feeds_are_errors() -> None:
    from feedpub.errors import FeedpubError

    with pytest.raises(FeedpubError, match="live.xml.*HTML page"):
        diff_feeds(b"<!DOCTYPE html><html></html>", make_feed().encode(),
                   old_source="live.xml")
    with pytest.raises(FeedpubError, match="new.xml"):
        diff_feeds(make_feed().encode(), b"<rss><channel>", new_source="new.xml")


# -- the command -----------------------------------------------------------------------

def feedpub(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "feedpub", *args], capture_output=True,
                          text=True, cwd=cwd)


@pytest.fixture
def server() -> Iterator[Server]:
    with running() as srv:
        yield srv


def test_cli_files_formats_and_strict(tmp_path: Path) -> None:
    old, new = tmp_path / "old.xml", tmp_path / "new.xml"
    old.write_text(make_feed(items=items(1, 2)), encoding="utf-8")
    new.write_text(make_feed(items=items(1)), encoding="utf-8")
    proc = feedpub("diff", str(old), str(new))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(f"feed diff: {old} -> {new}\n")
    assert "DANGEROUS [episode-disappeared]" in proc.stdout
    strict = feedpub("diff", "--strict", str(old), str(new))
    assert strict.returncode == 1 and strict.stdout == proc.stdout
    assert json.loads(feedpub("diff", "--format", "json", str(old), str(new)).stdout)[
        "summary"]["removed"] == 1
    assert feedpub("diff", "--strict", str(old), str(old)).returncode == 0
    assert len(cells(feedpub("diff", "--format", "markdown", str(old), str(new)).stdout)) == 2


def test_cli_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    proc = feedpub("diff", str(tmp_path / "nope.xml"), str(tmp_path / "nope.xml"))
    assert proc.returncode == 2
    assert proc.stderr == (f"feedpub: error: {tmp_path / 'nope.xml'}: no such file (expected "
                           "a feed file, a build folder or an http(s) URL)\n")


def show(tmp_path: Path, feed_url: str) -> ShowMaker:
    maker = ShowMaker(tmp_path / "show")
    maker.edit_show('feed_url = "https://feeds.example.org/show/feed.xml"',
                    f'feed_url = "{feed_url}"')
    maker.episode("ep-1", seconds=2.0, title="First")
    return maker


def test_cli_defaults_live_feed_against_the_show_built_in_memory(tmp_path: Path,
                                                                 server: Server) -> None:
    maker = show(tmp_path, server.url("/feed.xml"))
    root = maker.root
    # not published yet: the live URL answers 404, so everything is new
    first = feedpub("-C", str(root), "diff")
    assert first.returncode == 0, first.stderr
    assert "is not published yet" in first.stdout and "+ 'First'" in first.stdout
    # publish it (a build to a folder served at feed_url), then add an episode
    assert feedpub("-C", str(root), "build", "-q", "-o", str(tmp_path / "out")).returncode == 0
    server.add("/feed.xml", Resource((tmp_path / "out" / "feed.xml").read_bytes(),
                                     "application/rss+xml"))
    maker.episode("ep-2", seconds=2.0, title="Second", date="2025-05-20")
    proc = feedpub("-C", str(root), "diff", "--format", "markdown")
    assert proc.returncode == 0, proc.stderr
    rows = cells(proc.stdout)
    assert [r[:2] for r in rows[1:]] == [["➕ added", "Second"]]
    assert not (root / "public").exists()  # nothing written
    # a build folder works as OLD as well
    assert feedpub("-C", str(root), "diff", str(tmp_path / "out")).stdout.count("+ ") == 1


def test_cli_live_feed_that_fails_is_an_error(tmp_path: Path, server: Server) -> None:
    root = show(tmp_path, server.url("/feed.xml")).root
    server.add("/feed.xml", Resource(b"oops", status=500))
    proc = feedpub("-C", str(root), "diff")
    assert proc.returncode == 1
    assert "answered 500" in proc.stderr and proc.stdout == ""


def test_cli_empty_publish_folder_means_not_published_yet(tmp_path: Path) -> None:
    new = tmp_path / "new.xml"
    new.write_text(make_feed(items=items(1)), encoding="utf-8")
    (tmp_path / "www").mkdir()
    proc = feedpub("diff", str(tmp_path / "www"), str(new))
    assert proc.returncode == 0, proc.stderr
    assert "is not published yet" in proc.stdout and proc.stdout.splitlines()[-1] == \
        "1 added, 0 unchanged"
