"""Regression tests for the validator review: crashes, false errors, XML safety, output."""

from __future__ import annotations

import pytest

from feedpub.validate import Finding, validate_bytes
from feedpub.validate.values import is_absolute_url, parse_rfc2822
from validate_feeds import ENTITY_BOMB, NOW, line_of, make_feed

CLEAN = make_feed(n_items=2)
PUBDATE = "Sat, 17 Oct 2026 12:00:00 +0000"


def not_info(findings: list[Finding]) -> list[tuple[str, str, int | None]]:
    return [(f.rule, f.severity, f.line) for f in findings if f.severity != "info"]


# 1. time zone offsets of 24 h or more -------------------------------------------------

@pytest.mark.parametrize("zone", ["+2400", "-2400", "+9900", "+0160"])
def test_impossible_zone_offset_is_a_date_format_error(zone: str) -> None:
    channel_date = f"<pubDate>Sat, 17 Oct 2026 12:00:00 {zone}</pubDate>\n"
    feed = make_feed(n_items=2, channel_extra=channel_date)
    feed = feed.replace(PUBDATE, f"Sat, 17 Oct 2026 12:00:00 {zone}")
    found = not_info(validate_bytes(feed.encode(), now=NOW))
    assert ("date-format", "error", line_of(feed, "<pubDate>Sat, 17 Oct 2026 12:00:00 "
                                                  + zone)) in found
    assert {rule for rule, _, _ in found} == {"date-format"}
    assert all(zone in f.message for f in validate_bytes(feed.encode(), now=NOW)
               if f.rule == "date-format")


def test_impossible_zone_offset_in_trailer_and_against() -> None:
    trailer = ('<podcast:trailer url="https://x.org/t.mp3" pubdate="Sat, 17 Oct 2026 '
               '12:00:00 -2400">Trailer</podcast:trailer>\n')
    feed = make_feed(n_items=1, channel_extra=trailer)
    assert [r for r, _, _ in not_info(validate_bytes(feed.encode(), now=NOW))] == [
        "date-format"]
    from lxml import etree

    from feedpub.validate.compare import compare_feeds

    new = make_feed(n_items=2).replace(PUBDATE, "Sat, 17 Oct 2026 12:00:00 +9900")
    root = etree.fromstring(new.encode())
    found = compare_feeds(root, make_feed(n_items=2).encode())
    assert [f.rule for f in found] == ["pubdate-changed"]


def test_largest_real_offsets_still_parse() -> None:
    assert parse_rfc2822("Sat, 17 Oct 2026 12:00:00 +1400").utcoffset() is not None
    assert parse_rfc2822("Sat, 17 Oct 2026 12:00:00 -2359").utcoffset() is not None


# 2. malformed URLs never crash; is_absolute_url rejects them ---------------------------

@pytest.mark.parametrize("url", ["https://[::1", "https://[x", "https://[x]/feed.xml",
                                 "https://example.org:99999/feed.xml",
                                 "https://example.org:http/feed.xml"])
def test_broken_hosts_and_ports_are_not_absolute_urls(url: str) -> None:
    assert not is_absolute_url(url)


@pytest.mark.parametrize("url", ["https://[::1]/feed.xml", "https://example.org:8443/f.xml",
                                 "https://example.org/a?t=12:30"])
def test_ports_and_ipv6_hosts_are_absolute_urls(url: str) -> None:
    assert is_absolute_url(url)


@pytest.mark.parametrize("url", ["https://[::1", "https://example.org:99999/feed.xml"])
def test_broken_self_link_is_reported_not_a_crash(url: str) -> None:
    feed = make_feed(feed_url=url)
    found = not_info(validate_bytes(feed.encode(), now=NOW))
    assert ("atom-self", "error", line_of(feed, "atom:link")) in found


def test_broken_urls_everywhere_never_crash() -> None:
    bad = "https://[::1"
    feed = make_feed(n_items=1, feed_url=bad, artwork=bad + "/a.jpg",
                     enclosure=f'<enclosure url="{bad}/a.mp3" length="5" type="audio/mpeg"/>')
    feed = feed.replace("https://podcast.example.org/show/ep-1/transcript.vtt", bad)
    rules = {f.rule for f in validate_bytes(feed.encode(), now=NOW)}
    assert {"atom-self", "enclosure-url"} <= rules


def test_dead_redirector_check_survives_a_broken_host() -> None:
    from feedpub.validate.network import dead_redirector

    assert dead_redirector("https://[::1") is None
    assert dead_redirector("https://chrt.fm/track/X/a.mp3") == "chrt.fm"


# 4b. folding whitespace in RFC 2822 dates -------------------------------------------

@pytest.mark.parametrize("date", ["Sat,  17 Oct 2026 12:00:00 +0000",
                                  "Sat, 17  Oct 2026  12:00:00   +0000",
                                  "Sat, 17 Oct 2026\t12:00:00 +0000",
                                  "Sat,17 Oct 2026 12:00:00 +0000"])
def test_folding_whitespace_in_dates_is_valid(date: str) -> None:
    feed = CLEAN.replace(PUBDATE, date)
    assert not_info(validate_bytes(feed.encode(), now=NOW)) == []


def test_folded_date_with_wrong_weekday_is_still_caught() -> None:
    feed = CLEAN.replace(PUBDATE, "Mon,  17 Oct 2026 12:00:00 +0000")
    assert [r for r, _, _ in not_info(validate_bytes(feed.encode(), now=NOW))] == [
        "date-weekday"]


# 4a. SPDX licences need no url; custom ones without a url are a warning ----------------

@pytest.mark.parametrize("licence", ["BSD-3-Clause", "MPL-2.0", "ISC", "Unlicense", "MIT",
                                     "CC-BY-4.0", "cc-by-sa-4.0", "CC0-1.0", "0BSD",
                                     "GPL-3.0-or-later", "Apache-2.0", "MIT OR Apache-2.0"])
def test_spdx_licences_need_no_url(licence: str) -> None:
    feed = make_feed(channel_extra=f"<podcast:license>{licence}</podcast:license>\n")
    assert not_info(validate_bytes(feed.encode(), now=NOW)) == []


@pytest.mark.parametrize("licence", ["my-own-terms", "All rights reserved"])
def test_custom_licence_without_url_is_a_warning(licence: str) -> None:
    feed = make_feed(channel_extra=f"<podcast:license>{licence}</podcast:license>\n")
    found = validate_bytes(feed.encode(), now=NOW)
    assert not_info(found) == [("podcast-required", "warning", line_of(feed, licence))]
    licence_finding = next(f for f in found if f.rule == "podcast-required")
    assert "needs a url" in licence_finding.message
    with_url = feed.replace("<podcast:license>",
                            '<podcast:license url="https://example.org/terms">')
    assert not_info(validate_bytes(with_url.encode(), now=NOW)) == []


# 4c. a pretty-printed channel title is a warning, not an error -------------------------

def test_pretty_printed_title_is_a_warning() -> None:
    feed = CLEAN.replace("<title>The Example Show</title>",
                         "<title>\n  The Example Show\n</title>")
    found = not_info(validate_bytes(feed.encode(), now=NOW))
    assert found == [("channel-title", "warning", line_of(feed, "<title>"))]


# 10. transcript, chapters and person go through the generic attribute checks ----------

def test_hot_podcast_tags_report_missing_attributes_and_http_once() -> None:
    feed = CLEAN.replace(
        '<podcast:chapters url="https://podcast.example.org/show/ep-2/chapters.json" '
        'type="application/json+chapters"/>',
        '<podcast:chapters type="application/json+chapters"/>').replace(
        '<podcast:person role="guest">Grace Guest 2</podcast:person>',
        '<podcast:person role="guest" img="http://x.org/g.jpg">Grace Guest 2</podcast:person>'
    ).replace('https://podcast.example.org/show/ep-1/transcript.vtt" type="text/vtt"',
              'http://podcast.example.org/show/ep-1/transcript.vtt"')
    found = not_info(validate_bytes(feed.encode(), now=NOW))
    assert sorted(found) == sorted([
        ("podcast-required", "error", line_of(feed, "ep-1/transcript.vtt")),
        ("podcast-https", "error", line_of(feed, "ep-1/transcript.vtt")),
        ("podcast-required", "error", line_of(feed, '<podcast:chapters type=')),
        ("podcast-https", "error", line_of(feed, "g.jpg")),
    ])


# 5. a DOCTYPE's entities are found behind comments and processing instructions ----------

LEADERS = [b"<!-- <x> -->\n", b"<?xml version=\"1.0\"?>\n<!-- <rss> -->\n",
           b"<?xml-stylesheet href=\"<a>\"?>\n", b"<!--\n<channel>\n-->\n" * 3]


@pytest.mark.parametrize("leader", LEADERS)
def test_billion_laughs_behind_a_comment_is_refused(leader: bytes, tmp_path) -> None:
    from feedpub.validate import validate_file

    data = leader + ENTITY_BOMB
    assert [(f.rule, f.severity) for f in validate_bytes(data)] == [("xml-entities", "error")]
    path = tmp_path / "feed.xml"
    path.write_bytes(data)
    assert [f.rule for f in validate_file(path)] == ["xml-entities"]


def test_entities_after_a_long_comment_in_a_file(tmp_path) -> None:
    """The DOCTYPE lies beyond the head parse_file reads itself."""
    from feedpub.validate import validate_file

    path = tmp_path / "feed.xml"
    path.write_bytes(b"<!-- " + b"<x> " * 40_000 + b"-->\n" + ENTITY_BOMB)
    assert [f.rule for f in validate_file(path)] == ["xml-entities"]


def test_xxe_behind_a_comment_never_reads_the_file(tmp_path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-TOKEN")
    feed = make_feed(channel_extra="<itunes:subtitle>&secret;</itunes:subtitle>\n")
    dtd = f'<!-- <rss> --><!DOCTYPE rss [<!ENTITY secret SYSTEM "file://{secret}">]>\n'
    feed = feed.replace("<rss ", dtd + "<rss ", 1)
    findings = validate_bytes(feed.encode(), now=NOW)
    assert [f.rule for f in findings] == ["xml-entities"]
    assert "TOP-SECRET-TOKEN" not in repr(findings)


def test_entity_text_in_comments_or_strings_is_not_a_declaration() -> None:
    quoted = make_feed().replace(
        "<rss ", '<!DOCTYPE rss PUBLIC "-//x//<!ENTITY//EN" "rss.dtd">\n<rss ', 1)
    assert "xml-entities" not in {f.rule for f in validate_bytes(quoted.encode(), now=NOW)}
    commented = make_feed(channel_extra="<!-- <!DOCTYPE x [<!ENTITY a 'b'>]> -->\n")
    assert not_info(validate_bytes(commented.encode(), now=NOW)) == []


def test_utf16_feed_with_entities_is_refused() -> None:
    data = ('<?xml version="1.0" encoding="UTF-16"?>\n<!-- <x> -->\n'
            + ENTITY_BOMB.decode()).encode("utf-16")
    assert "xml-entities" in {f.rule for f in validate_bytes(data)}


# 8. UTF-16 without a byte-order mark ---------------------------------------------------

@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
@pytest.mark.parametrize("declaration", ['<?xml version="1.0" encoding="UTF-16"?>\n', ""])
def test_utf16_without_bom_is_named(codec: str, declaration: str) -> None:
    feed = make_feed(declaration=declaration,
                     channel_extra="<itunes:subtitle>Caf\u00e9 cr\u00e8me</itunes:subtitle>\n")
    findings = validate_bytes(feed.encode(codec), now=NOW)
    assert [(f.rule, f.severity, f.line) for f in findings] == [("xml-encoding", "error", 1)]
    assert codec[:6].upper() in findings[0].message
    assert "Latin-1" not in str(findings[0])


# 7. output formats and the served charset ----------------------------------------------

def test_json_findings_always_have_every_key() -> None:
    import json

    from feedpub.validate.findings import Report
    from feedpub.validate.output import render_json

    report = Report("feed.xml", [Finding("error", "http-status", "gone"),
                                 Finding("warning", "cors", "no CORS", 4, "allow it",
                                         "feed.xml", "https://x.org/t.vtt")])
    doc = json.loads(render_json(report))
    keys = {"severity", "rule", "message", "line", "hint", "source", "url"}
    assert [set(f) for f in doc["findings"]] == [keys, keys]
    assert doc["findings"][-1]["line"] is None and doc["findings"][-1]["url"] is None


def test_github_annotations_of_an_in_memory_build_name_no_file() -> None:
    from feedpub.validate.output import annotation

    f = Finding("warning", "atom-self", "no self link", 7, None, "feed.xml (built in memory)")
    assert annotation(f) == "::warning line=7,title=atom-self::no self link"
    on_disk = Finding("warning", "atom-self", "no self link", 7, None, "public/feed.xml")
    assert annotation(on_disk).startswith("::warning file=public/feed.xml,line=7,")


@pytest.mark.parametrize("served, declared", [
    ("utf8", "utf-8"), ("UTF-8", "utf8"), ("utf-8", "UTF-8"), ('"utf_8"', "UTF-8"),
    ("latin1", "ISO-8859-1"), ("utf-8", None)])
def test_same_charset_spelled_differently_is_no_warning(served: str, declared: str | None
                                                        ) -> None:
    from feedpub.validate.findings import Collector
    from feedpub.validate.runner import _check_feed_type

    decl = f'<?xml version="1.0" encoding="{declared}"?>' if declared else ""
    out = Collector("feed.xml")
    _check_feed_type(f"application/rss+xml; charset={served}", (decl + "<rss/>").encode(), out)
    assert list(out) == []


def test_different_charset_is_still_a_warning() -> None:
    from feedpub.validate.findings import Collector
    from feedpub.validate.runner import _check_feed_type

    out = Collector("feed.xml")
    _check_feed_type("application/rss+xml; charset=iso-8859-1",
                     b'<?xml version="1.0" encoding="utf8"?><rss/>', out)
    assert [(f.rule, f.severity) for f in out] == [("xml-encoding", "warning")]


# digits that str.isdigit() accepts but int() refuses ("²") -----------------------------

def test_superscript_digits_are_findings_not_crashes() -> None:
    image = ("<image><url>https://x.org/a.png</url><title>t</title><link>https://x.org/</link>"
             "<width>\u00b2</width></image>\n<ttl>\u00b3</ttl>\n")
    feed = make_feed(n_items=1, channel_extra=image,
                     enclosure='<enclosure url="https://media.example.org/show/episode-1.mp3" '
                               'length="\u00b2" type="audio/mpeg"/>')
    found = not_info(validate_bytes(feed.encode(), now=NOW))
    assert {(rule, severity) for rule, severity, _ in found} == {
        ("rss-image", "error"), ("rss-value", "error"), ("enclosure-length", "error")}


def test_superscript_length_in_online_targets() -> None:
    from lxml import etree

    from feedpub.validate.netchecks import collect_targets

    feed = make_feed(n_items=1, enclosure='<enclosure url="https://x.org/a.mp3" '
                                          'length="\u00b2" type="audio/mpeg"/>')
    media = [t for t in collect_targets(etree.fromstring(feed.encode())) if t.kind == "media"]
    assert [(t.url, t.declared_length) for t in media] == [("https://x.org/a.mp3", None)]
