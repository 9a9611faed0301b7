"""The no-change fast path: what the last written build read and wrote, by stat fingerprint.

After ``feedpub build`` has written its outputs, :func:`record` saves
``.feedpub/cache/state.json``: the build's identity (show folder, output folder, site
on or off, the environment variables a build reads, the Python and the installed
packages, feedpub's own files) and one digest over the stat fingerprint (size, mtime,
ctime, inode) of everything the build read or could have read -- ``podcast.toml``, every
file and folder under the episodes folder, ``theme/``, the media folder, the artwork and
audio files the show names, the names in the show folder -- and of every file in the
output folder and ``feedpub.lock`` as the build left them.

Saving reuses the last state's listing of a tree for every top-level entry (an episode
folder) whose fingerprints below are all as saved (its folders' fingerprints vouch for
their names): one ``stat`` per path, a ``scandir`` only of what changed.

The next ``feedpub build`` asks :func:`up_to_date` before importing anything heavy:
when the identity is the same, the digest of the same walk is the same and no scheduled
episode has become due, the outputs are what a build would write, and the command only
prints the summary and warnings it saved.  Any doubt -- no state, a damaged, truncated or
foreign one, a file that cannot be read, a walk that differs -- means a normal build.

Editing a file in place changes its ctime, which no tool can set back, so a file edited
to the same size and mtime is still seen.  The one race is a file changed while a build
reads it: :func:`begin` reads the file system's clock (a temp file's ctime) before the
build reads anything, and a state whose sources carry a ctime at or after it is not saved,
so the next build runs in full.  A failed build leaves the last state: it wrote no output
(or the outputs' fingerprints differ now), and the state only vouches for the sources it
fingerprinted.

This module imports only the standard library's light parts: it runs before the rest
of feedpub is loaded.
"""

from __future__ import annotations

import json
import operator
import os
import stat as st_mode
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from datetime import datetime

    from .build.pipeline import BuildResult
    from .output import Plan

STATE = Path(".feedpub") / "cache" / "state.json"
FORMAT = 2
#: environment variables whose value can change what a build writes or says (besides
#: every ``FEEDPUB_*`` one): the time zone database's location
ENVIRONMENT = ("TZ", "PYTHONTZPATH")
#: how far back a change may be dated on a file system with coarse times (FAT keeps 2 s)
COARSE = 3_000_000_000
#: deeper folders than this (a symbolic link loop) make the walk give up: a normal build
MAX_DEPTH = 32


#: what a fingerprint holds of a file's stat: its type and permissions, size, mtime, ctime
#: and inode
FIELDS = operator.attrgetter("st_mode", "st_size", "st_mtime_ns", "st_ctime_ns", "st_ino")
#: the same of an output file, as the output folder's manifest records it
OUTPUT_FIELDS = operator.attrgetter("st_size", "st_mtime_ns", "st_ctime_ns", "st_ino")


class Doubt(Exception):
    """Something the fast path cannot vouch for: run the normal build."""


def is_temp(name: str) -> bool:
    """A temp file of an atomic write (see :mod:`feedpub.writefile`), left or in flight."""
    return name.startswith(".") and ".feedpub-" in name and name.endswith(".tmp")


def stat_entry(path: str) -> os.stat_result:
    """``stat`` through links (a dangling link: its own); a file gone is a doubt."""
    try:
        return os.stat(path)
    except FileNotFoundError:
        try:
            return os.lstat(path)
        except OSError as err:
            raise Doubt(f"{path}: {err.strerror}") from None
    except OSError as err:
        raise Doubt(f"{path}: {err.strerror}") from None


def fields_or_none(path: str) -> tuple[int, ...] | None:
    """A path's fingerprint as :func:`stat_entry` takes it; None when it is gone."""
    try:
        return FIELDS(stat_entry(path))
    except Doubt:
        return None


def group_starts(listing: list[str]) -> list[int]:
    """Where each top-level entry's group (the entry, then everything below it) begins in
    a listing (parents first)."""
    sep = os.sep
    return [i for i, rel in enumerate(listing) if sep not in rel]


def group_hashes(listing: list[str], found: list[tuple[int, ...]]) -> list[int]:
    """One number per top-level entry (an episode folder) for the fingerprints of its
    group: hash() of a tuple of ints is the same in every process of one Python (no hash
    seed), and Python's version is part of the identity."""
    starts = group_starts(listing)
    ends = [*starts[1:], len(found)]
    return [hash(tuple(found[a:b])) for a, b in zip(starts, ends, strict=True)]


class Changed(Exception):
    """A walk found something other than the saved digest (see :meth:`Walk.tree`)."""


class Walk:
    """The fingerprints of a set of files and folders, in a fixed order, as one digest.

    ``newest`` is the latest ctime seen outside ``exempt`` paths (what the build wrote)."""

    def __init__(self) -> None:
        self.parts: list[object] = []
        self.newest = 0
        self.fine = False  # a ctime finer than a millisecond: not a coarse file system

    def _note(self, name: str, st: os.stat_result, racy: bool) -> None:
        self.parts.append((name, FIELDS(st)))
        if racy:
            self.newest = max(self.newest, st.st_ctime_ns)
            self.fine = self.fine or st.st_ctime_ns % 1_000_000 != 0

    def file(self, path: str, racy: bool = True) -> None:
        self.parts.append(f"file {path}\n")
        try:
            found = os.stat(path)
        except FileNotFoundError:
            self.parts.append("missing\n")
            return
        except OSError as err:
            raise Doubt(f"{path}: {err.strerror}") from None
        self._note("", found, racy)

    def names(self, path: str, skip: frozenset[str]) -> None:
        """The names in a folder and which are folders (not their fingerprints: feedpub
        writes there too, e.g. feedpub.lock in the show folder)."""
        self.parts.append(f"names {path}\n")
        try:
            with os.scandir(path) as entries:
                names = sorted(e.name + "/" * e.is_dir() for e in entries
                               if e.name not in skip and not is_temp(e.name))
        except OSError as err:
            raise Doubt(f"{path}: {err.strerror}") from None
        self.parts.append("\0".join(names) + "\n")

    def tree(self, path: str, listing: list[str] | None, racy: bool = True,
             saved: str | None = None) -> list[str]:
        """A folder and every file and folder below it, each fingerprinted (links
        followed).  ``listing`` None: scan the folders and return what is there (paths
        relative to ``path``, parents first); given: stat those paths only.  A folder's
        own fingerprint changes whenever a name is added, removed or renamed in it, so
        the listing still holds while the folders' fingerprints are the same, and
        checking costs one ``stat`` per path, no ``scandir``.  ``saved``: the digest to
        compare with; a top folder that differs from it ends the walk there (raises
        :class:`Changed`: an episode added or removed costs no ``stat`` below)."""
        top = self._top(path, racy)
        if top is None:
            return []
        if saved is not None and not saved.startswith(json.dumps(self.parts)[:-1] + ", "):
            raise Changed(path)
        base = path + os.sep
        found: list[tuple[int, ...]] = []
        if listing is None:
            listing = []
            if st_mode.S_ISDIR(top.st_mode):
                self._scan(path, "", listing, found, 0)
            self._found(found, racy)
        else:
            try:  # the common case, at C speed: every path is there
                stat = os.stat
                found = [FIELDS(stat(base + rel)) for rel in listing]
            except OSError:  # one by one: a dangling link has its own fingerprint
                found = [FIELDS(stat_entry(base + rel)) for rel in listing]
        self.parts.append((len(found), group_hashes(listing, found)))
        return listing

    def _top(self, path: str, racy: bool) -> os.stat_result | None:
        """The top folder of a tree noted (None, and "missing" noted, when it is not there)."""
        self.parts.append(f"tree {path}\n")
        try:
            top = os.stat(path)
        except FileNotFoundError:
            self.parts.append("missing\n")
            return None
        except OSError as err:
            raise Doubt(f"{path}: {err.strerror}") from None
        self._note("", top, racy)
        return top

    def _found(self, found: list[tuple[int, ...]], racy: bool) -> None:
        if racy and found:
            self.newest = max(self.newest, max(f[3] for f in found))
            self.fine = self.fine or any(f[3] % 1_000_000 for f in found)

    def retree(self, path: str, saved_listing: list[str], saved: str) -> list[str]:
        """:meth:`tree` after a build, from the ``saved`` digest of the last one and its
        listing: a top-level entry (an episode folder) whose fingerprints below are all
        as saved keeps its saved listing (no ``scandir``: its folders' fingerprints
        vouch for their names); only the others are scanned, and the top folder's names
        are read again only when its fingerprint changed.  Gives what :meth:`tree` with
        no listing gives, for a ``stat`` per path."""
        try:
            old = json.loads(saved)
            old_top, (count, old_hashes) = old[1][1], old[2]
            starts = group_starts(saved_listing)
            if not (isinstance(old_hashes, list) and count == len(saved_listing)
                    and len(starts) == len(old_hashes)):
                raise ValueError
        except (ValueError, TypeError, IndexError, KeyError):
            return self.tree(path, None)
        top = self._top(path, True)
        if top is None:
            return []
        if not st_mode.S_ISDIR(top.st_mode):
            self.parts.append((0, []))
            return []
        base = path + os.sep
        now: list[tuple[int, ...] | None]
        try:
            stat = os.stat
            now = [FIELDS(stat(base + rel)) for rel in saved_listing]
        except OSError:
            now = [fields_or_none(base + rel) for rel in saved_listing]
        ends = [*starts[1:], len(saved_listing)]
        kept: dict[str, list[tuple[int, ...]]] = {}  # top-level name -> its fingerprints,
        where: dict[str, tuple[int, int]] = {}  # as saved, and its slice of the listing
        for a, b, h in zip(starts, ends, old_hashes, strict=True):
            group = now[a:b]
            if None not in group and hash(tuple(group)) == h:
                kept[saved_listing[a]] = cast("list[tuple[int, ...]]", group)
                where[saved_listing[a]] = (a, b)
        if list(FIELDS(top)) == old_top:  # the same names at the top, in the saved order
            names = [saved_listing[a] for a in starts]
        else:
            try:
                with os.scandir(path) as it:
                    names = [entry.name for entry in it]
            except OSError as err:
                raise Doubt(f"{path}: {err.strerror}") from None
        listing: list[str] = []
        found: list[tuple[int, ...]] = []
        for name in names:
            if name in kept:
                a, b = where[name]
                listing += saved_listing[a:b]
                found += kept[name]
            else:
                self._entry(base + name, name, listing, found, 0)
        self._found(found, True)
        self.parts.append((len(found), group_hashes(listing, found)))
        return listing

    def outputs(self, path: str, listing: list[str],
                fields: list[tuple[int, ...]] | None) -> None:
        """Files of the output folder by size, mtime, ctime and inode (``fields`` given:
        as the manifest took them once written; else a ``stat`` each).  Only feedpub's
        files: another file added there changes nothing in what a build writes."""
        self.parts.append(f"outputs {path}\n")
        if fields is None:
            base = path + os.sep
            try:
                fields = [OUTPUT_FIELDS(os.stat(base + rel)) for rel in listing]
            except OSError as err:  # a file deleted by hand
                raise Doubt(f"{path}: {err.strerror}") from None
        self.parts.append((len(fields), hash(tuple(fields))))

    def _scan(self, path: str, prefix: str, listing: list[str], found: list[tuple[int, ...]],
              depth: int) -> None:
        """Every path below ``path`` in the order the folder gives them (the listing is
        kept: checking stats them in the same order), each folder before its content."""
        if depth > MAX_DEPTH:
            raise Doubt(f"{path}: folders nested too deep")
        try:
            with os.scandir(path) as it:
                entries = list(it)
        except OSError as err:
            raise Doubt(f"{path}: {err.strerror}") from None
        for entry in entries:
            self._entry(entry.path, prefix + entry.name, listing, found, depth)

    def _entry(self, full: str, rel: str, listing: list[str], found: list[tuple[int, ...]],
               depth: int) -> None:
        """One path and, for a folder, everything below it."""
        try:
            st = os.stat(full)
        except OSError:
            st = stat_entry(full)  # a dangling link, or a doubt
        listing.append(rel)
        found.append(FIELDS(st))
        if st_mode.S_ISDIR(st.st_mode):
            self._scan(full, rel + os.sep, listing, found, depth + 1)

    def digest(self) -> str:
        """What was seen, as text to compare (small: a tree is a count and a hash)."""
        return json.dumps(self.parts)


def package_fingerprint() -> str:
    """feedpub's own files (code, templates, static files) and the installed packages'
    folders, by fingerprint: editing feedpub or installing, upgrading or removing any
    package (which adds and removes its ``*.dist-info`` folder) gives another value."""
    walk = Walk()
    walk.parts.append(f"{sys.version}\n{sys.executable}\n{code_fingerprint()}\n")
    walk.parts.append("\0".join(sys.path[1:]) + "\n")  # [0] is the script's or cwd
    for entry in sys.path[1:]:
        if os.path.basename(entry) in ("site-packages", "dist-packages"):
            walk.file(entry, racy=False)
    return walk.digest()


def code_fingerprint(package: str = os.path.dirname(os.path.abspath(__file__))) -> str:
    """The files of the package folder ``package`` (feedpub's own by default)."""
    walk = Walk()
    _code(walk, package, 0)
    return walk.digest()


def _code(walk: Walk, path: str, depth: int) -> None:
    if depth > MAX_DEPTH:
        raise Doubt(f"{path}: folders nested too deep")
    try:
        with os.scandir(path) as it:
            entries = sorted(it, key=lambda e: e.name)
        for entry in entries:
            if entry.name == "__pycache__":
                continue  # written by Python itself; the sources decide
            found = entry.stat()
            walk._note(entry.name, found, False)
            if st_mode.S_ISDIR(found.st_mode):
                _code(walk, entry.path, depth + 1)
    except OSError as err:
        raise Doubt(f"{path}: {err.strerror}") from None


def identity(root: Path, output: Path, site: bool) -> dict[str, Any]:
    """What, besides the show's files, decides the outputs of a build."""
    env = sorted([k, v] for k, v in os.environ.items()
                 if k.startswith("FEEDPUB_") or k in ENVIRONMENT)
    return {"format": FORMAT, "root": str(root), "output": str(output), "site": site,
            "env": env, "code": package_fingerprint()}


def walk_item(walk: Walk, item: list[str], saved: str | None = None) -> None:
    """Fingerprint one item ([how, path, ...]) into ``walk`` (``saved``: the digest it
    should give; a tree may stop early when it cannot, raising :class:`Changed`)."""
    how, path = item[0], item[1]
    if how == "file":
        walk.file(path)
    elif how == "tree":
        walk.tree(path, item[2:], saved=saved)
    elif how == "names":
        walk.names(path, frozenset(item[2:]))
    elif how == "written-file":
        walk.file(path, racy=False)
    elif how == "outputs":
        walk.outputs(path, item[2:], None)
    else:
        raise Doubt(f"unknown item {how!r}")


def scan_items(items: list[list[str]], walk: Walk,
               last: dict[str, tuple[list[str], str]] | None = None
               ) -> tuple[list[list[str]], list[str]]:
    """The items with their trees' listings filled in, and one digest per item (``walk``
    collects the newest ctime of all).  ``last``: each tree of the last saved state, by
    path: its listing and digest, for :meth:`Walk.retree`."""
    done, digests = [], []
    for item in items:
        one = Walk()
        if item[0] == "tree":
            before = (last or {}).get(item[1])
            listing = (one.tree(item[1], None) if before is None
                       else one.retree(item[1], *before))
            item = [*item[:2], *listing]
        else:
            walk_item(one, item)
        done.append(item)
        digests.append(one.digest())
        walk.newest = max(walk.newest, one.newest)
        walk.fine = walk.fine or one.fine
    return done, digests


def saved_trees(data: dict[str, Any] | None) -> dict[str, tuple[list[str], str]]:
    """The trees of a saved state (see :func:`scan_items`); nothing from a damaged one."""
    try:
        if data is None or data["identity"]["format"] != FORMAT:
            return {}
        return {item[1]: (item[2:], digest)
                for item, digest in zip(data["items"], data["sources"], strict=True)
                if item[0] == "tree" and isinstance(digest, str)
                and all(isinstance(rel, str) for rel in item)}
    except (KeyError, TypeError, ValueError, IndexError):
        return {}


def state_path(root: Path) -> Path:
    return root / STATE


def load(root: Path) -> dict[str, Any] | None:
    try:
        with open(state_path(root), "rb") as fh:
            data = json.loads(fh.read())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def up_to_date(root: Path, output: Path, site: bool,
               now: datetime | None = None) -> dict[str, Any] | None:
    """The saved summary of the last build if writing the show to ``output`` now would
    change nothing; None when in any doubt (then run the build)."""
    data = load(root)
    if data is None:
        return None
    try:
        items, summary = data["items"], data["summary"]
        until = data["until"]
        if not (isinstance(items, list) and isinstance(summary, dict)
                and all(isinstance(i, list) and len(i) >= 2
                        and all(isinstance(s, str) for s in i) for i in items)
                and (until is None or isinstance(until, int))
                and isinstance(data["sources"], list) and len(data["sources"]) == len(items)):
            return None
        moment = time_ns() if now is None else int(now.timestamp() * 1_000_000_000)
        if until is not None and moment >= until:
            return None  # a scheduled episode is due: it goes into the feed now
        if data["identity"] != identity(root, output, site):
            return None
        for item, digest in zip(items, data["sources"], strict=True):
            # cheapest first (podcast.toml, the lock): a change ends the walk there
            one = Walk()
            walk_item(one, item, digest if isinstance(digest, str) else None)
            if one.digest() != digest:
                return None
    except (KeyError, TypeError, Doubt, Changed):
        return None
    return summary


def time_ns() -> int:
    import time

    return time.time_ns()


class Stamp:
    """The file system's clock before a build reads its sources: the ctime of a temp file
    (see the module's docstring).  Nothing is written in the show."""

    def __init__(self, root: Path) -> None:
        import tempfile

        self.root = root
        self.ctime: int | None
        try:
            with tempfile.TemporaryFile(prefix="feedpub-stamp-") as fh:
                self.ctime = os.fstat(fh.fileno()).st_ctime_ns
        except OSError:
            self.ctime = None  # no temp folder: no fast path next time


def begin(root: Path) -> Stamp:
    return Stamp(root)


def items_of(result: BuildResult, output: Path, done: Plan) -> list[list[str]]:
    """What the build read or could read, then what it wrote, as walk items."""
    from .build.media import local_audio_path

    show = result.show
    root = show.root.resolve()
    theme = root / "theme"
    trees = [str((root / show.episodes_dir).resolve()),
             *([str(theme.resolve())] if theme.is_dir() else []),
             *([str(show.media_dir.resolve())] if show.media_dir else [])]
    skip = [".feedpub"]
    if output.is_relative_to(root) and output != root:
        skip.append(output.relative_to(root).parts[0])
    lock = str(result.lock.path)
    items: list[list[str]] = [
        ["file", str(root / "podcast.toml")],
        ["written-file" if result.lock.path in done.write else "file", lock],
        ["names", str(root), *skip]]
    # files named outside those folders: the artwork, audio, what an output is copied from
    # (not the cache's blobs: made by feedpub, checked against their hash when read)
    within = tuple(t + os.sep for t in [*trees, str(root / ".feedpub")])
    named = [*([root / show.artwork] if not show.artwork_is_url else []),
             *(local_audio_path(show, b.episode) for b in [*result.episodes, *result.scheduled]
               if not in_a_tree(b.episode.audio_file)),
             *(out.source for out in result.outputs)]
    extra: set[str] = set()
    for path in named:
        if path is not None and (not str(path).startswith(within) or ".." in path.parts):
            real = str(path.resolve())
            if not real.startswith(within):
                extra.add(real)
    for file in sorted(extra):
        # the file, and its folder's names (alternate encodings are found beside it)
        items += [["file", file], ["names", os.path.dirname(file)]]
    items += [["tree", t] for t in trees]
    return items


def in_a_tree(audio: str) -> bool:
    """An episode's audio named by a plain relative path (no ``..``, not absolute, no
    ``~``) is beside its episode.toml or in the media folder: inside a tree the walk
    covers already (no ``stat`` or ``resolve`` to place it)."""
    return bool(audio) and not audio.startswith(("/", "~")) and "://" not in audio \
        and ".." not in audio.replace("\\", "/").split("/")


def output_item(output: Path, done: Plan, walk: Walk) -> list[str]:
    """The output folder's files as the build left them: the fingerprints the manifest
    took of them (no ``stat`` more), and the manifest's own."""
    from .output import MANIFEST

    final = dict(done.final or {})
    try:
        final[MANIFEST] = list(OUTPUT_FIELDS(os.stat(output / MANIFEST)))
    except OSError as err:
        raise Doubt(f"{output / MANIFEST}: {err.strerror}") from None
    rels = sorted(final)
    walk.outputs(str(output), rels, [tuple(final[rel][:4]) for rel in rels])
    return ["outputs", str(output), *rels]


def record(stamp: Stamp, result: BuildResult, output: Path, site: bool, done: Plan) -> bool:
    """Save the state of a build just written to ``output``, with the summary and the
    messages a no-change rebuild prints again.  False when not saved: a source changed
    while the build ran, or the show folder is read-only."""
    from .build.pipeline import when

    path = state_path(stamp.root)
    if stamp.ctime is None:
        return False
    try:
        items = items_of(result, output, done)
        walk = Walk()
        items, digests = scan_items(items, walk, saved_trees(load(stamp.root)))
        outputs = Walk()
        items.append(output_item(output, done, outputs))
        digests.append(outputs.digest())
    except Doubt:
        return False
    # A file system that keeps coarse times (FAT: 2 s, some 1 s) may date a change made
    # after the stamp before it: there, anything from the last seconds is in doubt.
    since = stamp.ctime if walk.fine else stamp.ctime - COARSE
    if walk.newest >= since:
        return False  # changed while the build read it: the next build looks again
    until = None
    if result.scheduled:
        until = int(min(b.episode.pub_date for b in result.scheduled).timestamp()
                    * 1_000_000_000)
    show = result.show
    summary = {"feed": str(output / result.outputs[-1].path),
               "episodes": len(result.episodes), "scheduled": len(result.scheduled),
               "progress": [f"scheduled: {b.slug} on {when(show, b)}, left out of the feed "
                            "until then" for b in result.scheduled],
               "warnings": [f"{w.severity}: {w}" for w in result.warnings]}
    data = {"identity": identity(stamp.root, output, site), "items": items,
            "sources": digests, "until": until, "summary": summary}
    from .writefile import write_atomic

    try:
        write_atomic(path, json.dumps(data, ensure_ascii=False).encode("utf-8"))
    except OSError:
        return False
    return True
