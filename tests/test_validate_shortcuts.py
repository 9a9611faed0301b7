"""The validator's shortcuts give the answers of the long way: at their edges too.

Notes without a ``<`` skip the HTML scan, bare tags of safe elements and a lone
``href="http…"`` skip attribute parsing, a URL's host problem is remembered by its
authority, and rules that depend only on which tags an item has decide once per
shape of item.  Each test puts a feed on the edge of one shortcut and checks the
findings a reader would expect.
"""

from __future__ import annotations

import pytest

from feedpub.validate import Finding, rules_apple, rules_podcast, validate_bytes
from feedpub.validate.markupcheck import check_html
from feedpub.validate.view import ShapeCache
from validate_feeds import NOW, line_of, make_feed, make_item

NOTES = '<![CDATA[<p>Show notes for topic 1 with a <a href="https://podcast.example.org/show">link</a>.</p>]]>'


def _feed_with_notes(notes: str) -> str:
    feed = make_feed(n_items=2)
    assert NOTES in feed
    return feed.replace(NOTES, notes, 1)


def _rules(feed: str) -> list[tuple[str, int | None]]:
    return [(f.rule, f.line) for f in validate_bytes(feed.encode(), now=NOW)
            if f.severity != "info"]


def _findings(feed: str) -> list[Finding]:
    return validate_bytes(feed.encode(), now=NOW)


def test_entity_written_tag_in_cdata_is_text_not_a_tag() -> None:
    # inside CDATA, "&lt;script&gt;" reaches the HTML parser as an entity: text, no tag
    feed = _feed_with_notes("<![CDATA[<p>we wrote &lt;script&gt; on the board</p>]]>")
    assert _rules(feed) == []
    # with no "<" at all the scan is skipped; the answer is the same: nothing to report
    feed = _feed_with_notes("<![CDATA[we wrote &lt;script&gt; on the board]]>")
    assert _rules(feed) == []


def test_escaped_tag_without_cdata_is_a_tag() -> None:
    # XML decodes &lt;script&gt; to "<script>": HTML readers see a script element
    feed = _feed_with_notes("&lt;script&gt;alert(1)&lt;/script&gt; notes")
    line = line_of(feed, "&lt;script&gt;alert")
    assert ("html-unsafe", line) in _rules(feed)


@pytest.mark.parametrize(("html", "unsafe", "relative", "not_html", "links"), [
    ("<p>a</p><br/><li>b</li>", None, None, None, ()),
    ("<SCRIPT>x</SCRIPT>", "<script>", None, None, ()),  # upper case: not the bare-tag path
    ("<P>a</P>", None, None, None, ()),
    ("<script>", "<script>", None, None, ()),  # bare, but not a safe element
    ("<filename>", None, None, "<filename> (not an HTML element)", ()),
    ('<a href="https://a.org/x">x</a>', None, None, None, ("https://a.org/x",)),
    ('<a href=" https://a.org/x ">x</a>', None, None, None, ("https://a.org/x",)),
    ('<a href="javascript:alert(1)">x</a>', "a javascript: URL in <a href>", None, None, ()),
    ('<a href="/episodes/1">x</a>', None, '<a href="/episodes/1">', None, ()),
    ('<a href="">x</a>', None, '<a href="">', None, ()),
    ("<a href>x</a>", None, None, None, ()),  # no value: nothing to load
    ('<a href="#top">x</a>', None, None, None, ()),
    ('<a href="https://a.org/" onclick="go()">x</a>', "the onclick attribute of <a>", None,
     None, ("https://a.org/",)),
    ('<a href="https://a.org/"title="t">x</a>', None, None, None, ("https://a.org/",)),
    ("<a href='https://a.org/'>x</a>", None, None, None, ("https://a.org/",)),
    ('<a href="https://a.org/?q=&quot;">x</a>', None, None, None, ("https://a.org/?q=&quot;",)),
    ("2 < 3", None, None, "'< 3' (a '<' that starts no tag)", ()),
    # rendered notes: only common tags and plain links, decided by one match
    ('<h2>x</h2><p>a<br />b<br/>c<br>d</p><pre><code>e</code></pre><blockquote>f'
     '</blockquote><a href="https://a.org/1">1</a><a href="http://b.org/2">2</a>', None, None,
     None, ("https://a.org/1", "http://b.org/2")),
    ('<p>x</p><a href="https://a.org/ x">x</a>', None, None, None, ("https://a.org/ x",)),
    ('<p>x</p><a href="https://a.org/x"\n>x</a>', None, None, None, ("https://a.org/x",)),
    ("<p>x</p><custom>", None, None, "<custom> (not an HTML element)", ()),
    ("<p>x</p><style>", "<style>", None, None, ()),
    ("<p>x</p><p", None, None, None, ()),  # no '>': the tag is never closed, never read
    ("<p>x</p><", None, None, "'<' (a '<' that starts no tag)", ()),
    ('<p>x</p><a href="ftp://a.org/">x</a>', None, None, None, ("ftp://a.org/",)),
    ('<p>x</p><a href="mailto:a@b.org">x</a>', None, None, None, ("mailto:a@b.org",)),
    ('<p>x</p><img src="/a.png">', None, '<img src="/a.png">', None, ()),
])
def test_html_scan_edges(html: str, unsafe: str | None, relative: str | None,
                         not_html: str | None, links: tuple[str, ...]) -> None:
    facts = check_html(html)
    assert (facts.unsafe, facts.relative, facts.not_html, facts.links) == \
        (unsafe, relative, not_html, links)


def test_host_problem_follows_the_test_hosts_switch(monkeypatch: pytest.MonkeyPatch) -> None:
    feed = _feed_with_notes('<![CDATA[<a href="https://localhost:8000/x">x</a>]]>')
    line = line_of(feed, "localhost:8000")
    monkeypatch.delenv("FEEDPUB_ALLOW_TEST_HOSTS", raising=False)
    assert ("url-host", line) in _rules(feed)
    monkeypatch.setenv("FEEDPUB_ALLOW_TEST_HOSTS", "1")
    assert ("url-host", line) not in _rules(feed)  # same authority, the other answer
    monkeypatch.delenv("FEEDPUB_ALLOW_TEST_HOSTS")
    assert ("url-host", line) in _rules(feed)


def test_same_authority_with_user_info_or_port_is_judged_by_its_host() -> None:
    feed = _feed_with_notes('<![CDATA[<a href="https://ok.org@192.168.1.20/x">x</a>]]>')
    found = [f for f in _findings(feed) if f.rule == "url-host"]
    assert len(found) == 1 and "192.168.1.20 is a private address" in found[0].message


def test_items_of_one_shape_report_each_at_its_own_line() -> None:
    extra = "<itunes:category text=\"Arts\"/>\n<podcast:funky>x</podcast:funky>\n"
    items = "".join(make_item(n, extra=extra) for n in (1, 2, 3))
    feed = make_feed(items=items)
    placement = [f.line for f in _findings(feed) if f.rule == "itunes-placement"]
    unknown = [f.line for f in _findings(feed) if f.rule == "podcast-unknown"]
    assert placement == [line_of(feed, '<itunes:category text="Arts"/>', n)
                         for n in (1, 2, 3)]
    assert unknown == [line_of(feed, "<podcast:funky>", n) for n in (1, 2, 3)]


def test_shape_cache_starts_over_when_full() -> None:
    cache = ShapeCache(limit=2)
    cache.keep(("a",), 1)
    cache.keep(("b",), 2)
    assert cache.keep(("c",), 3) == 3
    assert dict(cache) == {("c",): 3}


def test_many_shapes_give_the_findings_of_few(monkeypatch: pytest.MonkeyPatch) -> None:
    # more shapes than the caches hold: each item still gets its own findings
    monkeypatch.setattr(rules_apple._PLACEMENT, "limit", 2)
    monkeypatch.setattr(rules_podcast._PODCAST_TAGS, "limit", 2)
    items = "".join(make_item(n, extra="".join(f"<itunes:x{k}/>\n" for k in range(n % 7)))
                    for n in range(1, 40))
    feed = make_feed(items=items)
    placement = [f for f in _findings(feed) if f.rule == "itunes-placement"]
    assert len(placement) == sum(n % 7 for n in range(1, 40))
    assert all("is not an element Apple defines" in f.message for f in placement)


def test_url_findings_keep_their_place_among_an_items_findings() -> None:
    # an item's URLs are checked together after its rules; each finding still comes
    # where its check was asked: the enclosure's plain-http warning, then its host
    enclosure = ('<enclosure url="http://192.168.1.20/a.mp3" length="1234567" '
                 'type="audio/mpeg"/>')
    feed = make_feed(items=make_item(1, enclosure=enclosure) + make_item(2))
    line = line_of(feed, "192.168.1.20")
    rules = [f.rule for f in _findings(feed) if f.line == line]
    assert rules == ["https", "url-host"]
    # a non-ASCII URL in the same item: its warning comes before the host's error
    feed = make_feed(items=make_item(1, site="https://podcast.example.org/é") + make_item(2))
    kinds = [f.rule for f in _findings(feed) if f.rule in ("url-ascii", "url-host")]
    assert kinds and kinds[0] == "url-ascii"


def test_an_items_context_takes_channel_facts_only_from_the_same_channel() -> None:
    from lxml import etree

    from feedpub.validate.findings import Collector
    from feedpub.validate.view import Context, Node

    english = Node(etree.fromstring(make_feed().encode()).find("channel"))
    french = Node(etree.fromstring(make_feed().replace("<language>en</language>",
                                                       "<language>fr</language>")
                                   .encode()).find("channel"))
    base = Context(Collector(""), NOW, english)
    assert Context(Collector(""), NOW, english, like=base).language == "en"
    assert Context(Collector(""), NOW, french, like=base).language == "fr"
