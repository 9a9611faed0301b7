"""Our output read by independent readers: what an app gets is what the podcaster wrote.

Show notes with markup, scripts and event handlers; titles that look like tags;
non-ASCII URLs; explicit shows with unmarked episodes; transcripts read back
with webvtt-py, srt and html5lib, and the feed with feedparser.  None of these
readers is ours.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import feedparser
import html5lib
import podcastparser
import srt
import webvtt
from lxml import etree

from feedpub.build import build, write_outputs
from feedpub.validate import validate_bytes
from transcript_samples import TIMED_CUES, write_timed_srt

NS = {"content": "http://purl.org/rss/1.0/modules/content/",
      "itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd",
      "podcast": "https://podcastindex.org/namespace/1.0"}
HOSTILE = ('Use the <filename> placeholder; 2 < 3 & more.\n\n'
           '<script>alert("notes")</script>\n\n'
           '<img src="https://media.example.org/x.jpg" onerror="alert(2)"> '
           '[map](javascript:alert(3)) <a href="javascript:alert(4)">here</a> '
           '<b>bold</b> and <a href="https://example.org/ok" onclick="alert(5)">a link</a>')


def built(root: Path, out: Path) -> bytes:
    write_outputs(build(root), out)
    return (out / "feed.xml").read_bytes()


def html_fragments(data: bytes) -> list[str]:
    item = etree.fromstring(data).find("channel/item")
    return [item.findtext("description") or "",
            item.findtext("content:encoded", namespaces=NS) or ""]


def unsafe_in(html: str) -> list[str]:
    """What an HTML5 parser finds in ``html`` that would run code."""
    tree = html5lib.parseFragment(html, treebuilder="etree", namespaceHTMLElements=False)
    bad = []
    for el in tree.iter():
        if not isinstance(el.tag, str):
            continue
        if el.tag in ("script", "iframe", "object", "embed", "style"):
            bad.append(el.tag)
        for name, value in el.attrib.items():
            if name.lower().startswith("on") or "javascript:" in value.lower():
                bad.append(f"{el.tag} {name}={value}")
    return bad


def test_show_notes_reach_apps_without_scripts(make_show, tmp_path: Path) -> None:
    make_show.episode("ep", description=HOSTILE)
    data = built(make_show.root, tmp_path / "o")
    description, content = html_fragments(data)
    assert description == content  # the same sanitised HTML in both
    assert unsafe_in(content) == []
    assert "<b>bold</b>" in content and 'href="https://example.org/ok"' in content
    # what only looks like a tag stays text, and "<" survives an HTML parser
    assert "&lt;filename&gt;" in content and "2 &lt; 3 &amp; more" in content
    entry = feedparser.parse(data).entries[0]
    for html in (entry.summary, entry.content[0].value):
        assert "<filename>" not in html and "&lt;filename&gt;" in html
        assert unsafe_in(html) == []  # "javascript:alert(3)" may remain, as words
        assert not re.search(r"<script|onerror|onclick|=\"javascript:", html, re.I)
        assert 'alert("notes")' not in html  # the script's text is dropped with it


def test_a_title_that_looks_like_markup_stays_text(make_show, tmp_path: Path) -> None:
    make_show.episode("ep", title="Why <script>alert(1)</script> & <filename> fail")
    result = build(make_show.root)
    assert any(w.rule == "html-in-text" for w in result.warnings)  # said, with its cause
    data = built(make_show.root, tmp_path / "o")
    title = etree.fromstring(data).find("channel/item/title")
    assert len(title) == 0 and title.text == "Why <script>alert(1)</script> & <filename> fail"
    assert b"&#x3C;script&gt;" in data  # the RSS Profile's form of "<" in plain text
    entry = feedparser.parse(data).entries[0]
    assert entry.title_detail.type == "text/plain"
    assert entry.title == "Why <script>alert(1)</script> & <filename> fail"


def test_html_transcript_carries_no_markup_from_the_cues(make_show, tmp_path: Path) -> None:
    folder = make_show.episode("ep", seconds=6.0)
    (folder / "transcript.srt").write_text(
        "1\n00:00:00,000 --> 00:00:02,000\n<script>alert(1)</script> & <b onclick=x>hi</b>\n\n"
        "2\n00:00:02,000 --> 00:00:04,000\n<img src=x onerror=alert(2)> 2 < 3\n",
        encoding="utf-8")
    out = tmp_path / "o"
    write_outputs(build(make_show.root), out)
    page = next(out.rglob("transcript*.html")).read_text(encoding="utf-8")
    doc = html5lib.HTMLParser(strict=True).parse(page)  # strict: raises on a parse error
    assert unsafe_in(page) == []
    text = "".join(doc.itertext())
    assert "<script>alert(1)</script>" in text and "2 < 3" in text  # shown, as words


def test_non_ascii_urls_are_written_as_uris(make_show, tmp_path: Path) -> None:
    make_show.edit_show('link = "https://example.org/show"',
                        'link = "https://bücher.example.org/émissions/"')
    make_show.episode("ep", extra='link = "https://example.org/straße/folge-1?ü=1#ä"\n')
    data = built(make_show.root, tmp_path / "o")
    channel = etree.fromstring(data).find("channel")
    assert channel.findtext("link") == "https://xn--bcher-kva.example.org/%C3%A9missions/"
    assert channel.findtext("item/link") == \
        "https://example.org/stra%C3%9Fe/folge-1?%C3%BC=1#%C3%A4"
    assert data.decode("utf-8").count("ß") == 0
    assert [f for f in validate_bytes(data) if f.rule in ("url-ascii", "enclosure-url")] == []
    # the source keeps its form
    assert "straße" in (make_show.root / "episodes/ep/episode.toml").read_text("utf-8")


def test_every_item_says_whether_it_is_explicit(make_show, tmp_path: Path) -> None:
    make_show.edit_show("explicit = false", "explicit = true")
    make_show.episode("marked", title="Clean one", extra="explicit = false\n")
    make_show.episode("unmarked", title="Unmarked", date="2025-05-14")
    data = built(make_show.root, tmp_path / "o")
    items = etree.fromstring(data).findall("channel/item")
    values = {i.findtext("title"): i.findtext("itunes:explicit", namespaces=NS) for i in items}
    assert values == {"Clean one": "false", "Unmarked": "true"}
    # and an independent reader agrees
    parsed = podcastparser.parse("https://feeds.example.org/show/feed.xml", io.BytesIO(data))
    assert {e["title"]: e["explicit"] for e in parsed["episodes"]} == \
        {"Clean one": False, "Unmarked": True}


def test_transcripts_read_back_by_independent_readers(make_show, tmp_path: Path) -> None:
    folder = make_show.episode("timed", seconds=16.0)
    write_timed_srt(folder)
    out = tmp_path / "o"
    write_outputs(build(make_show.root), out)
    expected = [(start, end, text) for _, start, end, text in TIMED_CUES]

    vtt_file = next(out.rglob("transcript*.vtt"))
    captions = webvtt.read(str(vtt_file))
    assert [(round(_seconds(c.start), 3), round(_seconds(c.end), 3)) for c in captions] == \
        [(s, e) for s, e, _ in expected]
    for caption, (_, _, text) in zip(captions, expected):
        assert text.split("\n")[-1] in caption.text.replace("&amp;", "&").replace(
            "&lt;", "<").replace("&gt;", ">")

    subs = list(srt.parse(next(out.rglob("transcript*.srt")).read_text(encoding="utf-8")))
    assert [(s.start.total_seconds(), s.end.total_seconds()) for s in subs] == \
        [(s, e) for s, e, _ in expected]
    assert all(text.split("\n")[-1] in sub.content for sub, (_, _, text) in zip(subs, expected))

    page = next(out.rglob("transcript*.html")).read_text(encoding="utf-8")
    parser = html5lib.HTMLParser(strict=True)
    doc = parser.parse(io.StringIO(page))
    words = "".join(doc.itertext())
    assert "émojis 🎙 and <tags> & ampersands." in words


def _seconds(stamp: str) -> float:
    h, m, s = stamp.split(":")
    return int(h) * 3600 + int(m) * 60 + float(s)
