"""The offline rules run on a feed's parts: the channel, each item on its own, then what
the items share.

The rules of :mod:`.engine` fall in three groups, and so does this module:

* **channel rules**, run on the channel without its items (the same lines: a feed's
  items come after the channel's own elements);
* **item rules**, whose findings depend only on the item's bytes and a small context
  (the namespaces in scope, whether test hosts are allowed): an item is parsed and
  checked on its own, inside a wrapper that declares the feed's namespaces, and its
  result (:class:`ItemResult`, JSON) can be kept under its bytes' digest and
  :attr:`Parts.context` and reused while neither changes;
* **cross-item rules** (a guid, enclosure URL or title used twice, serial numbering,
  at least one episode, the feed's size), run on each item's small summary.

An item checked on its own reports every value other items must not repeat; those
findings wait, with the value and line, until :meth:`Parts.findings` walks the items
in feed order and keeps them only for a repeat.  The result is the findings of
:func:`.engine.validate_bytes`: the same rules, severities, messages, hints and lines,
in the same order (``tests/test_incremental.py`` checks it).
"""

from __future__ import annotations

import gc
import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import Any

from lxml import etree

from . import rules_sanity
from .engine import CHANNEL_RULES, FINISH_RULES, _namespaces, check_item, item_label
from .findings import Collector, Finding
from .hosts import examples_allowed
from .view import FIRST, Context, Element, Node, SharedLines
from .xmlsafe import DEFAULT_MAX_SIZE, make_parser, parse, quoteattr

#: how the feed goes on after its last item (feedpub's own feeds)
CLOSE = b"  </channel>\n</rss>\n"
#: the item's first line is line 2 of the wrapper it is checked in
_WRAPPER_LINES = 1
RESULT_VERSION = 1
#: items parsed together (each still checked on its own), and the most lines a batch may
#: have: libxml2 gives exact lines only up to 65,535
BATCH = 200
BATCH_LINES = 60_000


#: a finding, with the line counted from the item's first line (0)
Found = tuple[Any, ...]


@dataclass(frozen=True)
class ItemResult:
    """What the item rules found in one item, with lines counted from its first line (0)."""

    #: (severity, rule, message, line, hint, url) -- or, kept in the cache, the index in
    #: ``pending`` of a finding that waits for a repeat (rebuilt by checking the item
    #: again in the rare case of one).  A message holding :data:`~.view.FIRST` waits for
    #: the ``pending`` entry of the same rank.
    findings: tuple[Found | int, ...]
    #: (kind, value, line) of each value other items must not repeat
    pending: tuple[tuple[str, str, int], ...]
    enclosure: bool  # counts towards no-episodes
    unnumbered: int | None  # line of a full episode without itunes:episode
    #: the time the dates were checked against; None when one was in the future
    #: (such a result is not reused: the date becomes due)
    checked: float | None

    @property
    def complete(self) -> bool:
        return not any(type(f) is int for f in self.findings)

    def to_json(self, compact: bool = True) -> list[Any]:
        """JSON for the cache; ``compact``: waiting findings as their rank only (an item
        whose values another repeats is kept whole, so it need not be checked again)."""
        findings: list[Any] = []
        rank = 0
        for f in self.findings:
            if isinstance(f, int) or (compact and FIRST in f[2]):
                findings.append(rank)
                rank += 1
            else:
                rank += FIRST in f[2]
                findings.append(list(f))
        return [RESULT_VERSION, findings, [list(p) for p in self.pending], self.enclosure,
                self.unnumbered, self.checked]

    @classmethod
    def from_json(cls, data: Any) -> ItemResult | None:
        """The result kept by :meth:`to_json`, or None for anything else (a damaged cache)."""
        try:
            version, findings, pending, enclosure, unnumbered, checked = data
            if version != RESULT_VERSION or not isinstance(enclosure, bool):
                return None
            waits = tuple((str(k), str(v), int(n)) for k, v, n in pending)
            found: list[Found | int] = []
            rank = 0  # waiting findings so far
            for f in findings:
                if type(f) is int:
                    if f != rank:
                        return None
                    found.append(f)
                    rank += 1
                    continue
                s, r, m, n, h, u = f
                if s not in ("error", "warning", "info"):
                    return None
                rank += FIRST in str(m)
                found.append((s, str(r), str(m), _line(n), _opt(h), _opt(u)))
            if rank != len(waits):
                return None
            return cls(tuple(found), waits, enclosure, _line(unnumbered),
                       None if checked is None else float(checked))
        except (TypeError, ValueError):
            return None

    def usable(self, now: datetime) -> bool:
        """False when a date may be reported differently at ``now``."""
        return self.checked is not None and now.timestamp() >= self.checked


def _line(value: Any) -> int | None:
    if value is None:
        return None
    if type(value) is not int:
        raise ValueError("not a line")
    return value


def _opt(value: Any) -> str | None:
    return None if value is None else str(value)


def _item_result(out: Collector, ctx: Context, offset: int, now: datetime) -> ItemResult:
    """The findings collected for one item, lines made relative to its first line."""
    findings = tuple((f.severity, f.rule, f.message,
                      None if f.line is None else f.line - offset, f.hint, f.url)
                     for f in out)
    pending = tuple((k, v, n - offset) for k, v, n in ctx.pending or ())
    future = any(f[1] == "date-future" for f in findings)
    return ItemResult(findings, pending, ctx.items_with_enclosure > 0,
                      ctx.items_without_number[0] - offset if ctx.items_without_number
                      else None, None if future else now.timestamp())


def check_item_element(el: Element, alias: str | None, channel: Node, now: datetime,
                       raw: bytes | SharedLines | None, offset: int = 0,
                       like: Context | None = None) -> ItemResult:
    """Run the item rules on one parsed item, on its own (``like``: see :class:`Context`)."""
    out = Collector("")
    ctx = Context(out, now, channel, raw, like)
    ctx.pending = []
    ctx.serial = True  # record unnumbered episodes; the channel decides if that matters
    item = Node(el, alias)
    out.item_label = partial(item_label, item)
    check_item(item, ctx)
    return _item_result(out, ctx, offset, now)


class Parts:
    """A feed checked from its parts: ``head`` (the bytes before the first item) is parsed
    and checked at once; then each item with :meth:`check_item` (or a kept result), and
    :meth:`findings` combines them."""

    def __init__(self, head: bytes, *, source: str = "feed.xml", now: datetime | None = None,
                 close: bytes = CLOSE) -> None:
        self.now = now or datetime.now(UTC)
        self.out = Collector(source)
        self.usable = False
        self.context = ""
        self.wrapper = b""
        root = parse(head + close, self.out)
        channels = [] if root is None else [c for c in root if c.tag == "channel"]
        if root is None or self.out or root.tag != "rss" or root.get("version") != "2.0" \
                or len(channels) != 1 or any(c.tag == "item" for c in channels[0]):
            return  # only a plain channel is checked in parts (feedpub's own feeds are)
        channel_el = channels[0]
        self.alias = _namespaces(root, channel_el, self.out)
        self.channel = Node(channel_el, self.alias)
        self.ctx = Context(self.out, self.now, self.channel, head + close)
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            for rule in CHANNEL_RULES:
                rule(self.channel, self.ctx)
        finally:
            if was_enabled:
                gc.enable()
        nsmap = dict(root.nsmap)
        nsmap.update(channel_el.nsmap)
        decls = "".join(f" xmlns={quoteattr(uri)}" if prefix is None else
                        f" xmlns:{prefix}={quoteattr(uri)}"
                        for prefix, uri in sorted(nsmap.items(), key=lambda kv: kv[0] or ""))
        self.wrapper = f"<rss{decls}><channel>\n".encode()
        self.context = hashlib.sha256(
            b"%d\0%s" % (examples_allowed(), self.wrapper)).hexdigest()
        self._parser = make_parser()
        #: indices of the items that repeat another's guid, enclosure or title
        self.repeating: set[int] = set()
        self.usable = True

    def check_item(self, chunk: bytes | memoryview) -> ItemResult | None:
        """Parse and check one item's bytes (``<item>…</item>``) on its own; None when
        they do not parse as one item (then check the whole feed instead)."""
        found = self.check_items([chunk], [bytes(chunk).count(b"\n")])
        return None if found is None else found[0]

    def check_items(self, chunks: Sequence[bytes | memoryview],
                    lines: Sequence[int]) -> list[ItemResult] | None:
        """:meth:`check_item` of each chunk (``lines``: how many newlines each holds),
        parsed a batch at a time (one parse for up to :data:`BATCH` items, each then checked
        on its own, its lines counted from its first).  None when a batch does not parse
        as exactly those items."""
        results: list[ItemResult] = []
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            i = 0
            while i < len(chunks):
                j, total = i, 0
                while j < len(chunks) and j - i < BATCH and \
                        (j == i or total + lines[j] < BATCH_LINES):
                    total += lines[j]
                    j += 1
                found = self._batch(chunks[i:j], lines[i:j])
                if found is None:
                    return None
                results.extend(found)
                i = j
        finally:
            if was_enabled:
                gc.enable()
        return results

    def _batch(self, chunks: Sequence[bytes | memoryview],
               lines: Sequence[int]) -> list[ItemResult] | None:
        data = b"".join((self.wrapper, *chunks, b"</channel></rss>"))
        try:  # the wrapper is ours and an item holds no DOCTYPE: the hardened parser only
            root = etree.fromstring(data, self._parser)
        except etree.XMLSyntaxError:
            return None
        if len(root) != 1 or len(root[0]) != len(chunks):
            return None
        shared = SharedLines(data)
        results = []
        start = _WRAPPER_LINES + 1
        for el, count in zip(root[0], lines, strict=True):
            if el.tag != "item" or el.sourceline != start:
                return None
            results.append(check_item_element(el, self.alias, self.channel, self.now, shared,
                                              offset=start, like=self.ctx))
            start += count
        return results

    def findings(self, items: Iterable[tuple[int, ItemResult]], size: int,
                 size_warning: int = rules_sanity.FEED_SIZE_WARNING,
                 recheck: Callable[[int], ItemResult | None] | None = None) -> list[Finding]:
        """Every finding of the feed, given each item's first line and result in order
        (``recheck``: see :func:`combine`; :attr:`repeating` is set to what it returns)."""
        self.repeating = combine(self.out, self.ctx, items, recheck)
        for finish in FINISH_RULES:
            finish(self.ctx)
        rules_sanity.check_size(size, self.ctx, size_warning)
        return list(self.out)


def combine(out: Collector, ctx: Context, items: Iterable[tuple[int, ItemResult]],
            recheck: Callable[[int], ItemResult | None] | None = None) -> set[int]:
    """Add each item's findings at its place, keep the repeats among the waiting ones,
    and give ``ctx`` the counts the whole-feed rules read.  ``recheck(n)`` gives the
    complete result of the ``n``-th item, for a kept one whose waiting finding is due.
    Return the indices of the items that repeat another's value."""
    fired: set[int] = set()
    seen = ctx.seen
    source = out.source
    serial = ctx.serial
    for n, (start, result) in enumerate(items):
        rank = 0
        full: ItemResult | None = None
        for found in result.findings:
            waiting = isinstance(found, int) or FIRST in found[2]
            if waiting:
                kind, value, at = result.pending[rank]
                rank += 1
                first = seen[kind].setdefault(value, at + start)
                if first == at + start:
                    continue
                fired.add(n)
                if isinstance(found, int):
                    full = full or (recheck(n) if recheck is not None else None)
                    if full is None or not full.complete:
                        raise ValueError("a kept item result cannot be completed")
                    found = [f for f in full.findings
                             if not isinstance(f, int) and FIRST in f[2]][rank - 1]
            assert not isinstance(found, int)
            severity, rule, message, line, hint, url = found
            if waiting:
                message = message.replace(FIRST, str(first))
            out.append(Finding(severity, rule, message, None if line is None else line + start,
                               hint, source, url))
        if result.enclosure:
            ctx.items_with_enclosure += 1
        if serial and result.unnumbered is not None:
            ctx.items_without_number.append(result.unnumbered + start)
    return fired


def validate_parts(head: bytes, chunks: Sequence[bytes], *, source: str = "feed.xml",
                   now: datetime | None = None) -> list[Finding] | None:
    """Every offline finding of ``head + chunks + CLOSE``, each item checked on its own;
    None when the feed cannot be checked in parts."""
    parts = Parts(head, source=source, now=now)
    if not parts.usable:
        return None
    line = head.count(b"\n") + 1
    results = []
    for chunk in chunks:
        result = parts.check_item(chunk)
        if result is None:
            return None
        results.append((line, result))
        line += chunk.count(b"\n")
    size = len(head) + sum(len(c) for c in chunks) + len(CLOSE)
    if size > DEFAULT_MAX_SIZE:
        return None
    return parts.findings(results, size)


def validate_in_parts(data: bytes, *, source: str = "feed.xml",
                      now: datetime | None = None) -> list[Finding] | None:
    """The findings of :func:`.engine.validate_bytes` for any feed, its items checked each
    on its own and combined as a build does (None when the document is not a plain
    ``<rss version="2.0">`` with one channel): what shows that the split loses nothing."""
    moment = now or datetime.now(UTC)
    out = Collector(source)
    root = parse(data, out)
    if root is None or root.tag != "rss" or root.get("version") != "2.0":
        return None
    channels = [c for c in root if c.tag == "channel"]
    if len(channels) != 1:
        return None
    alias = _namespaces(root, channels[0], out)
    channel = Node(channels[0], alias)
    ctx = Context(out, moment, channel, data)
    for rule in CHANNEL_RULES:
        rule(channel, ctx)
    results = [(0, check_item_element(el, alias, channel, moment, data, like=ctx))
               for el in channel.kids.get("item", ())]
    combine(out, ctx, results)
    for finish in FINISH_RULES:
        finish(ctx)
    rules_sanity.check_size(len(data), ctx)
    return list(out)
