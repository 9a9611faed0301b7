"""The feed of a build: the channel and one chunk per item, unchanged items from the cache.

Each item's bytes are kept from one build to the next under a key derived from
everything the item writer reads (the built episode's ``key``, or a digest of the
fields the writer uses when it has none, the show's ``explicit`` and ``timezone``,
the layout's URLs and feedpub's code hash).  The chunks are not stored one file
each: the whole feed is kept as one cache blob and each ``items`` record says where
its item lies in it (offset, size) and the item's own SHA-256, checked before the
slice is used, so a damaged blob or record only costs that item a new rendering.

The feed is never held whole: it is written to its new blob as it is assembled (the
channel, then each item, rendered or read from the previous blob), and the build's
feed output is that file (``Output.source``).  Validation reads the items it checks
back a batch at a time.  Without a cache folder yet (a show's first build, which must
leave the show as it was if it is not written) or with a read-only one, the feed is
joined in memory instead.

The feed is then validated in parts (:mod:`feedpub.validate.incremental`): the
channel, the items whose bytes or context changed, and the rules items share; an
item's result is kept in its record under its bytes' digest and the context's.
``full=True`` (``build --check``) runs every rule on the whole document instead.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import re
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

from ..cache import BlobStream, Cache, StreamedBlob, code_hash
from ..model import BuiltEpisode, Show
from ..validate import Finding, validate_bytes
from ..validate.incremental import BATCH, ItemResult, Parts
from ..validate.xmlsafe import DEFAULT_MAX_SIZE
from .render import CLOSE, ItemWriter, ordered, render_channel

KIND = "items"
#: the record (in ``items``) naming the feed blob the item records point into, and the
#: validation context their results were found in
FEED_RECORD = "feed"


@dataclass
class Feed:
    """The feed and where each item lies in it (in feed order).

    Its bytes are in the file :attr:`path` (a cache blob written as the feed was made:
    a build never holds the feed whole) or, for a feed assembled without a writable
    cache, in :attr:`held`."""

    sha256: str
    size: int
    episodes: list[BuiltEpisode]  # newest first, as in the feed
    head: int  # bytes before the first item
    starts: list[int]  # offset of each item, then of the channel's close
    lines: list[int]  # line each item starts on
    end_line: int  # the line the channel's close starts on
    keys: list[str]
    shas: list[str]  # each item's seal (:func:`seal_of`)
    reused: int = 0  # items that came from the cache
    #: each item's notes lines: (notes key, seal, offset in the item, size); None when the
    #: episode has no build key to key them on
    notes: list[tuple[str, str, int, int] | None] = field(default_factory=list, repr=False)
    notes_reused: int = 0  # items written again around notes from the cache
    #: each item's kept validation result (JSON), found in ``context``
    checks: list[Any] = field(default_factory=list, repr=False)
    context: str = ""
    held: bytes | None = field(default=None, repr=False)
    #: the streamed file (keep this object while the file is read)
    blob: StreamedBlob | None = field(default=None, repr=False)

    @property
    def path(self) -> Path | None:
        return self.blob.path if self.blob is not None else None

    @property
    def data(self) -> bytes:
        """The whole feed, read from its file if it has one (whole-document work only)."""
        if self.held is not None:
            return self.held
        assert self.blob is not None
        return self.blob.path.read_bytes()

    def read(self, at: int, size: int) -> bytes | memoryview:
        """``size`` bytes at offset ``at``."""
        if self.held is not None:
            return memoryview(self.held)[at:at + size]
        assert self.blob is not None
        with open(self.blob.path, "rb", buffering=0) as fh:
            fh.seek(at)
            data: bytes = fh.read(size)
        if len(data) != size:
            raise OSError(f"{self.blob.path}: the feed's file changed during the build")
        return data

    def chunk(self, index: int) -> bytes | memoryview:
        return self.read(self.starts[index], self.starts[index + 1] - self.starts[index])

    def chunks(self, indices: list[int]) -> list[memoryview]:
        """The chunks of ``indices`` (ascending), each run of neighbours read at once."""
        found: list[memoryview] = []
        i = 0
        while i < len(indices):
            j = i + 1
            while j < len(indices) and indices[j] == indices[j - 1] + 1:
                j += 1
            first, last = indices[i], indices[j - 1]
            span = memoryview(self.read(self.starts[first], self.starts[last + 1] -
                                        self.starts[first]))
            base = self.starts[first]
            found.extend(span[self.starts[n] - base:self.starts[n + 1] - base]
                         for n in indices[i:j])
            i = j
        return found

    def newlines(self, index: int) -> int:
        """How many lines the ``index``-th item spans."""
        after = self.lines[index + 1] if index + 1 < len(self.lines) else self.end_line
        return after - self.lines[index]


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


def notes_key(built: BuiltEpisode) -> str:
    """The key of an item's notes lines (its description and content:encoded), which
    depend only on the episode's notes and title: its build key and feedpub's code; ""
    when the episode has no build key."""
    base = getattr(built, "key", "")
    return hashlib.sha256(f"notes\0{code_hash()}\0{base}".encode()).hexdigest() if base else ""


def seal_of(key: str, chunk: bytes | memoryview) -> str:
    """The SHA-256 of an item's key and bytes: a record moved under another key, or
    pointing at other bytes, does not match."""
    digest = hashlib.sha256(key.encode())
    digest.update(chunk)
    return digest.hexdigest()


def _record(found: Any) -> tuple[str, int, int, Any, Any] | None:
    """(seal, offset, size, check, notes) of a well-formed item record, else None."""
    if not (isinstance(found, list) and len(found) in (4, 5)):
        return None
    sha, at, size, check = found[:4]
    if not (isinstance(sha, str) and type(at) is int and type(size) is int and at >= 0 and
            size > 0):
        return None
    return sha, at, size, check, found[4] if len(found) == 5 else None


def _span(found: Any) -> tuple[str, int, int] | None:
    """(seal, offset, size) of a well-formed notes record (or an item record's notes)."""
    if not (isinstance(found, list) and len(found) == 3):
        return None
    sha, at, size = found
    if not (isinstance(sha, str) and type(at) is int and type(size) is int and at >= 0 and
            size > 0):
        return None
    return sha, at, size


class _Blob:
    """The feed of the build that stored the records, opened if an item is reused and read
    an item at a time (never whole)."""

    def __init__(self, cache: Cache, sha: Any) -> None:
        self.cache, self.sha = cache, sha
        self.file: BinaryIO | None = None
        self.size = 0
        self.tried = False

    def chunk(self, at: int, size: int, seal: str, key: str) -> bytes | None:
        if not self.tried:
            self.tried = True
            if isinstance(self.sha, str) and re.fullmatch(r"[0-9a-f]{64}", self.sha):
                try:
                    self.file = open(self.cache.blob_path(self.sha), "rb",
                                     buffering=0)
                    self.size = os.fstat(self.file.fileno()).st_size
                except OSError:
                    self.close()
        if self.file is None or at + size > self.size:
            return None
        try:
            self.file.seek(at)
            piece = self.file.read(size)
        except OSError:
            return None
        # checked against the item's own seal, not the blob's
        return piece if len(piece) == size and seal_of(key, piece) == seal else None

    def close(self) -> None:
        if self.file is not None:
            self.file.close()
            self.file = None


class _Memory:
    """Where a feed is assembled when the cache cannot take it as a stream."""

    def __init__(self) -> None:
        self.pieces: list[bytes | memoryview] = []

    def write(self, data: bytes | memoryview) -> None:
        self.pieces.append(data)

    def abort(self) -> None:
        self.pieces.clear()


def assemble(show: Show, episodes: list[BuiltEpisode], artwork_url: str,
             cache: Cache | None = None) -> Feed:
    """The feed of ``episodes``; items whose key is in ``cache`` are not written again.
    With a cache, the feed goes to a cache blob as it is made (in memory if the cache
    cannot be written)."""
    items = ordered(episodes)
    if cache is not None:
        try:
            stream = cache.stream_blob()
        except OSError:
            pass  # a read-only cache: the feed is assembled in memory
        else:
            try:
                return _assemble(show, items, artwork_url, cache, stream)
            except OSError:
                pass  # the cache could not take it all (a full disk): again, in memory
    return _assemble(show, items, artwork_url, cache, None)


def _assemble(show: Show, items: list[BuiltEpisode], artwork_url: str, cache: Cache | None,
              stream: BlobStream | None) -> Feed:
    head = render_channel(show, items, artwork_url)
    writer: ItemWriter | None = None
    kept = cache.lookup(KIND, FEED_RECORD) if cache is not None else None
    kept = kept if isinstance(kept, dict) else {}
    blob = _Blob(cache, kept.get("blob")) if cache is not None else None
    out: BlobStream | _Memory = stream if stream is not None else _Memory()
    keys, shas, checks, starts, lines = [], [], [], [], []
    notes: list[tuple[str, str, int, int] | None] = []
    reused = notes_reused = 0
    at, line = len(head), head.count(b"\n") + 1
    try:
        out.write(head)
        for built in items:
            key = item_key(show, built)
            record = _record(cache.lookup(KIND, key)) if cache is not None else None
            nkey = notes_key(built)
            piece: bytes | None = None
            if blob is not None and record is not None:
                piece = blob.chunk(record[1], record[2], record[0], key)
            kept_notes = _span(record[4]) if piece is not None and record is not None \
                else None
            if piece is not None and record is not None:
                reused += 1
                shas.append(record[0])
                checks.append(record[3])
                if nkey and kept_notes is not None and \
                        kept_notes[1] + kept_notes[2] <= len(piece):
                    notes.append((nkey, *kept_notes))
                else:
                    notes.append(None)  # rewritten into its notes record when next written
            else:
                # the notes lines from the previous feed when the episode is unchanged
                # (explicit or the time zone edited), rather than read its notes again
                span = _span(cache.lookup(KIND, nkey)) if nkey and cache is not None \
                    else None
                lines_kept = blob.chunk(span[1], span[2], span[0], nkey) \
                    if blob is not None and span is not None else None
                notes_reused += lines_kept is not None
                writer = writer or ItemWriter(show)
                piece, noff, nsize = writer.write_parts(built, lines_kept)
                shas.append(seal_of(key, piece))
                checks.append(None)
                notes.append((nkey, span[0] if lines_kept is not None and span is not None
                              else seal_of(nkey, piece[noff:noff + nsize]), noff, nsize)
                             if nkey else None)
            keys.append(key)
            starts.append(at)
            lines.append(line)
            out.write(piece)
            at += len(piece)
            line += piece.count(b"\n")
        starts.append(at)
        out.write(CLOSE)
    except BaseException:
        out.abort()
        raise
    finally:
        if blob is not None:
            blob.close()  # the earlier feed is no longer needed
    held: bytes | None = None
    streamed: StreamedBlob | None = None
    if isinstance(out, BlobStream):
        streamed = out.close()
        sha, size = streamed.sha256, streamed.size
    else:
        held = b"".join(out.pieces)
        out.pieces.clear()
        size = len(held)
        sha = (cache.put_blob(held, defer=True) if cache is not None
               else hashlib.sha256(held).hexdigest())
    if cache is not None and kept.get("blob") not in (None, sha):
        cache.release_blob(str(kept["blob"]))  # this build's feed replaces it
    context = kept.get("context")
    feed = Feed(sha, size, items, len(head), starts, lines, line, keys, shas, reused,
                notes, notes_reused, checks, context if isinstance(context, str) else "",
                held, streamed)
    if cache is not None:
        _store_all(cache, feed)
    return feed


def _check_all(parts: Parts, feed: Feed, todo: list[int], fork_items: int | None = None
               ) -> list[ItemResult] | None:
    """The item results of the items ``todo`` (in order), a batch at a time; None when a
    batch does not parse as those items.  With :data:`FORK_ITEMS` or more (``fork_items``)
    and a core to spare, a forked copy of this process checks the second half meanwhile
    (the rules are Python, bound to one core; each result is a function of the item's
    bytes and the context alone, so it is the same wherever it is found)."""
    limit = FORK_ITEMS if fork_items is None else fork_items
    if len(todo) < max(limit, 2) or not _may_fork():
        return _check_here(parts, feed, todo)
    half = len(todo) // 2
    if half >= BATCH:
        half -= half % BATCH  # whole batches on this side
    child = _Forked(lambda: _check_here(parts, feed, todo[half:]))
    try:
        mine = _check_here(parts, feed, todo[:half])
    except BaseException:
        child.stop()
        raise
    theirs = child.result()
    if mine is None:
        return None
    if not isinstance(theirs, list):  # the child failed: check its half here
        theirs = _check_here(parts, feed, todo[half:])
        if theirs is None:
            return None
    return mine + theirs


def _check_here(parts: Parts, feed: Feed, todo: list[int]) -> list[ItemResult] | None:
    results: list[ItemResult] = []
    for i in range(0, len(todo), BATCH):
        group = todo[i:i + BATCH]
        found = parts.check_items(feed.chunks(group), [feed.newlines(n) for n in group])
        if found is None:
            return None
        results.extend(found)
    return results


#: items to check from which a forked process checks half of them
FORK_ITEMS = 1000


def _may_fork() -> bool:
    """A core to spare, and a process that may fork: no other thread (a fork copies only
    the calling thread, so a lock another one holds would stay taken in the child)."""
    if not hasattr(os, "fork") or threading.active_count() != 1:
        return False
    try:
        return len(os.sched_getaffinity(0)) > 1
    except AttributeError:  # not on Linux
        return (os.cpu_count() or 1) > 1


class _Forked:
    """``work()`` run in a forked copy of this process; :meth:`result` is what it returned
    (pickled through a pipe) or None if the child failed.  The child leaves Ctrl-C to this
    process and ends with ``os._exit``: no clean-up of this process's runs twice (no
    finaliser deletes a file this process still uses)."""

    def __init__(self, work: Callable[[], object]) -> None:
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child (its result is what tests check)
            code = 1
            try:
                os.close(read)
                signal.signal(signal.SIGINT, signal.SIG_IGN)
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                data = pickle.dumps(work(), protocol=pickle.HIGHEST_PROTOCOL)
                with os.fdopen(write, "wb") as out:
                    out.write(data)
                code = 0
            finally:
                os._exit(code)
        os.close(write)
        self.pid, self.read = pid, read

    def result(self) -> object | None:
        try:
            with os.fdopen(self.read, "rb") as fh:
                data = fh.read()
        except BaseException:  # interrupted: the child's work is not needed
            self._end()
            raise
        _, status = os.waitpid(self.pid, 0)
        if status != 0 or not data:
            return None
        found: object = pickle.loads(data)  # from our own child
        return found

    def stop(self) -> None:
        self._end()
        os.close(self.read)

    def _end(self) -> None:
        try:
            os.kill(self.pid, signal.SIGKILL)
        except OSError:
            pass
        os.waitpid(self.pid, 0)


def _store_all(cache: Cache, feed: Feed) -> None:
    cache.store(KIND, FEED_RECORD, {"blob": feed.sha256, "context": feed.context})
    starts = feed.starts
    for n, key in enumerate(feed.keys):
        notes = feed.notes[n] if n < len(feed.notes) else None
        record = [feed.shas[n], starts[n], starts[n + 1] - starts[n], feed.checks[n]]
        if notes is not None:
            nkey, seal, at, size = notes
            record.append([seal, at, size])
            cache.store(KIND, nkey, [seal, starts[n] + at, size])
        cache.store(KIND, key, record)


def validate_feed(feed: Feed, cache: Cache | None = None, *, source: str = "feed.xml",
                  now: datetime | None = None, full: bool = False,
                  fork_items: int | None = None) -> list[Finding]:
    """The offline rules' findings on ``feed``: in parts, reusing the kept results of
    items whose bytes and context did not change, unless ``full`` (or the feed cannot be
    checked in parts: then the whole document, which gives the same findings).  The items
    to check are read a batch at a time; from ``fork_items`` of them (default
    :data:`FORK_ITEMS`) a forked process checks half."""
    if full or not feed.keys or feed.size > DEFAULT_MAX_SIZE:
        return validate_bytes(feed.data, source=source, now=now)
    parts = Parts(bytes(feed.read(0, feed.head)), source=source, now=now)
    if not parts.usable:
        return validate_bytes(feed.data, source=source, now=now)
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
    found = _check_all(parts, feed, todo, fork_items)
    if found is None:
        return validate_bytes(feed.data, source=source, now=now)
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
                               if r is not None], feed.size, recheck=recheck)
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
