"""libxml2's own guards, as validate/xmlsafe.py configures them, on hostile feeds."""

from __future__ import annotations

import time

from feedpub.validate import validate_bytes
from validate_feeds import make_feed


def rules(data: bytes) -> list[tuple[str, str]]:
    return [(f.rule, f.severity) for f in validate_bytes(data) if f.severity != "info"]


def test_quadratic_blowup_is_refused_quickly() -> None:
    """One big entity used many times: no nesting for a prolog scanner to notice."""
    big = "x" * 50_000
    data = (f'<!DOCTYPE rss [<!ENTITY a "{big}">]>\n<rss version="2.0"><channel><title>'
            + "&a;" * 20_000 + "</title></channel></rss>\n").encode()
    start = time.perf_counter()
    assert rules(data) == [("xml-entities", "error")]
    assert time.perf_counter() - start < 2.0


def test_entity_loop_is_refused() -> None:
    data = (b'<!DOCTYPE rss [<!ENTITY a "&b;"><!ENTITY b "&a;">]>\n'
            b'<rss version="2.0"><channel><title>&a;</title></channel></rss>\n')
    assert rules(data) == [("xml-entities", "error")]


def test_declared_but_unused_entity_is_still_refused() -> None:
    feed = make_feed().replace("<rss ", '<!DOCTYPE rss [<!ENTITY unused "x">]>\n<rss ', 1)
    assert rules(feed.encode()) == [("xml-entities", "error")]


def test_absurd_depth_is_a_finding_not_a_crash() -> None:
    data = b'<rss version="2.0">' + b"<a>" * 100_000 + b"</a>" * 100_000 + b"</rss>"
    found = rules(data)
    assert found and found[0] == ("xml-malformed", "error")


def test_bare_ampersand_and_html_entity_stay_plain_xml_mistakes() -> None:
    for text in ("Tips & tricks", "caf&eacute;"):
        feed = make_feed(channel_extra=f"<itunes:subtitle>{text}</itunes:subtitle>\n")
        assert rules(feed.encode()) == [("xml-malformed", "error")]
