"""Hostile and broken documents: the validator reports them, never crashes or leaks."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from feedpub.validate import Finding, validate_bytes, validate_file
from validate_feeds import BILLION_LAUGHS, NOW, line_of, make_feed


def only(findings: list[Finding], severity: str = "error") -> list[tuple[str, int | None]]:
    return [(f.rule, f.line) for f in findings if f.severity == severity]


def test_clean_feed_is_clean() -> None:
    findings = validate_bytes(make_feed().encode(), now=NOW)
    assert [f for f in findings if f.severity != "info"] == []


def test_unescaped_ampersand() -> None:
    feed = make_feed(channel_extra="<itunes:subtitle>Tips & tricks</itunes:subtitle>\n")
    findings = validate_bytes(feed.encode(), now=NOW)
    assert only(findings) == [("xml-malformed", line_of(feed, "Tips & tricks"))]
    assert "&amp;" in (findings[0].hint or "")


def test_html_entity_is_not_xml() -> None:
    feed = make_feed(channel_extra="<itunes:subtitle>a&nbsp;b</itunes:subtitle>\n")
    findings = validate_bytes(feed.encode(), now=NOW)
    assert only(findings) == [("xml-malformed", line_of(feed, "&nbsp;"))]
    assert "nbsp" in findings[0].message and "&#160;" in (findings[0].hint or "")


def test_mismatched_tag() -> None:
    feed = make_feed(channel_extra="<itunes:subtitle>x</itunes:summary>\n")
    assert only(validate_bytes(feed.encode(), now=NOW)) == [
        ("xml-malformed", line_of(feed, "</itunes:summary>"))]


def test_undeclared_prefix() -> None:
    feed = make_feed(channel_extra="<googleplay:block>yes</googleplay:block>\n")
    assert only(validate_bytes(feed.encode(), now=NOW)) == [
        ("xml-namespace", line_of(feed, "googleplay:block"))]


def test_empty_file() -> None:
    assert only(validate_bytes(b"  \n")) == [("xml-malformed", 1)]




def test_billion_laughs_is_refused_quickly() -> None:
    start = time.perf_counter()
    findings = validate_bytes(BILLION_LAUGHS)
    assert time.perf_counter() - start < 1.0
    assert [(f.rule, f.severity) for f in findings] == [("xml-entities", "error")]
    assert "lollol" not in str(findings)


@pytest.mark.parametrize("dtd", [
    '<!DOCTYPE rss [<!ENTITY secret SYSTEM "file://{path}">]>',
    '<!DOCTYPE rss [<!ENTITY % p SYSTEM "file://{path}"> %p;]>',
    '<!DOCTYPE rss SYSTEM "file://{path}">',
])
def test_external_entities_never_read_files(tmp_path: Path, dtd: str) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-TOKEN")
    feed = make_feed(channel_extra="<itunes:subtitle>&secret;</itunes:subtitle>\n"
                     if "secret SYSTEM" in dtd else "")
    feed = feed.replace("<rss ", dtd.format(path=secret) + "\n<rss ", 1)
    findings = validate_bytes(feed.encode(), now=NOW)
    assert "TOP-SECRET-TOKEN" not in repr(findings)
    if "ENTITY" in dtd:
        assert [f.rule for f in findings] == ["xml-entities"]


def test_size_limit_bytes_and_file(tmp_path: Path) -> None:
    data = make_feed().encode()
    findings = validate_bytes(data, max_size=1000)
    assert [(f.rule, f.severity) for f in findings] == [("xml-too-large", "error")]
    path = tmp_path / "feed.xml"
    path.write_bytes(data)
    assert [f.rule for f in validate_file(path, max_size=1000)] == ["xml-too-large"]
    assert [f for f in validate_file(path, now=NOW) if f.severity != "info"] == []


def test_declared_utf8_but_latin1_bytes() -> None:
    feed = make_feed(channel_extra="<itunes:subtitle>Caf\u00e9 cr\u00e8me</itunes:subtitle>\n")
    findings = validate_bytes(feed.encode("latin-1"), now=NOW)
    assert only(findings) == [("xml-encoding", line_of(feed, "Caf"))]
    assert "Latin-1" in (findings[0].hint or "")


def test_no_declaration_latin1_bytes() -> None:
    feed = make_feed(declaration="", channel_extra="<itunes:subtitle>\u00e9t\u00e9</itunes:subtitle>\n")
    assert only(validate_bytes(feed.encode("latin-1"), now=NOW)) == [
        ("xml-encoding", line_of(feed, "itunes:subtitle"))]


def test_declared_latin1_is_not_utf8() -> None:
    feed = make_feed(declaration='<?xml version="1.0" encoding="ISO-8859-1"?>\n',
                     channel_extra="<itunes:subtitle>\u00e9t\u00e9</itunes:subtitle>\n")
    findings = validate_bytes(feed.encode("latin-1"), now=NOW)
    assert only(findings) == [("xml-encoding", 1)]
    assert "mislabel" not in findings[0].message and "wrong" not in findings[0].message


def test_declared_latin1_but_utf8_bytes_is_mislabelled() -> None:
    feed = make_feed(declaration='<?xml version="1.0" encoding="ISO-8859-1"?>\n',
                     channel_extra="<itunes:subtitle>\u00e9t\u00e9</itunes:subtitle>\n")
    findings = validate_bytes(feed.encode("utf-8"), now=NOW)
    assert only(findings) == [("xml-encoding", 1)]
    assert "declaration is wrong" in findings[0].message


def test_utf16_feed() -> None:
    feed = make_feed(declaration='<?xml version="1.0" encoding="UTF-16"?>\n')
    findings = validate_bytes(feed.encode("utf-16"), now=NOW)
    assert only(findings) == [("xml-encoding", 1)]


def test_unknown_encoding_name() -> None:
    feed = make_feed(declaration='<?xml version="1.0" encoding="klingon-8"?>\n')
    assert only(validate_bytes(feed.encode(), now=NOW)) == [("xml-encoding", 1)]


def test_control_character() -> None:
    feed = make_feed(channel_extra="<itunes:subtitle>bell \x07 here</itunes:subtitle>\n")
    assert only(validate_bytes(feed.encode(), now=NOW)) == [
        ("xml-malformed", line_of(feed, "bell"))]


def test_lines_beyond_65535_are_exact() -> None:
    """libxml2 once truncated line numbers at 65535: big feeds need real lines."""
    pad = "<!-- -->\n" * 70_000
    feed = make_feed(channel_extra=pad + "<itunes:block>maybe</itunes:block>\n")
    findings = validate_bytes(feed.encode(), now=NOW)
    assert [(f.rule, f.line) for f in findings if f.severity == "warning"] == [
        ("itunes-yes", line_of(feed, "<itunes:block>maybe"))]
    assert line_of(feed, "<itunes:block>maybe") > 65535


PAD = "<!-- padding so the file is larger than the head parse_file reads -->\n" * 1500


@pytest.mark.parametrize("name, data", [
    ("clean", make_feed(channel_extra=PAD).encode()),
    ("latin1-deep", make_feed(channel_extra=PAD + "<itunes:subtitle>caf\u00e9</itunes:subtitle>\n")
     .encode("latin-1")),
    ("utf8-accents", make_feed(channel_extra=PAD + "<itunes:subtitle>caf\u00e9</itunes:subtitle>\n")
     .encode()),
    ("malformed-deep", make_feed(channel_extra=PAD + "<itunes:subtitle>a & b</itunes:subtitle>\n")
     .encode()),
    ("declared-latin1", make_feed(declaration='<?xml version="1.0" encoding="ISO-8859-1"?>\n',
                                  channel_extra=PAD).encode()),
    ("entities", BILLION_LAUGHS.replace(b"<rss", PAD.encode() + b"<rss")),
    ("utf16", make_feed(declaration='<?xml version="1.0" encoding="UTF-16"?>\n',
                        channel_extra=PAD).encode("utf-16")),
    ("empty", b"\n" * 70_000),
])
def test_file_and_bytes_give_the_same_findings(tmp_path: Path, name: str, data: bytes) -> None:
    path = tmp_path / "feed.xml"
    path.write_bytes(data)
    assert len(data) > 64 * 1024
    from_bytes = validate_bytes(data, source="feed.xml", now=NOW)
    assert validate_file(path, source="feed.xml", now=NOW) == from_bytes


def test_offline_rules_never_open_a_socket(monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("validate_bytes tried to use the network")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    feed = make_feed().replace('<rss ', '<!DOCTYPE rss SYSTEM "http://example.org/rss.dtd">\n<rss ')
    findings = validate_bytes(feed.encode(), now=NOW)
    assert [f for f in findings if f.severity != "info"] == []
