"""The build cache in ``.feedpub/cache/``: an accelerator only, never a record of truth.

Kinds of entries:

* **rendered text** (Markdown show notes -> HTML; records of kind ``rendered``), keyed by
  a hash of the input and of feedpub's own code, so an upgrade or a local edit of feedpub
  never reuses output of another renderer; read only by a build that renders a note (at
  10,000 episodes the renderings are ~65 MiB of ``str`` in memory);
* **audio fingerprints** (``build.json``, read when first asked for): a file's size,
  mtime, ctime and inode -> the SHA-256 it had,
  so an unchanged audio file costs one ``stat`` instead of a full read.  A file replaced
  by another with the same size and mtime still changes ctime (which no tool can set),
  and a fresh clone changes them all, which only falls back to hashing.

* **records** (:meth:`Cache.lookup` / :meth:`Cache.store`): JSON values under a key the
  caller derives from everything the value depends on, one file per kind
  (``records-<kind>.json``), loaded only when a build first asks for that kind.  The
  file is one JSON object written one record a line (:class:`Records`): loading it only
  splits the lines, a record is parsed when it is looked up, and saving writes back the
  text of every unchanged record as it was read, so a build that changes one record of
  10,000 encodes one (a damaged line is a miss for its record alone);
* **blobs** (:meth:`Cache.put_blob` / :meth:`Cache.get_blob`): bytes kept under their own
  SHA-256 in ``blobs/``, checked against it when read, so a damaged blob is a miss.
  A large blob can be written as it is made (:meth:`Cache.stream_blob`: the feed), never
  held in memory whole.
  Small blobs read only through :meth:`Cache.get_blob` (an episode's notes and transcript
  segments) are packed: one file in ``packs/`` per build, named by its hash, each blob's
  place in it in ``blobs.json``; a pack none of whose blobs is used any more is removed,
  one less than half used is written again with what is;
  :meth:`Cache.intact_blob` checks one without reading it when its file is as this cache
  wrote or last checked it (size, mtime, ctime, inode in ``blobs.json``; any rewrite
  changes ctime), and reads it back against its hash otherwise.

Every file carries the show's ``podcast:guid`` and the code hash: a cache copied
from another show, written by another feedpub, truncated or corrupt is ignored whole.
``feedpub.lock`` stays what a fresh checkout builds from.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import time
import weakref
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO

from .writefile import write_with

CACHE_DIR = Path(".feedpub") / "cache"
FILE = "build.json"
BLOBS = "blobs"
BLOB_INDEX = "blobs.json"
#: where blobs being streamed are written until complete (in ``blobs/``)
STREAMING = "tmp"
PACKS = "packs"  # small blobs of one build, packed into one file (Cache.put_blob(packed=True))
#: a blob waiting for the save: (offset, size) in the build's temp file, or its bytes
Spooled = tuple[int, int] | bytes
PACKED = "p:"  # a packed blob's entry in the index: p:<pack>:<offset>:<length>
#: a streaming file older than this was left by a build that was killed: removed at save
STALE_STREAM_SECONDS = 3600
_KIND = re.compile(r"^[a-z][a-z0-9-]{0,40}$")
RENDERED = "rendered"  # the records kind of the Markdown renderings (they name no blob)
_SHA = re.compile(r"[0-9a-f]{64}").fullmatch


@lru_cache(maxsize=1)
def code_hash() -> str:
    """A hash of feedpub's own files (code, templates): any change makes a new cache."""
    package = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".html", ".css", ".js", ".json", ".txt"):
            digest.update(path.relative_to(package).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def stamp(st: os.stat_result) -> str:
    """:func:`fingerprint` as one string: the blob index holds tens of thousands, and a
    list of four numbers each would be five objects to parse (and for the GC to walk)."""
    return f"{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}"


def fingerprint(st: os.stat_result) -> list[int]:
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


def quick_write(path: Path, data: bytes | Callable[[BinaryIO], object],
                made: bool = False) -> None:
    """Write a cache file (``data``, or what the callable writes to the open file) by
    rename, without fsync: a file lost in a crash is a miss, and a damaged one fails its
    check (``made``: its folder exists)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        if not made:
            path.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "wb") as fh:
            if isinstance(data, bytes):
                fh.write(data)
            else:
                data(fh)
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)  # an accelerator: a read-only show still builds


def encode(value: Any) -> str:
    """A record's JSON: compact, and never with a raw line break (JSON escapes them)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class Records:
    """The records of one kind: the text of each as read from its file, parsed when first
    looked up; those stored in this build; the keys this build used (the others are
    dropped at save)."""

    def __init__(self, path: Path, identity: dict[str, str]) -> None:
        self.path = path
        self.header = '{"identity":' + encode(identity) + ',"records":{'
        self.text: dict[str, str] = {}  # key -> its value's JSON as read
        self.values: dict[str, Any] = {}  # key -> parsed or stored value
        self.stored: set[str] = set()  # keys whose value this build set anew
        self.used: set[str] = set()
        self.replaced = False  # a record read from the file was stored anew
        self.read_as: str | None = None  # the file's stamp, when read in its lines
        try:
            body = path.read_text(encoding="utf-8")
            st = os.stat(path)
        except (OSError, ValueError):
            return  # none yet, or damaged: start afresh
        if self._lines(body):
            self.read_as = stamp(st) if len(body.encode("utf-8")) == st.st_size else None
        else:
            self._whole(body, identity)

    def _lines(self, body: str) -> bool:
        """The file as :meth:`save` writes it: the identity on the first line, one record
        a line, ``}}`` on the last; False if it is not laid out so (then parsed whole)."""
        lines = body.split("\n")
        if len(lines) < 2 or lines[0] != self.header or lines[-1] != "}}":
            return False
        text = {}
        for line in lines[1:-1]:
            if line.endswith(","):
                line = line[:-1]
            end = line.find('":')
            if end < 1 or line[0] != '"':
                return False
            if "\\" in line[:end]:  # an escape in the key: let JSON find its end
                try:
                    key, end = json.JSONDecoder().raw_decode(line)
                except ValueError:
                    return False
                if not isinstance(key, str) or line[end:end + 1] != ":":
                    return False
                text[key] = line[end + 1:]
            else:
                text[line[1:end]] = line[end + 2:]
        self.text = text
        return True

    def _whole(self, body: str, identity: dict[str, str]) -> None:
        try:
            data = json.loads(body)
        except ValueError:
            return
        if isinstance(data, dict) and data.get("identity") == identity and \
                isinstance(data.get("records"), dict):
            self.values = data["records"]

    def get(self, key: str) -> Any | None:
        found = self.values.get(key)
        if found is None and key in self.text:
            try:
                found = self.values[key] = json.loads(self.text[key])
            except ValueError:
                found = None  # a damaged line: a miss (and the file written anew)
                del self.text[key]
                self.read_as = None
        return found

    def __contains__(self, key: str) -> bool:
        return key in self.text or key in self.values

    def put(self, key: str, value: Any) -> None:
        if self.get(key) != value:
            self.replaced = self.replaced or key in self
            self.values[key] = value
            self.stored.add(key)

    def keys(self) -> set[str]:
        return self.text.keys() | self.values.keys()

    def save(self) -> bool:
        """Write the used records if that changes the file; True if a record was dropped
        or replaced (the blobs it named may be unused now)."""
        keys = self.keys()
        kept = sorted(k for k in keys if k in self.used)
        dropped = len(kept) < len(keys)
        if not dropped and not self.stored:
            return False

        def line(key: str) -> str:
            text = None if key in self.stored else self.text.get(key)
            return json.dumps(key) + ":" + (encode(self.values[key]) if text is None else text)

        def fill(fh: BinaryIO) -> None:  # a few hundred lines at a time: no copy of it all
            fh.write(self.header.encode("utf-8") + b"\n")
            for start in range(0, len(kept), 500):
                fh.write(b"," * (start > 0) + b"\n" * (start > 0) + ",\n".join(
                    line(k) for k in kept[start:start + 500]).encode("utf-8"))
            fh.write(b"\n}}" if kept else b"}}")

        if not dropped and not self.replaced and self.text and self.append(
                ",\n".join(line(k) for k in sorted(self.stored)).encode("utf-8")):
            return False
        quick_write(self.path, fill)
        return dropped or self.replaced

    def append(self, lines: bytes) -> bool:
        """Add new records' lines at the end of the file, if it is still exactly as read
        (a rebuild that adds one episode to 10,000 writes one line, not the whole file);
        False if it is not (it is then written whole).  A write cut short leaves a file
        that does not end in ``}}``: ignored whole, a miss."""
        if self.read_as is None:
            return False
        try:
            with open(self.path, "r+b") as fh:
                if stamp(os.fstat(fh.fileno())) != self.read_as:
                    return False
                fh.seek(-3, os.SEEK_END)
                if fh.read(3) != b"\n}}":
                    return False
                fh.seek(-3, os.SEEK_END)
                fh.write(b",\n" + lines + b"\n}}")
        except OSError:
            return False
        return True


class Cache:
    """One show's cache, loaded once per build and saved (atomically) if it changed."""

    def __init__(self, root: Path, show_id: str) -> None:
        self.path = root / CACHE_DIR / FILE
        self.identity = {"show": show_id, "code": code_hash()}
        # build.json (audio fingerprints) and the renderings' records: read when first
        # asked for; a rebuild that reuses every episode reads neither (at 10,000 episodes
        # the renderings are ~65 MiB of str in memory) nor writes them
        self._audio: dict[str, list[Any]] | None = None
        self.used_rendered: set[str] = set()  # kept without reading them
        self.used_audio: set[str] = set()
        self.dirty = False
        self.hits = 0
        self._records: dict[str, Records] = {}
        self._used_blobs: set[str] = set()
        #: put_blob(defer=True): written by save(); put_blob(packed=True): one pack at
        #: save(); until then their bytes wait in an anonymous temp file (offset, size),
        #: not in memory (held if there is no temp file)
        self._pending: dict[str, Spooled] = {}
        self._packing: dict[str, Spooled] = {}
        self._spool: BinaryIO | None = None
        self._pack_root = os.fspath(self.path.parent / PACKS)
        self._released: set[str] = set()  # release_blob(): deleted by save() if unused
        self._blob_index: dict[str, Any] | None = None  # sha -> fingerprint of its file
        self._index_dirty = False
        self._blob_root = os.fspath(self.path.parent / BLOBS)
        self._blob_dirs: dict[str, Path] = {}
        #: [True] once saved: a streamed blob of a build that is not saved is deleted
        self._saved = [False]

    @property
    def audio(self) -> dict[str, list[Any]]:
        """Audio fingerprints by absolute path (build.json, loaded on first use)."""
        if self._audio is None:
            self._audio = self._load()
        return self._audio

    def _load(self) -> dict[str, list[Any]]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}  # none yet, or damaged: start afresh
        if not isinstance(data, dict) or data.get("identity") != self.identity:
            return {}  # another show's, or another feedpub's
        audio = data.get("audio")
        if isinstance(audio, dict) and all(isinstance(v, list) and len(v) == 2
                                           for v in audio.values()):
            return audio
        return {}

    # -- rendered text ------------------------------------------------------------
    @staticmethod
    def render_key(kind: str, text: str) -> str:
        return hashlib.sha256(f"{kind}\0{text}".encode()).hexdigest()

    def keep_rendered(self, key: str) -> None:
        """Keep a rendering this build did not need (an episode reused whole) for a later
        build that will (without reading the renderings: if no note is rendered, their
        file stays as it is)."""
        self.used_rendered.add(key)

    def render(self, kind: str, text: str, fn: Any) -> str:
        """``fn(text)``, from the cache when this feedpub rendered the same text before."""
        key = self.render_key(kind, text)
        records = self._kind(RENDERED)
        records.used.add(key)
        found = records.get(key)
        if isinstance(found, str):
            self.hits += 1
            return found
        result: str = fn(text)
        records.put(key, result)
        return result

    # -- audio --------------------------------------------------------------------
    def known_sha256(self, path: Path) -> str | None:
        """The SHA-256 recorded for ``path`` if the file is unchanged since (one stat)."""
        try:
            st = path.stat()
        except OSError:
            return None
        key = os.path.abspath(path)  # no resolve(): a stat per folder of the path
        self.used_audio.add(key)
        entry = self.audio.get(key)
        if entry and entry[0] == fingerprint(st) and isinstance(entry[1], str):
            return entry[1]
        return None

    def remember_sha256(self, path: Path, sha256: str) -> None:
        try:
            st = path.stat()
        except OSError:
            return
        key = os.path.abspath(path)  # no resolve(): a stat per folder of the path
        self.used_audio.add(key)
        if self.audio.get(key) != [fingerprint(st), sha256]:
            self.audio[key] = [fingerprint(st), sha256]
            self.dirty = True

    # -- records ------------------------------------------------------------------
    def _kind(self, kind: str) -> Records:
        found = self._records.get(kind)
        if found is None:
            if not _KIND.match(kind):
                raise ValueError(f"bad cache kind {kind!r}")
            found = self._records[kind] = Records(
                self.path.parent / f"records-{kind}.json", self.identity)
        return found

    def lookup(self, kind: str, key: str) -> Any | None:
        """The value stored under ``key`` by an earlier build of this show and this feedpub.

        ``key`` must be derived from everything the value depends on; the caller still
        checks the value's shape (a damaged file gives whatever JSON it holds)."""
        records = self._kind(kind)
        records.used.add(key)
        found = records.get(key)
        if found is not None:
            self.hits += 1
        return found

    def store(self, kind: str, key: str, value: Any) -> None:
        """Keep a JSON-serialisable ``value`` for the next build (saved by :meth:`save`)."""
        records = self._kind(kind)
        records.used.add(key)
        records.put(key, value)

    # -- blobs --------------------------------------------------------------------
    def blob_path(self, sha256: str) -> Path:
        folder = self._blob_dirs.get(sha256[:2])
        if folder is None:  # one Path parsed per folder, not per blob: a site has many
            folder = self._blob_dirs[sha256[:2]] = Path(self._blob_root, sha256[:2])
        return folder / sha256


    def _blob_file(self, sha256: str) -> str:
        return f"{self._blob_root}/{sha256[:2]}/{sha256}"  # no Path churn: a site has many

    def put_blob(self, data: bytes, *, defer: bool = False, packed: bool = False) -> str:
        """Keep ``data``; return its SHA-256, the name to get it back with.

        ``defer``: hold the bytes until :meth:`save` writes them, so a build that is not
        written (``--check``, validate's build) leaves no file behind; until then only
        :meth:`get_blob` has them (``blob_path`` is not there yet).  ``packed`` (implies
        ``defer``): a blob only ever read through :meth:`get_blob`, which :meth:`save`
        writes with the build's other packed blobs into one file (``packs/``) instead of
        a file of its own -- a fresh checkout makes thousands; it has no ``blob_path``."""
        sha = hashlib.sha256(data).hexdigest()
        self._used_blobs.add(sha)
        if packed or defer:
            held = self._packing if packed else self._pending
            if sha not in held:  # the bytes wait in a temp file, not in memory
                held[sha] = self._spooled(data)
            return sha
        self._write_blob(sha, data)
        return sha

    def _write_blob(self, sha: str, data: bytes, made: bool = False) -> None:
        """Write a blob unless its file is the one this cache wrote or checked (a damaged
        file of the same size is replaced); ``made``: its folder exists."""
        path, index = self._blob_file(sha), self._index()
        known = index.get(sha)
        if known is not None:
            try:
                if stamp(os.stat(path)) == known:
                    return
            except OSError:
                pass
        quick_write(Path(path), data, made)
        try:
            index[sha] = stamp(os.stat(path))
            self._index_dirty = True
        except OSError:
            pass

    def stream_blob(self) -> BlobStream:
        """A blob written piece by piece (:meth:`BlobStream.write`), hashed as it goes and
        named by :meth:`BlobStream.close`.  Raises OSError if the cache cannot be written,
        or is not there yet: a build that is not saved leaves a show without a cache as it
        was (hold the bytes for :meth:`put_blob` then)."""
        if not self.path.parent.is_dir():
            raise FileNotFoundError(self.path.parent)
        folder = Path(self._blob_root) / STREAMING
        folder.mkdir(parents=True, exist_ok=True)
        return BlobStream(self, folder / f"{os.getpid()}-{secrets.token_hex(8)}")

    def _streamed(self, sha: str, path: Path, size: int) -> StreamedBlob:
        """Name a complete streamed blob (the file at ``path``) by its hash."""
        final = self._blob_file(sha)
        existed = os.path.exists(final)
        os.makedirs(os.path.dirname(final), exist_ok=True)
        os.replace(path, final)  # same bytes as any file already there, by their hash
        self._used_blobs.add(sha)
        try:
            self._index()[sha] = stamp(os.stat(final))
            self._index_dirty = True
        except OSError:
            pass
        return StreamedBlob(Path(final), sha, size, None if existed else self._saved)

    def get_blob(self, sha256: str) -> bytes | None:
        """The bytes kept under ``sha256``, or None if missing or damaged."""
        if not _SHA(sha256):
            return None
        waiting = self._pending.get(sha256)
        if waiting is None:
            waiting = self._packing.get(sha256)
        if waiting is not None:
            try:
                return self._unspooled(waiting)
            except OSError:
                return None
        entry = self._index().get(sha256)
        try:
            if isinstance(entry, str) and entry.startswith(PACKED):
                data = self._read_packed(entry)
            else:
                data = self.blob_path(sha256).read_bytes()
        except (OSError, ValueError):
            return None
        if hashlib.sha256(data).hexdigest() != sha256:
            return None
        self._used_blobs.add(sha256)
        return data

    def _read_packed(self, entry: str) -> bytes:
        """A packed blob's bytes (unchecked) from its index entry; ValueError if the entry
        is not one."""
        pack, offset, length = entry[len(PACKED):].split(":")
        if not _SHA(pack):
            raise ValueError(entry)
        with open(f"{self._pack_root}/{pack}", "rb") as fh:
            fh.seek(int(offset))
            return fh.read(int(length))

    def release_blob(self, sha256: str) -> None:
        """Delete a blob at :meth:`save` unless this build used it: for a blob the caller
        replaced by another (the feed of an earlier build), which the end-of-build
        collection keeps when a ``--no-site`` build did not load every kind of record."""
        if _SHA(sha256):
            self._released.add(sha256)

    def use_blob(self, sha256: str) -> bool:
        """Mark a blob as still used without looking at it, for a caller that reads it
        through :meth:`get_blob` (which checks it) and has another way to the bytes when
        it is gone; False if ``sha256`` is not a blob's name."""
        if not _SHA(sha256):
            return False
        self._used_blobs.add(sha256)
        return True

    def keep_blob(self, sha256: str) -> bool:
        """Mark a blob as still used without reading it; False if it is not there."""
        if not _SHA(sha256):
            return False
        entry = self._index().get(sha256)
        if isinstance(entry, str) and entry.startswith(PACKED):
            if not os.path.isfile(f"{self._pack_root}/{entry[len(PACKED):len(PACKED) + 64]}"):
                return False
        elif not self.blob_path(sha256).is_file():
            return False
        self._used_blobs.add(sha256)
        return True

    def _index(self) -> dict[str, Any]:
        if self._blob_index is None:
            self._blob_index = {}
            try:
                data = json.loads((self.path.parent / BLOB_INDEX).read_text(encoding="utf-8"))
            except (OSError, ValueError):
                data = None
            if isinstance(data, dict) and data.get("identity") == self.identity and \
                    isinstance(data.get("blobs"), dict):
                self._blob_index = data["blobs"]
        return self._blob_index

    def intact_blob(self, sha256: str) -> int | None:
        """The size of the blob if its file is there with its bytes (then marked used, as
        by :meth:`keep_blob`), else None.  One ``stat`` when the file is exactly as this
        cache wrote or last checked it; otherwise it is read back and checked against its
        hash.  A blob only held for :meth:`save` is not there yet."""
        if not _SHA(sha256):
            return None
        entry = self._index().get(sha256)
        if isinstance(entry, str) and entry.startswith(PACKED):
            data = self.get_blob(sha256)  # read back and checked: packed blobs are small
            return None if data is None else len(data)
        path = self._blob_file(sha256)
        try:
            st = os.stat(path)
        except OSError:
            return None
        size, now, index = st.st_size, stamp(st), self._index()
        if index.get(sha256) != now:
            try:
                with open(path, "rb") as fh:
                    data = fh.read()
            except OSError:
                return None
            if hashlib.sha256(data).hexdigest() != sha256:
                return None
            size, index[sha256] = len(data), now
            self._index_dirty = True
        self._used_blobs.add(sha256)
        return size

    def _save_records(self) -> bool:
        """Write each kind this build used, keeping only the keys it used; True if some
        records naming blobs were dropped or replaced (those blobs may be unused now)."""
        dropped = False
        for kind, records in self._records.items():
            if kind == RENDERED:
                records.used |= self.used_rendered
            dropped = (records.save() and kind != RENDERED) or dropped
        return dropped

    def _collect_blobs(self) -> bool:
        """Remove blobs this build did not use -- only when it loaded every kind of record
        (a ``--no-site`` build must not drop the site's blobs)."""
        try:
            kinds = {p.name[len("records-"):-len(".json")]
                     for p in self.path.parent.glob("records-*.json")}
        except OSError:
            return False
        if not kinds - {RENDERED} <= set(self._records):
            return False
        root = self.path.parent / BLOBS
        try:
            folders = list(os.scandir(root))
        except OSError:
            return False
        for folder in folders:
            if not folder.is_dir(follow_symlinks=False):
                continue
            for entry in os.scandir(folder.path):
                if entry.name not in self._used_blobs:
                    try:
                        os.unlink(entry.path)
                    except OSError:
                        pass
        return True

    def _save_index(self, collected: bool) -> None:
        """Write the index of blob fingerprints if it changed (pruned to the blobs this
        build used when it collected the others)."""
        index = self._blob_index
        if index is None:
            return
        if collected:
            kept = {k: v for k, v in index.items() if k in self._used_blobs}
            self._index_dirty = self._index_dirty or len(kept) < len(index)
            index = self._blob_index = kept
        if self._index_dirty:
            body = json.dumps({"identity": self.identity, "blobs": index},
                              separators=(",", ":"))
            quick_write(self.path.parent / BLOB_INDEX, body.encode("utf-8"))
            self._index_dirty = False

    def _sweep_streams(self) -> None:
        """Remove what killed builds left in the streaming folder."""
        try:
            entries = list(os.scandir(os.path.join(self._blob_root, STREAMING)))
        except OSError:
            return
        old = time.time() - STALE_STREAM_SECONDS
        for entry in entries:
            try:
                if entry.stat(follow_symlinks=False).st_mtime < old:
                    os.unlink(entry.path)
            except OSError:
                pass

    def _write_pack(self) -> None:
        """The build's packed blobs in one file named by its hash, each indexed at its
        place (blobs a kept pack already holds are not written again)."""
        index = self._index()
        todo = [(sha, where) for sha, where in self._packing.items()
                if not (isinstance(index.get(sha), str) and index[sha].startswith(PACKED))]
        self._packing.clear()
        if not todo:
            return
        # written one blob at a time (no copy of the whole pack in memory), named by the
        # hash of what was written
        tmp = Path(self._pack_root, f".pack.{os.getpid()}.tmp")
        placed, offset, digest = [], 0, hashlib.sha256()
        try:
            tmp.parent.mkdir(parents=True, exist_ok=True)
            with open(tmp, "wb") as fh:
                for sha, where in todo:
                    data = self._unspooled(where)
                    fh.write(data)
                    digest.update(data)
                    placed.append((sha, offset, len(data)))
                    offset += len(data)
            pack = digest.hexdigest()
            os.replace(tmp, Path(self._pack_root, pack))
        except OSError:
            tmp.unlink(missing_ok=True)
            return  # not written (read-only): those blobs are misses next time
        for sha, start, size in placed:
            index[sha] = f"{PACKED}{pack}:{start}:{size}"
        self._index_dirty = True

    def _collect_packs(self) -> None:
        """Remove the packs none of whose blobs this build used; a pack of which less than
        half is still used is written again, smaller (its used blobs read and checked)."""
        index = self._index()
        live: dict[str, list[tuple[str, int]]] = {}
        for sha, entry in index.items():
            if isinstance(entry, str) and entry.startswith(PACKED) and sha in self._used_blobs:
                pack, _, length = (entry[len(PACKED):].split(":") + ["", "", ""])[:3]
                if length.isdigit():  # else a damaged entry: its blob is a miss
                    live.setdefault(pack, []).append((sha, int(length)))
        try:
            packs = list(os.scandir(self._pack_root))
        except OSError:
            return
        for entry in packs:
            try:
                size = entry.stat(follow_symlinks=False).st_size
                if entry.name in live and sum(n for _, n in live[entry.name]) * 2 >= size:
                    continue
                for sha, _ in live.get(entry.name, []):
                    data = self.get_blob(sha)
                    if data is not None:
                        self._packing[sha] = data
                    index.pop(sha, None)
                os.unlink(entry.path)
            except OSError:
                pass
        self._write_pack()

    def _write_pending(self) -> None:
        """The blobs held for :meth:`save`, written before the records that name them, each
        folder made once (a fresh checkout writes thousands: a ``mkdir`` and a ``stat``
        less for each)."""
        pending = list(self._pending.items())
        self._pending.clear()
        folders = set()
        for sha, where in pending:
            if sha[:2] not in folders:
                folders.add(sha[:2])
                try:
                    os.makedirs(f"{self._blob_root}/{sha[:2]}", exist_ok=True)
                except OSError:
                    pass  # its blobs are not written: misses next time
            try:
                data = self._unspooled(where)
            except OSError:
                continue  # not written: a miss next time
            self._write_blob(sha, data, made=True)

    def _spooled(self, data: bytes) -> Spooled:
        """``data`` appended to the build's anonymous temp file (in the system's temp
        folder, gone when the build ends: a build not saved leaves nothing behind):
        where it is; the bytes themselves if the temp file cannot be made or written."""
        import tempfile

        try:
            if self._spool is None:
                self._spool = tempfile.TemporaryFile(prefix="feedpub-blobs-")
            spool = self._spool
            offset = spool.seek(0, os.SEEK_END)
            spool.write(data)
        except OSError:
            return data
        return offset, len(data)

    def _unspooled(self, where: Spooled) -> bytes:
        if isinstance(where, bytes):
            return where
        offset, size = where
        if self._spool is None:
            raise OSError("the build's temp file of blobs is closed")
        self._spool.seek(offset)
        data = self._spool.read(size)
        if len(data) != size:
            raise OSError(f"the build's temp file of blobs lost {size - len(data)} bytes")
        return data

    def save(self) -> None:
        """Write what this build used (entries of removed episodes are dropped)."""
        self._saved[0] = True  # streamed blobs stay
        self._write_pending()  # before the records that name them
        self._write_pack()
        self._sweep_streams()
        collected = self._save_records() and self._collect_blobs()
        if collected:
            self._collect_packs()
        for sha in self._released - self._used_blobs:
            try:
                os.unlink(self._blob_file(sha))
            except OSError:
                pass
            if self._blob_index is not None and self._blob_index.pop(sha, None) is not None:
                self._index_dirty = True
        self._released.clear()
        self._save_index(collected)
        if self._spool is not None:
            self._spool.close()
            self._spool = None
        if self._audio is None:
            return  # build.json not read, so nothing in it changed
        audio = {k: v for k, v in self._audio.items() if k in self.used_audio}
        if not self.dirty and len(audio) == len(self._audio):
            return
        try:
            write_with(self.path, lambda fh: write_json(fh, {
                "identity": self.identity, "audio": audio}))
        except OSError:
            pass  # an accelerator: a read-only show still builds


def write_json(fh: BinaryIO, data: dict[str, Any], batch: int = 500) -> None:
    """``data`` as compact JSON (UTF-8, not ASCII-escaped), written in pieces: a mapping
    value is encoded ``batch`` entries at a time, so no copy of the whole text is held
    (the renderings of 10,000 episodes are 17 MB of JSON, and their ``str`` four times
    that when a note has an emoji)."""
    def dumps(value: Any) -> bytes:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")

    fh.write(b"{")
    for n, (name, value) in enumerate(data.items()):
        fh.write(b"%s%s:" % (b"," if n else b"", dumps(name)))
        if not isinstance(value, dict):
            fh.write(dumps(value))
            continue
        fh.write(b"{")
        items = list(value.items())
        for start in range(0, len(items), batch):
            fh.write(b"," if start else b"")
            fh.write(b",".join(b"%s:%s" % (dumps(k), dumps(v))
                               for k, v in items[start:start + batch]))
        fh.write(b"}")
    fh.write(b"}")


class BlobStream:
    """A blob being written (:meth:`Cache.stream_blob`): :meth:`write` its pieces in order,
    then :meth:`close` names it by its SHA-256.  :meth:`abort` (or an error) removes it."""

    def __init__(self, cache: Cache, path: Path) -> None:
        self.cache, self.path = cache, path
        self.digest = hashlib.sha256()
        self.size = 0
        self.file: BinaryIO | None = open(path, "wb", buffering=1 << 20)

    def write(self, data: bytes | memoryview) -> None:
        assert self.file is not None, "closed"
        self.file.write(data)
        self.digest.update(data)
        self.size += len(data)

    def close(self) -> StreamedBlob:
        """The complete blob, under its name in the cache."""
        assert self.file is not None, "closed"
        try:
            self.file.close()
            self.file = None
            return self.cache._streamed(self.digest.hexdigest(), self.path, self.size)
        except BaseException:
            self.abort()
            raise

    def abort(self) -> None:
        if self.file is not None:
            try:
                self.file.close()
            except OSError:
                pass
            self.file = None
        try:
            os.unlink(self.path)
        except OSError:
            pass


def _forget_unsaved(path: str, saved: list[bool]) -> None:
    if not saved[0]:
        try:
            os.unlink(path)
        except OSError:
            pass


class StreamedBlob:
    """A streamed blob's file, there under its name at once; kept by the cache's
    :meth:`Cache.save`.  A build that is not saved (``--check``, validate's build) leaves
    no file behind: it is deleted when this object goes (or at exit), unless saved, or
    unless the blob was there before.  Hold this object while the file is read."""

    def __init__(self, path: Path, sha256: str, size: int, saved: list[bool] | None) -> None:
        self.path, self.sha256, self.size = path, sha256, size
        if saved is not None:
            weakref.finalize(self, _forget_unsaved, os.fspath(path), saved)
