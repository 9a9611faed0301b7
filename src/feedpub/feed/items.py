"""The feed of a build: the channel and one chunk per item, unchanged items from the cache.

Each item's bytes are kept from one build to the next under a key derived from
everything the item writer reads (the built episode's ``key``, or a digest of the
fields the writer uses when it has none, the show's ``explicit`` and ``timezone``,
the layout's URLs and feedpub's code hash).  The chunks are not stored one file
each: the whole feed is kept as one cache blob and each ``items`` record says where
its item lies in it (offset, size) and the item's own SHA-256, checked before the
slice is used, so a damaged blob or record only costs that item a new rendering.

The feed is then validated in parts (:mod:`feedpub.validate.incremental`): the
channel, the items whose bytes or context changed, and the rules items share; an
item's result is kept in its record under its bytes' digest and the context's.
``full=True`` (``build --check``) runs every rule on the whole document instead.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..cache import Cache, code_hash
from ..model import BuiltEpisode, Show
from ..validate import Finding, validate_bytes
from ..validate.incremental import ItemResult, Parts
from ..validate.xmlsafe import DEFAULT_MAX_SIZE
from .render import CLOSE, ItemWriter, ordered, render_channel

KIND = "items"
#: the record (in ``items``) naming the feed blob the item records point into, and the
#: validation context their results were found in
FEED_RECORD = "feed"


@dataclass
class Feed:
    """The feed's bytes and where each item lies in them (in feed order)."""

    data: bytes
    sha256: str
    episodes: list[BuiltEpisode]  # newest first, as in the feed
    head: int  # bytes before the first item
    starts: list[int]  # offset of each item, then of the channel's close
    lines: list[int]  # line each item starts on
    keys: list[str]
    shas: list[str]  # each item's seal (:func:`seal_of`)
    reused: int = 0  # items that came from the cache
    #: each item's kept validation result (JSON), found in ``context``
    checks: list[Any] = field(default_factory=list, repr=False)
    context: str = ""

    def chunk(self, index: int) -> memoryview:
        return memoryview(self.data)[self.starts[index]:self.starts[index + 1]]


def item_key(show: Show, built: BuiltEpisode) -> str:
    """Everything the item writer reads, as one digest."""
    base = getattr(built, "key", "") or own_digest(built)
    fields = ("item", code_hash(), base, str(show.explicit), show.timezone,
              show.media_base_url, show.feed_url)
    return hashlib.sha256("\0".join(fields).encode()).hexdigest()


def own_digest(built: BuiltEpisode) -> str:
    """A digest of what the item writer (:class:`.render.ItemWriter`) reads of an episode,
    for a built episode without a ``key``."""
    ep, audio = built.episode, built.audio
    read = (ep.title, ep.link, ep.description_html, ep.guid, ep.guid_is_permalink,
            ep.pub_date.isoformat(), built.enclosure_url, audio.size, audio.mime,
            audio.duration, ep.image, ep.explicit, ep.episode_type, ep.season, ep.number,
            [(f.kind, f.mime, f.size, f.bitrate, f.sri, url) for f, url in built.encodings],
            [(o.kind, o.url, o.mime, o.language, o.rel) for o in built.companions],
            [(s.name, s.role, s.group, s.href, s.img) for s in ep.speakers])
    return hashlib.sha256(repr(read).encode("utf-8", "surrogatepass")).hexdigest()


def seal_of(key: str, chunk: bytes | memoryview) -> str:
    """The SHA-256 of an item's key and bytes: a record moved under another key, or
    pointing at other bytes, does not match."""
    digest = hashlib.sha256(key.encode())
    digest.update(chunk)
    return digest.hexdigest()


def _record(found: Any) -> tuple[str, int, int, Any] | None:
    """(seal, offset, size, check) of a well-formed record, else None."""
    if not (isinstance(found, list) and len(found) == 4):
        return None
    sha, at, size, check = found
    if not (isinstance(sha, str) and type(at) is int and type(size) is int and at >= 0 and
            size > 0):
        return None
    return sha, at, size, check


class _Blob:
    """The feed of the build that stored the records, read once if an item is reused."""

    def __init__(self, cache: Cache, sha: Any) -> None:
        self.cache, self.sha = cache, sha
        self.data: memoryview | None = None
        self.tried = False

    def chunk(self, at: int, size: int, seal: str, key: str) -> memoryview | None:
        if not self.tried:
            self.tried = True
            if isinstance(self.sha, str) and re.fullmatch(r"[0-9a-f]{64}", self.sha):
                try:
                    self.data = memoryview(self.cache.blob_path(self.sha).read_bytes())
                except OSError:
                    self.data = None
        data = self.data
        if data is None or at + size > len(data):
            return None
        piece = data[at:at + size]  # checked against the item's own seal, not the blob's
        return piece if seal_of(key, piece) == seal else None


def assemble(show: Show, episodes: list[BuiltEpisode], artwork_url: str,
             cache: Cache | None = None) -> Feed:
    """The feed of ``episodes``; items whose key is in ``cache`` are not written again."""
    items = ordered(episodes)
    head = render_channel(show, items, artwork_url)
    writer: ItemWriter | None = None
    kept = cache.lookup(KIND, FEED_RECORD) if cache is not None else None
    kept = kept if isinstance(kept, dict) else {}
    blob = _Blob(cache, kept.get("blob")) if cache is not None else None
    chunks: list[bytes | memoryview] = []
    keys, shas, checks = [], [], []
    reused = 0
    for built in items:
        key = item_key(show, built)
        record = _record(cache.lookup(KIND, key)) if cache is not None else None
        piece = blob.chunk(record[1], record[2], record[0], key) if blob and record else None
        if piece is not None and record is not None:
            reused += 1
            chunks.append(piece)
            shas.append(record[0])
            checks.append(record[3])
        else:
            writer = writer or ItemWriter(show)
            data = writer.write(built)
            chunks.append(data)
            shas.append(seal_of(key, data))
            checks.append(None)
        keys.append(key)
    sizes = [len(c) for c in chunks]
    data = b"".join([head, *chunks, CLOSE])
    del chunks, blob  # the earlier feed is no longer needed
    sha = (cache.put_blob(data, defer=True) if cache is not None
           else hashlib.sha256(data).hexdigest())
    starts, lines = [], []
    at, line = len(head), head.count(b"\n") + 1
    for size in sizes:
        starts.append(at)
        lines.append(line)
        line += data.count(b"\n", at, at + size)
        at += size
    starts.append(at)
    if cache is not None and kept.get("blob") not in (None, sha):
        cache.release_blob(str(kept["blob"]))  # this build's feed replaces it
    context = kept.get("context")
    feed = Feed(data, sha, items, len(head), starts, lines, keys, shas, reused, checks,
                context if isinstance(context, str) else "")
    if cache is not None:
        _store_all(cache, feed)
    return feed


def _store_all(cache: Cache, feed: Feed) -> None:
    cache.store(KIND, FEED_RECORD, {"blob": feed.sha256, "context": feed.context})
    starts = feed.starts
    for n, key in enumerate(feed.keys):
        cache.store(KIND, key, [feed.shas[n], starts[n], starts[n + 1] - starts[n],
                                feed.checks[n]])


def validate_feed(feed: Feed, cache: Cache | None = None, *, source: str = "feed.xml",
                  now: datetime | None = None, full: bool = False) -> list[Finding]:
    """The offline rules' findings on ``feed``: in parts, reusing the kept results of
    items whose bytes and context did not change, unless ``full`` (or the feed cannot be
    checked in parts: then the whole document, which gives the same findings)."""
    data = feed.data
    if full or not feed.keys or len(data) > DEFAULT_MAX_SIZE:
        return validate_bytes(data, source=source, now=now)
    parts = Parts(data[:feed.head], source=source, now=now)
    if not parts.usable:
        return validate_bytes(data, source=source, now=now)
    same_context = feed.context == parts.context
    results: list[ItemResult | None] = []
    todo = []
    for n, kept in enumerate(feed.checks):
        result = ItemResult.from_json(kept) if same_context and kept is not None else None
        if result is not None and not result.usable(parts.now):
            result = None
        if result is None:
            todo.append(n)
        results.append(result)
    if todo:
        found = parts.check_items([feed.chunk(n) for n in todo],
                                  [feed.lines[n + 1] - feed.lines[n] if n + 1 < len(feed.lines)
                                   else data.count(b"\n", feed.starts[n], feed.starts[n + 1])
                                   for n in todo])
        if found is None:
            return validate_bytes(data, source=source, now=now)
        for n, result in zip(todo, found, strict=True):
            results[n] = result
    complete: dict[int, ItemResult] = {n: r for n, r in enumerate(results)
                                       if r is not None and r.complete}

    def recheck(n: int) -> ItemResult | None:
        again = complete.get(n) or parts.check_item(feed.chunk(n))
        if again is not None:
            complete[n] = again
        return again

    findings = parts.findings([(feed.lines[n], r) for n, r in enumerate(results)
                               if r is not None], len(data), recheck=recheck)
    changed = not same_context
    for n in [*todo, *parts.repeating]:
        done = complete.get(n)
        if done is not None:  # kept whole when it repeats a value: no check next time
            kept = done.to_json(compact=n not in parts.repeating)
            changed = changed or kept != feed.checks[n]
            feed.checks[n] = kept
    feed.context = parts.context
    if changed and cache is not None:
        _store_all(cache, feed)
    return findings
