"""What a validation run reports: findings, the rule registry and a summary.

Every check reports a :class:`Finding` under a stable, descriptive rule id
(``itunes-category``) so that CI logs, JSON consumers and the README all talk
about the same thing.  :data:`RULES` maps each id to the spec-notes check it
implements (``C8``) and a one-line summary; the README table is made from it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..errors import Diagnostic
from ..errors import Severity as Severity  # re-exported: the rule modules use it


class Finding(Diagnostic):
    """A validate finding: the one :class:`~feedpub.errors.Diagnostic` type, made with
    validate's argument order (how bad, which rule, what, line in ``source``, how to fix,
    the URL a network check looked at)."""

    def __init__(self, severity: Severity, rule: str, message: str, line: int | None = None,
                 hint: str | None = None, source: str | None = None,
                 url: str | None = None) -> None:
        super().__init__(source, message, line, None, hint, severity, rule, url)

    @property
    def source(self) -> str | None:
        """The file name or URL the line refers to."""
        return None if self.path is None else str(self.path)

    def as_dict(self) -> dict[str, Any]:
        """Every field, None included: JSON consumers get the same keys on every finding."""
        return {"severity": self.severity, "rule": self.rule, "message": self.message,
                "line": self.line, "hint": self.hint, "source": self.source, "url": self.url}

    def __str__(self) -> str:
        """A validate report's line: ``source:line: severity [rule] message``."""
        return self.format(severity=True)


@dataclass(frozen=True)
class Rule:
    spec: str  # check id in spec-notes §5.2 (D1..D12, C1..C36, I1..I28) or "-"
    summary: str


def _r(spec: str, summary: str) -> Rule:
    return Rule(spec, summary)


# Rule ids, grouped like spec-notes §5.2.  Keep in sync with the README table.
RULES: dict[str, Rule] = {
    # document and transport
    "xml-too-large": _r("D10", "file is over the --max-size limit; nothing else is checked"),
    "xml-malformed": _r("D2", "not well-formed XML (unescaped &, undefined entity, bad tag)"),
    "xml-entities": _r("D2", "DOCTYPE declares entities (entity bombs, external entities)"),
    "xml-namespace": _r("D7", "a namespace prefix is used but never declared"),
    "xml-encoding": _r("D3", "not UTF-8, or bytes that contradict the declared encoding"),
    "rss-root": _r("D4", 'root must be <rss version="2.0"> with exactly one <channel>'),
    "itunes-namespace": _r("D5", "itunes prefix bound to a wrong namespace URI"),
    "podcast-namespace": _r("D6", "podcast prefix bound to a wrong namespace URI"),
    "https": _r("D8", "feed, artwork or media URL uses plain http"),
    "feed-too-large": _r("D10", "feed is larger than directories handle comfortably"),
    # channel
    "channel-title": _r("C1", "channel <title> missing, empty or padded"),
    "channel-link": _r("C2", "channel <link> missing or not an absolute URL"),
    "channel-description": _r("C3", "channel <description> missing, empty or placeholder"),
    "description-length": _r("C3/I14", "description over Apple's 4000-byte limit"),
    "description-html": _r("I14", "raw (unescaped, non-CDATA) HTML elements in a description"),
    "relative-link": _r("I14", "relative link or image in HTML show notes"),
    "html-in-text": _r("-", "HTML markup in a plain-text element such as a title"),
    "text-markup": _r("-", "'<' before a letter in plain text, not written as &#x3C;"),
    "not-html": _r("I14", "show notes an HTML parser misreads ('2 < 3', <filename>)"),
    "html-unsafe": _r("I14", "script, event handler or javascript: link in show notes"),
    "url-ascii": _r("D8/I5", "URL with non-ASCII characters (an IRI, not a URI)"),
    "url-host": _r("D8", "URL on localhost, a private or link-local address, .local, or an "
                   "example name"),
    "itunes-placement": _r("C36", "itunes:* element in the wrong place, or not Apple's"),
    "rss-image": _r("-", "RSS <image> without url/title/link, or larger than 144x400"),
    "rss-value": _r("-", "malformed RSS value (ttl, e-mail fields, item link)"),
    "item-description": _r("I14", "content:encoded without a plain <description>"),
    "itunes-keywords": _r("C18", "itunes:keywords separated by spaces instead of commas"),
    "channel-language": _r("C4", "<language> missing or not an ISO 639 code"),
    "itunes-image": _r("C5/I19", "itunes:image missing, without href, or not .jpg/.png"),
    "itunes-category": _r("C8", "category missing or not in Apple's list"),
    "category-count": _r("C9", "more than one top-level category (Apple uses the first)"),
    "itunes-explicit": _r("C10/I18", "itunes:explicit missing or not true/false"),
    "itunes-type": _r("C11", "itunes:type not episodic/serial, or serial without numbers"),
    "itunes-author": _r("C12", "itunes:author missing"),
    "itunes-owner": _r("C13", "itunes:owner or its e-mail missing or invalid"),
    "atom-self": _r("C14", 'atom:link rel="self" missing, invalid or not the fetched URL'),
    "duplicate-element": _r("C15", "a single-valued element appears twice"),
    "itunes-yes": _r("C16", "itunes:block/complete with a value other than Yes/No"),
    "new-feed-url": _r("C17", "itunes:new-feed-url present or not absolute"),
    "text-length": _r("C18", "text longer than Apple's limit for that element"),
    "date-format": _r("C19/I13", "date is not RFC 2822"),
    "date-weekday": _r("C19/I13", "RFC 2822 date with the wrong day of the week"),
    "date-future": _r("C19/I13", "date in the future"),
    "no-episodes": _r("C20", "no item with an enclosure"),
    "podcast-guid": _r("C21", "podcast:guid missing, malformed or not the feed URL's UUIDv5"),
    "podcast-locked": _r("C22", "podcast:locked missing, not yes/no, or bad owner"),
    "podcast-medium": _r("C23", "podcast:medium not in the allowed list"),
    "podcast-text": _r("C24-29", "podcast:* text empty or over its length guidance"),
    "podcast-person": _r("C25", "podcast:person role/group not in the taxonomy"),
    "podcast-location": _r("C26", "podcast:location rel/geo/osm/country malformed"),
    "podcast-trailer": _r("C27", "podcast:trailer pubdate/length/season malformed"),
    "podcast-value": _r("C24-34", "podcast:* attribute has an invalid value"),
    "podcast-required": _r("C24-34/I21-27",
                           "podcast:* element misses a required attribute or child"),
    "podcast-https": _r("C35", "URL in a podcast:* tag is not https"),
    "podcast-placement": _r("C36", "podcast:* element in the wrong parent or repeated"),
    "podcast-unknown": _r("-", "podcast:* element the namespace does not define"),
    "placeholder-text": _r("-", "placeholder text such as 'Lorem ipsum' or 'TODO'"),
    "feed-url-host": _r("-", "feed URL on a host that can never answer with a 301"),
    # items
    "item-title": _r("I1", "item without a title"),
    "item-author": _r("-", "item <author> that is not an e-mail address"),
    "enclosure": _r("I2", "item without an enclosure or with missing attributes"),
    "enclosure-length": _r("I3", "enclosure length not a byte count, or not the real size"),
    "enclosure-type": _r("I4", "enclosure type invalid or not one Apple lists"),
    "enclosure-url": _r("I5", "enclosure URL not absolute http(s) or not ASCII"),
    "enclosure-duplicate": _r("I6", "two items share an enclosure URL"),
    "enclosure-multiple": _r("I7", "more than one enclosure in an item"),
    "guid-missing": _r("I8", "item without a guid"),
    "guid-duplicate": _r("I9", "two items share a guid"),
    "guid-permalink": _r("I10", "isPermaLink not true/false, or permalink not a URL"),
    "guid-short": _r("I12", "guid is a short bare number"),
    "item-pubdate": _r("I13", "item without pubDate"),
    "itunes-duration": _r("I15", "itunes:duration missing or malformed"),
    "itunes-number": _r("I16", "itunes:episode/season not a positive integer"),
    "itunes-episode-type": _r("I17", "itunes:episodeType not full/trailer/bonus"),
    "title-numbering": _r("I20", "episode/season number written into the title"),
    "duplicate-title": _r("-", "two items have the same title"),
    "podcast-transcript": _r("I21", "podcast:transcript type/rel/language wrong"),
    "podcast-chapters": _r("I23", "podcast:chapters type wrong"),
    "podcast-soundbite": _r("I24", "podcast:soundbite times malformed or too long/short"),
    "podcast-number": _r("I25", "podcast:season/episode not a number"),
    "podcast-live": _r("I27", "podcast:liveItem status/start/contentLink/enclosure"),
    # network
    "http-unreachable": _r("D1", "connection failed or timed out"),
    "http-status": _r("D1", "URL answered with an HTTP error"),
    "http-redirect": _r("D1", "redirect loop, too many hops or a broken Location"),
    "dead-redirector": _r("D1", "URL goes through a shut-down analytics prefix"),
    "http-head": _r("D11", "server does not answer HEAD properly"),
    "http-range": _r("D12", "no real 206 answer to a byte-range request"),
    "content-type": _r("D9/I4/I22", "served Content-Type does not fit the resource"),
    "content-encoding": _r("-", "media served compressed (breaks seeking)"),
    "cors": _r("I22", "transcript/chapters without Access-Control-Allow-Origin"),
    "artwork-format": _r("C6", "artwork not JPEG/PNG or extension not its real type"),
    "artwork-size": _r("C6", "artwork not square or outside 1400-3000 px"),
    "artwork-color": _r("C6", "artwork not RGB or has an alpha channel"),
    "artwork-bytes": _r("C7", "artwork file over 512 KB"),
    "transcript-content": _r("I22", "transcript file does not parse as its type"),
    "chapters-content": _r("I23", "chapters file is not valid JSON chapters"),
    "alternate-integrity": _r("I26", "an alternate encoding does not match its integrity hash"),
    # comparison with the published feed (--against)
    "against-unusable": _r("-", "the published feed could not be read or is HTML"),
    "episode-disappeared": _r("I11", "a published episode is missing from the new feed"),
    "guid-changed": _r("I11", "a published episode got a new guid"),
    "podcast-guid-changed": _r("C21", "podcast:guid differs from the published value"),
    "enclosure-changed": _r("I11", "a published episode's enclosure URL changed"),
    "enclosure-lost": _r("I11", "a published episode lost its enclosure"),
    "pubdate-changed": _r("I11", "a published episode's pubDate changed"),
}


@dataclass
class Report:
    """All findings of one run plus the counts the exit code is decided on."""

    source: str
    findings: list[Finding]

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    @property
    def errors(self) -> int:
        return self.count("error")

    @property
    def warnings(self) -> int:
        return self.count("warning")

    def failed(self, strict: bool = False) -> bool:
        """True when the run should exit 1: any error, or any warning under --strict."""
        return self.errors > 0 or (strict and self.warnings > 0)

    def sorted(self) -> list[Finding]:
        """Findings in file order (network ones, without a line, last); those moved to
        other files (a build's sources) after the report's own, file by file."""
        return sorted(self.findings, key=lambda f: (
            f.source != self.source, f.source or "", f.line is None, f.line or 0))


class Collector(list[Finding]):
    """A list of findings with helpers that take the line from an lxml element."""

    def __init__(self, source: str) -> None:
        super().__init__()
        self.source = source
        #: set by the engine while item rules run: "item 'Title'" (or its guid), so every
        #: finding on an item names it even when the feed is written on one line
        self.item: str | None = None
        #: or, cheaper when most items have no finding: what makes :attr:`item` when the
        #: first finding on the item is added
        self.item_label: Callable[[], str] | None = None

    def add(self, severity: Severity, rule: str, message: str, el: Any = None,
            hint: str | None = None, line: int | None = None, url: str | None = None) -> None:
        if line is None and el is not None:
            line = el.sourceline
        if self.item is None and self.item_label is not None:
            self.item = self.item_label()
        if self.item is not None and self.item not in message:
            message = f"{message} (in {self.item})"
        self.append(Finding(severity, rule, message, line, hint, self.source, url))

    def error(self, rule: str, message: str, el: Any = None, hint: str | None = None,
              **kw: Any) -> None:
        self.add("error", rule, message, el, hint, **kw)

    def warn(self, rule: str, message: str, el: Any = None, hint: str | None = None,
             **kw: Any) -> None:
        self.add("warning", rule, message, el, hint, **kw)

    def info(self, rule: str, message: str, el: Any = None, hint: str | None = None,
             **kw: Any) -> None:
        self.add("info", rule, message, el, hint, **kw)
