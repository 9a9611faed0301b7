"""Feed findings reported where the podcaster can fix them.

The feed rules see feed.xml, but an item's elements come from one episode's
files: a too-long description is fixed in its ``description.md``, a bad title
at its line of ``episode.toml``.  :func:`locate` moves each finding on an item
to that source, and each finding on the channel to the line of ``podcast.toml``
it is written from; the few channel elements no key writes (``lastBuildDate``,
``generator``) stay at the feed's line.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from pathlib import Path

from lxml import etree

from ..episodes import DESCRIPTION_FILE
from ..errors import Diagnostic
from ..feed import Feed, ordered
from ..feed.render import CLOSE
from ..model import BuiltEpisode
from ..spec import NAMESPACES
from ..tomlsrc import load
from ..validate.findings import Finding, Report
from ..validate.xmlsafe import quoteattr

PREFIXES = {uri: prefix for prefix, uri in NAMESPACES.items()}
PREFIXES["http://purl.org/rss/1.0/modules/content/"] = "content"

#: item element -> the key of episode.toml it is written from
TOML_KEYS = {
    "title": "title", "link": "link", "guid": "guid", "pubDate": "date", "enclosure": "audio",
    "itunes:duration": "audio", "itunes:image": "image", "itunes:explicit": "explicit",
    "itunes:episodeType": "type", "itunes:season": "season", "podcast:season": "season",
    "itunes:episode": "number", "podcast:episode": "number", "podcast:person": "speakers",
}
#: item elements written from description.md
DESCRIPTION = {"description", "content:encoded"}
#: channel element -> the key of podcast.toml it is written from (the RSS <image>'s
#: children are the artwork, title and link; a list's entries are numbered on the way)
CHANNEL_KEYS = {
    "title": "title", "link": "link", "description": "description", "language": "language",
    "copyright": "copyright", "image": "artwork", "url": "artwork",
    "itunes:author": "author", "itunes:image": "artwork", "itunes:category": "categories",
    "itunes:explicit": "explicit", "itunes:type": "type", "itunes:owner": "owner",
    "itunes:name": "owner.name", "itunes:email": "owner.email",
    "podcast:guid": "podcast.guid", "podcast:locked": "podcast.locked",
    "podcast:medium": "podcast.medium", "podcast:funding": "podcast.funding",
    "podcast:person": "podcast.persons",
}
#: channel elements repeated once per entry of a podcast.toml list
LISTED = {"itunes:category", "podcast:funding", "podcast:person"}
ATOM_LINK = "{http://www.w3.org/2005/Atom}link"


def tag_name(el: etree._Element) -> str:
    qname = etree.QName(el)
    prefix = PREFIXES.get(qname.namespace or "")
    return f"{prefix}:{qname.localname}" if prefix else qname.localname


class Sources:
    """Where each line of a feed rendered from ``episodes`` came from."""

    def __init__(self, feed: bytes | None, episodes: list[BuiltEpisode],
                 show_toml: Path | None = None, parts: Feed | None = None) -> None:
        self.show_toml = show_toml
        self.toml_lines: dict[Path, dict[str, int | None]] = {}
        self.parts = parts if parts is not None and parts.lines and \
            (feed is None or parts.held is feed) else None
        if self.parts is not None:
            self._from_parts(self.parts)
            return
        if feed is None:
            assert parts is not None, "no feed to locate findings in"
            feed = parts.data
        root = etree.fromstring(feed)  # our own output: no untrusted input here
        items = root.findall("channel/item")
        channel = root.find("channel")
        #: the channel's own elements (not the items'), by line
        self.channel: list[tuple[int, etree._Element]] = [] if channel is None else [
            (el.sourceline, el) for child in channel if child.tag != "item"
            for el in child.iter() if isinstance(el.tag, str)]
        self.episodes = ordered(episodes)
        self.starts = [item.sourceline for item in items]
        # The last item ends at its last line of text (its closing tag one line on).
        self.end = max((el.sourceline + (el.text or "").count("\n") for el in items[-1].iter()),
                       default=0) + 1 if items else 0
        self.elements: dict[int, list[tuple[int, etree._Element]]] = {
            n: [(el.sourceline, el) for el in item.iter() if isinstance(el.tag, str)]
            for n, item in enumerate(items)}

    def _from_parts(self, parts: Feed) -> None:
        """The same from the build's assembled feed, parsing only the channel and the items
        a finding is on (each on its own, its lines counted from where it starts)."""
        root = etree.fromstring(bytes(parts.read(0, parts.head)) + CLOSE)  # our own output
        channel = root.find("channel")
        self.channel = [] if channel is None else [
            (el.sourceline, el) for child in channel for el in child.iter()
            if isinstance(el.tag, str)]
        nsmap = dict(root.nsmap)
        self.wrapper = ("<rss" + "".join(
            f" xmlns={quoteattr(uri)}" if prefix is None else f" xmlns:{prefix}={quoteattr(uri)}"
            for prefix, uri in nsmap.items()) + "><channel>\n").encode()
        self.episodes = parts.episodes
        self.starts = list(parts.lines)
        self.end = parts.end_line - 1
        self.elements = {}

    def item_elements(self, index: int) -> list[tuple[int, etree._Element]]:
        """The elements of the ``index``-th item with their lines in the feed."""
        found = self.elements.get(index)
        if found is None:
            assert self.parts is not None
            data = b"".join((self.wrapper, self.parts.chunk(index), b"</channel></rss>"))
            item = etree.fromstring(data)[0][0]
            shift = self.parts.lines[index] - 2  # the item starts on the wrapper's line 2
            found = self.elements[index] = [(el.sourceline + shift, el) for el in item.iter()
                                            if isinstance(el.tag, str)]
        return found

    def place(self, line: int) -> tuple[Path, int | None] | None:
        """The source file (and line) of feed line ``line``; None when no source has it."""
        index = bisect_right(self.starts, line) - 1
        if index < 0 or index >= len(self.episodes) or line > self.end:
            return self.channel_place(line)
        built = self.episodes[index]
        elements = self.item_elements(index)
        # The element that starts on that line, else the one that runs over it.
        at = [el for n, el in elements if n == line] or \
            [el for n, el in elements if n <= line][-1:]
        name = tag_name(at[0]) if at else "item"
        ep = built.episode
        if name in DESCRIPTION:
            return ep.folder / DESCRIPTION_FILE, None
        if name == "podcast:transcript":
            source = transcript_source(built, at[0].get("url"))
            if source is not None:
                return source, None
        if name == "podcast:chapters" and ep.chapters_file is not None:
            return ep.chapters_file, None
        toml = ep.folder / "episode.toml"
        key = TOML_KEYS.get(name)
        return toml, self.toml_line(toml, key) if key else None

    def channel_place(self, line: int) -> tuple[Path, int | None] | None:
        """podcast.toml and the line of the key a channel element on ``line`` comes from."""
        if self.show_toml is None:
            return None
        at = [el for n, el in self.channel if n == line]
        if not at and (not self.starts or line < self.starts[0]):
            at = [el for n, el in self.channel if n <= line][-1:]  # one that runs over it
        for el in [*at[-1:], *(at[-1].iterancestors() if at else ())]:
            name = tag_name(el)
            parent = el.getparent()
            if name in LISTED and parent is not None and parent.tag == el.tag:
                continue  # a subcategory: the entry is its parent's
            key = CHANNEL_KEYS.get(name)
            if el.tag == ATOM_LINK:  # the self link is the feed's own URL
                key = "feed_url" if el.get("rel") == "self" else "link"
            if key is None:
                continue
            if name in LISTED:  # the entry's number among its kind
                key += f".{sum(1 for c in el.itersiblings(preceding=True) if c.tag == el.tag)}"
            return self.show_toml, self.toml_line(self.show_toml, key)
        return None

    def toml_line(self, toml: Path, key: str) -> int | None:
        lines = self.toml_lines.setdefault(toml, {})
        if key not in lines:
            src, _ = load(toml)
            lines[key] = src.line_of(key) if src is not None else None
        return lines[key]


def transcript_source(built: BuiltEpisode, url: str | None) -> Path | None:
    language = next((o.language for o in built.companions if o.url == url), None)
    return next((t.source for t in built.transcripts if t.language == language), None)


def locate(findings: Sequence[Diagnostic], feed: bytes | None, episodes: list[BuiltEpisode],
           feed_path: str, show_toml: Path | None = None,
           parts: Feed | None = None) -> list[Diagnostic]:
    """Each finding at its source: an item's at its episode's files, the channel's at
    ``show_toml`` (podcast.toml), else at ``feed_path``:line.  ``parts``: the build's
    assembled ``feed`` (``feed`` None: its bytes are the parts'), so that only the items
    findings are on are parsed."""
    sources: Sources | None = None
    located = []
    for f in findings:
        place = None
        if f.line is not None:
            sources = sources or Sources(feed, episodes, show_toml, parts)
            place = sources.place(f.line)
        located.append(f.at(*place) if place else f.at(feed_path, f.line))
    return located


def locate_report(report: Report, feed: bytes, episodes: list[BuiltEpisode],
                  root: Path) -> Report:
    """A validate report on a feed built in memory (``validate --sources``, the pre-commit
    hook), each finding moved to the source file and line it comes from, relative to
    ``root``; what no source has stays at the in-memory feed's line."""
    moved = locate(report.findings, feed, episodes, report.source, root / "podcast.toml")
    return Report(report.source, [
        Finding(f.severity, f.rule or "", f.message, d.line, f.hint,
                str(d.relative_to(root).path), f.url)
        for f, d in zip(report.findings, moved, strict=True)])
