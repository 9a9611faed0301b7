"""A one-pass view of a channel or item: its children grouped by tag.

Rules ask "the itunes:duration of this item" thousands of times; grouping the
children once per element (one C-level iteration) is far cheaper than an XPath
query per question, and it lets duplicate-element checks read list lengths.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from .data import ATOM_NS, CONTENT_NS, ITUNES_NS, PODCAST_NS
from .findings import Collector
from .hosts import examples_allowed

IT = "{" + ITUNES_NS + "}"
PC = "{" + PODCAST_NS + "}"
ATOM = "{" + ATOM_NS + "}"
CONTENT = "{" + CONTENT_NS + "}"

Element = Any  # lxml.etree._Element; kept loose so rule modules stay cheap to type


class Node:
    """An element plus its element children grouped by Clark-notation tag."""

    __slots__ = ("el", "kids", "repeated")

    def __init__(self, el: Element, alias: str | None = None) -> None:
        self.el = el
        kids: dict[str, list[Element]] = {}
        repeated: list[str] = []  # tags seen more than once, for duplicate checks
        for child in el:
            tag = child.tag
            if type(tag) is not str:  # comments, processing instructions, entities
                continue
            if alias is not None and tag.startswith(alias):
                tag = PC + tag[len(alias):]
            bucket = kids.get(tag)
            if bucket is None:
                kids[tag] = [child]
            else:
                if len(bucket) == 1:
                    repeated.append(tag)
                bucket.append(child)
        self.kids = kids
        self.repeated = repeated

    def first(self, tag: str) -> Element | None:
        bucket = self.kids.get(tag)
        return bucket[0] if bucket else None

    def all(self, tag: str) -> list[Element]:
        return self.kids.get(tag) or []

    def text(self, tag: str) -> str | None:
        """Text of the first ``tag`` child, stripped; None when the child is absent."""
        bucket = self.kids.get(tag)
        if not bucket:
            return None
        return element_text(bucket[0]).strip()

    @property
    def line(self) -> int:
        return self.el.sourceline  # type: ignore[no-any-return]

    @property
    def shape(self) -> tuple[str, ...]:
        """The distinct child tags in document order: a feed's items share a few shapes,
        so rules that depend only on which tags are present decide once per shape."""
        return tuple(self.kids)


class ShapeCache(dict[Any, Any]):
    """What a rule decided for one shape (:attr:`Node.shape`), bounded: a feed of
    hand-written items may have many shapes, so it starts over past ``limit``."""

    def __init__(self, limit: int = 1024) -> None:
        super().__init__()
        self.limit = limit

    def keep(self, key: Any, value: Any) -> Any:
        if len(self) >= self.limit:
            self.clear()
        self[key] = value
        return value


def element_text(el: Element) -> str:
    """All text inside ``el`` (its own text when it has no element children)."""
    if len(el):
        return "".join(el.itertext())
    return el.text or ""


class SharedLines:
    """A document's lines, split once on first use for every item checked in it."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self._lines: list[bytes] | None = None

    def get(self) -> list[bytes]:
        if self._lines is None:
            self._lines = self.data.split(b"\n")
        return self._lines


#: stands for "the line of the first use" in a finding of an item checked on its own
FIRST = "\x00first-line\x00"


class Context:
    """What item rules need to know about the channel and earlier items."""

    def __init__(self, out: Collector, now: datetime, channel: Node,
                 raw: bytes | Path | SharedLines | None = None,
                 like: Context | None = None) -> None:
        """``like``: a context of the same channel to take what it read of it from (an
        item checked on its own gets a context of its own, thousands of times a build)."""
        self.out = out
        #: the feed's bytes (or its file, read only if needed), to tell how a character
        #: was written; None when not known
        self.raw = raw
        self._lines: list[bytes] | None = None
        self.now = now
        self.channel = channel
        self.allow_examples: bool
        self.language: str | None
        #: what the channel says, whatever a caller sets :attr:`serial` to
        self.serial_channel: bool
        if like is not None and like.channel is channel:
            self.allow_examples = like.allow_examples
            self.language = like.language
            self.serial_channel = like.serial_channel
        else:
            self.allow_examples = examples_allowed()
            self.language = channel.text("language")
            self.serial_channel = channel.text(IT + "type") == "serial"
        self.serial = self.serial_channel
        #: value -> the line it was first seen on, per kind ("guid", "enclosure", "title")
        self.seen: dict[str, dict[str, int]] = {"guid": {}, "enclosure": {}, "title": {}}
        self.items_with_enclosure = 0
        #: lines of the full items without itunes:episode (an error in a serial show)
        self.items_without_number: list[int] = []
        #: set for an item checked on its own (:mod:`.incremental`): values that other
        #: items may repeat are recorded here, as (kind, value, line), instead of compared
        self.pending: list[tuple[str, str, int]] | None = None
        #: while an item is checked: the URLs its rules asked about, as (findings so far,
        #: element, URL, what, ASCII check too), all checked at once when the item is done
        #: (:func:`.rules_rss.check_urls`); None: each URL is checked when asked
        self.urls: list[tuple[int, Element, str, str, bool]] | None = None

    def first_line(self, kind: str, value: str, line: int) -> int | str:
        """The line ``value`` was first used on (``line`` itself when new), for the checks
        of values two items must not share.  For an item checked on its own the answer is
        :data:`FIRST`, so the rule always reports; the finding waits in the item's result
        until the whole feed's items are combined, which keeps it only for a repeat."""
        if self.pending is not None:
            self.pending.append((kind, value, line))
            return FIRST
        return self.seen[kind].setdefault(value, line)

    def raw_lines(self, first: int, count: int = 1) -> bytes:
        """Source lines ``first`` .. ``first + count - 1`` as written (b"" when unknown)."""
        if self.raw is None or first < 1:
            return b""
        if self._lines is None:
            if isinstance(self.raw, SharedLines):
                self._lines = self.raw.get()
            else:
                data = self.raw if isinstance(self.raw, bytes) else self.raw.read_bytes()
                self._lines = data.split(b"\n")
        return b"\n".join(self._lines[first - 1:first - 1 + count])
