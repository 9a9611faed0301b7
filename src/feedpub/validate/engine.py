"""Run every offline rule over one feed: one parse, one pass over the items.

The order is fixed (document, channel, items, whole-feed) so the same feed
always yields the same findings in the same order.
"""

from __future__ import annotations

import gc
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

from lxml import etree

from . import rules_apple, rules_podcast, rules_rss, rules_sanity
from .data import ITUNES_NS, PODCAST_NS, PODCAST_NS_ALIASES
from .findings import Collector, Finding
from .view import Context, Node
from .xmlsafe import DEFAULT_MAX_SIZE, parse, parse_file

CHANNEL_RULES = (rules_rss.check_channel, rules_apple.check_channel,
                 rules_podcast.check_channel, rules_sanity.check_channel)
ITEM_RULES = (rules_rss.check_item, rules_apple.check_item, rules_podcast.check_item)
FINISH_RULES = (rules_apple.finish, rules_sanity.finish)


def validate_bytes(data: bytes, *, source: str = "feed.xml", now: datetime | None = None,
                   max_size: int = DEFAULT_MAX_SIZE,
                   size_warning: int = rules_sanity.FEED_SIZE_WARNING) -> list[Finding]:
    """Check a feed against every offline rule; never touches the network.

    ``now`` decides what counts as a future date (default: the current time).
    ``max_size`` refuses larger input before parsing; ``size_warning`` is the
    size above which ``feed-too-large`` is reported.
    """
    return analyse(data, source=source, now=now, max_size=max_size,
                   size_warning=size_warning)[0]


def analyse(data: bytes, *, source: str = "feed.xml", now: datetime | None = None,
            max_size: int = DEFAULT_MAX_SIZE,
            size_warning: int = rules_sanity.FEED_SIZE_WARNING,
            ) -> tuple[list[Finding], etree._Element | None]:
    """Like :func:`validate_bytes`, also returning the parsed root for online checks."""
    out = Collector(source)
    root = parse(data, out, max_size)
    if root is not None:
        check_tree(root, out, now=now, size=len(data), size_warning=size_warning, raw=data)
    return list(out), root


def validate_file(path: str | Path, *, now: datetime | None = None,
                  max_size: int = DEFAULT_MAX_SIZE, source: str | None = None,
                  size_warning: int = rules_sanity.FEED_SIZE_WARNING) -> list[Finding]:
    """:func:`validate_bytes` for a file (same findings), checking the size before reading."""
    return analyse_file(Path(path), source=source, now=now, max_size=max_size,
                        size_warning=size_warning)[0]


def analyse_file(path: Path, *, source: str | None = None, now: datetime | None = None,
                 max_size: int = DEFAULT_MAX_SIZE,
                 size_warning: int = rules_sanity.FEED_SIZE_WARNING,
                 ) -> tuple[list[Finding], etree._Element | None]:
    """Like :func:`analyse` for a file; libxml2 reads it directly (one copy in memory)."""
    out = Collector(source or str(path))
    root, size = parse_file(path, out, max_size)
    if root is not None:
        check_tree(root, out, now=now, size=size, size_warning=size_warning,
                   raw=path)
    return list(out), root


def _namespaces(root: etree._Element, channel: etree._Element | None,
                out: Collector) -> str | None:
    """Check namespace bindings; return the GitHub alias prefix if the feed uses it."""
    alias = None
    seen: dict[str | None, str] = dict(root.nsmap)
    if channel is not None:
        seen.update(channel.nsmap)
    for prefix, uri in seen.items():
        if prefix == "itunes" and uri != ITUNES_NS:
            out.error("itunes-namespace", f"prefix itunes is bound to {uri!r}", root,
                      f'Apple ignores every itunes: tag unless xmlns:itunes="{ITUNES_NS}"')
        if uri in PODCAST_NS_ALIASES:
            alias = "{" + uri + "}"
        elif prefix == "podcast" and uri != PODCAST_NS:
            out.error("podcast-namespace", f"prefix podcast is bound to {uri!r}", root,
                      f'declare xmlns:podcast="{PODCAST_NS}"')
    return alias


def item_label(item: Node) -> str:
    """How findings name an item: its title, else its guid, else its position."""
    title = item.text("title")
    if title:
        return f"item {title!r}"
    guid = item.text("guid")
    if guid:
        return f"item with guid {guid!r}"
    return f"item on line {item.line}"


def check_tree(root: etree._Element, out: Collector, *, now: datetime | None = None,
               size: int = 0, size_warning: int = rules_sanity.FEED_SIZE_WARNING,
               raw: bytes | Path | None = None) -> None:
    """Run all offline rules on a parsed feed."""
    # The walk allocates millions of short-lived, acyclic objects (element proxies,
    # strings); the cyclic collector would rescan the live ones again and again.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        _check_tree(root, out, now or datetime.now(UTC), size, size_warning, raw)
    finally:
        if was_enabled:
            gc.enable()


def check_item(item: Node, ctx: Context) -> None:
    """Every item rule on one item; its URLs are checked together at the end."""
    ctx.urls = []
    for rule in ITEM_RULES:
        rule(item, ctx)
    rules_rss.check_urls(ctx)
    ctx.urls = None


def _check_tree(root: etree._Element, out: Collector, now: datetime, size: int,
                size_warning: int, raw: bytes | Path | None) -> None:
    if root.tag != "rss" or root.get("version") != "2.0":
        found = root.tag if isinstance(root.tag, str) else "?"
        version = root.get("version")
        shown = f"<{found}>" if version is None else f"<{found} version={version!r}>"
        out.error("rss-root", f'the root element is {shown}, not <rss version="2.0">', root,
                  "feedpub validates RSS 2.0 podcast feeds (what Apple and Spotify read)")
        if root.tag != "rss":
            return
    channels = [c for c in root if c.tag == "channel"]
    if len(channels) != 1:
        out.error("rss-root", f"<rss> has {len(channels)} <channel> elements; it needs exactly 1",
                  root)
        if not channels:
            return
    alias = _namespaces(root, channels[0], out)
    channel = Node(channels[0], alias)
    ctx = Context(out, now, channel, raw)
    for rule in CHANNEL_RULES:
        rule(channel, ctx)
    for el in channel.kids.get("item", ()):
        item = Node(el, alias)
        out.item_label = partial(item_label, item)
        check_item(item, ctx)
        out.item = out.item_label = None
    for finish in FINISH_RULES:
        finish(ctx)
    rules_sanity.check_size(size, ctx, size_warning)
