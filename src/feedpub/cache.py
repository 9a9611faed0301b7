"""The build cache in ``.feedpub/cache/``: an accelerator only, never a record of truth.

Kinds of entries:

* **rendered text** (Markdown show notes -> HTML), keyed by a hash of the input and of
  feedpub's own code, so an upgrade or a local edit of feedpub never reuses output of
  another renderer;
* **audio fingerprints**: a file's size, mtime, ctime and inode -> the SHA-256 it had,
  so an unchanged audio file costs one ``stat`` instead of a full read.  A file replaced
  by another with the same size and mtime still changes ctime (which no tool can set),
  and a fresh clone changes them all, which only falls back to hashing.

* **records** (:meth:`Cache.lookup` / :meth:`Cache.store`): JSON values under a key the
  caller derives from everything the value depends on, one file per kind
  (``records-<kind>.json``), loaded only when a build first asks for that kind;
* **blobs** (:meth:`Cache.put_blob` / :meth:`Cache.get_blob`): bytes kept under their own
  SHA-256 in ``blobs/``, checked against it when read, so a damaged blob is a miss.

Every file carries the show's ``podcast:guid`` and the code hash: a cache copied
from another show, written by another feedpub, truncated or corrupt is ignored whole.
``feedpub.lock`` stays what a fresh checkout builds from.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from .writefile import write_atomic

CACHE_DIR = Path(".feedpub") / "cache"
FILE = "build.json"
BLOBS = "blobs"
_KIND = re.compile(r"^[a-z][a-z0-9-]{0,40}$")


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


def fingerprint(st: os.stat_result) -> list[int]:
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


def quick_write(path: Path, data: bytes) -> None:
    """Write a cache file by rename, without fsync: a file lost in a crash is a miss, and
    a damaged one fails its check."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)  # an accelerator: a read-only show still builds


class Cache:
    """One show's cache, loaded once per build and saved (atomically) if it changed."""

    def __init__(self, root: Path, show_id: str) -> None:
        self.path = root / CACHE_DIR / FILE
        self.identity = {"show": show_id, "code": code_hash()}
        self.rendered: dict[str, str] = {}
        self.audio: dict[str, list[Any]] = {}
        self.used_rendered: set[str] = set()
        self.used_audio: set[str] = set()
        self.dirty = False
        self.hits = 0
        self._records: dict[str, dict[str, Any]] = {}
        self._used_records: dict[str, set[str]] = {}
        self._dirty_records: set[str] = set()
        self._used_blobs: set[str] = set()
        self._load()

    def _load(self) -> None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return  # none yet, or damaged: start afresh
        if not isinstance(data, dict) or data.get("identity") != self.identity:
            return  # another show's, or another feedpub's
        rendered, audio = data.get("rendered"), data.get("audio")
        if isinstance(rendered, dict) and all(isinstance(v, str) for v in rendered.values()):
            self.rendered = rendered
        if isinstance(audio, dict) and all(isinstance(v, list) and len(v) == 2
                                           for v in audio.values()):
            self.audio = audio

    # -- rendered text ------------------------------------------------------------
    def render(self, kind: str, text: str, fn: Any) -> str:
        """``fn(text)``, from the cache when this feedpub rendered the same text before."""
        key = hashlib.sha256(f"{kind}\0{text}".encode()).hexdigest()
        self.used_rendered.add(key)
        found = self.rendered.get(key)
        if found is not None:
            self.hits += 1
            return found
        result: str = fn(text)
        self.rendered[key] = result
        self.dirty = True
        return result

    # -- audio --------------------------------------------------------------------
    def known_sha256(self, path: Path) -> str | None:
        """The SHA-256 recorded for ``path`` if the file is unchanged since (one stat)."""
        try:
            st = path.stat()
        except OSError:
            return None
        key = str(path.resolve())
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
        key = str(path.resolve())
        self.used_audio.add(key)
        if self.audio.get(key) != [fingerprint(st), sha256]:
            self.audio[key] = [fingerprint(st), sha256]
            self.dirty = True

    # -- records ------------------------------------------------------------------
    def _kind(self, kind: str) -> dict[str, Any]:
        found = self._records.get(kind)
        if found is None:
            if not _KIND.match(kind):
                raise ValueError(f"bad cache kind {kind!r}")
            found = {}
            try:
                data = json.loads((self.path.parent / f"records-{kind}.json").read_text(
                    encoding="utf-8"))
            except (OSError, ValueError):
                data = None  # none yet, or damaged: start afresh
            if isinstance(data, dict) and data.get("identity") == self.identity and \
                    isinstance(data.get("records"), dict):
                found = data["records"]
            self._records[kind] = found
            self._used_records[kind] = set()
        return found

    def lookup(self, kind: str, key: str) -> Any | None:
        """The value stored under ``key`` by an earlier build of this show and this feedpub.

        ``key`` must be derived from everything the value depends on; the caller still
        checks the value's shape (a damaged file gives whatever JSON it holds)."""
        records = self._kind(kind)
        self._used_records[kind].add(key)
        found = records.get(key)
        if found is not None:
            self.hits += 1
        return found

    def store(self, kind: str, key: str, value: Any) -> None:
        """Keep a JSON-serialisable ``value`` for the next build (saved by :meth:`save`)."""
        records = self._kind(kind)
        self._used_records[kind].add(key)
        if records.get(key) != value:
            records[key] = value
            self._dirty_records.add(kind)

    # -- blobs --------------------------------------------------------------------
    def blob_path(self, sha256: str) -> Path:
        return self.path.parent / BLOBS / sha256[:2] / sha256

    def put_blob(self, data: bytes) -> str:
        """Keep ``data``; return its SHA-256, the name to get it back with."""
        sha = hashlib.sha256(data).hexdigest()
        self._used_blobs.add(sha)
        path = self.blob_path(sha)
        try:
            if path.stat().st_size == len(data):
                return sha
        except OSError:
            pass
        quick_write(path, data)
        return sha

    def get_blob(self, sha256: str) -> bytes | None:
        """The bytes kept under ``sha256``, or None if missing or damaged."""
        if not re.fullmatch(r"[0-9a-f]{64}", sha256):
            return None
        try:
            data = self.blob_path(sha256).read_bytes()
        except OSError:
            return None
        if hashlib.sha256(data).hexdigest() != sha256:
            return None
        self._used_blobs.add(sha256)
        return data

    def keep_blob(self, sha256: str) -> bool:
        """Mark a blob as still used without reading it; False if it is not there."""
        if not re.fullmatch(r"[0-9a-f]{64}", sha256) or not self.blob_path(sha256).is_file():
            return False
        self._used_blobs.add(sha256)
        return True

    def _save_records(self) -> bool:
        """Write each kind this build used, keeping only the keys it used; True if some
        entries were dropped (their blobs may be unused now)."""
        dropped = False
        for kind, records in self._records.items():
            used = self._used_records[kind]
            kept = {k: v for k, v in records.items() if k in used}
            if len(kept) == len(records) and kind not in self._dirty_records:
                continue
            dropped = dropped or len(kept) < len(records)
            body = json.dumps({"identity": self.identity, "records": kept},
                              ensure_ascii=False, separators=(",", ":"))
            quick_write(self.path.parent / f"records-{kind}.json", body.encode("utf-8"))
        return dropped

    def _collect_blobs(self) -> None:
        """Remove blobs this build did not use -- only when it loaded every kind of record
        (a ``--no-site`` build must not drop the site's blobs)."""
        try:
            kinds = {p.name[len("records-"):-len(".json")]
                     for p in self.path.parent.glob("records-*.json")}
        except OSError:
            return
        if not kinds <= set(self._records):
            return
        root = self.path.parent / BLOBS
        try:
            folders = list(os.scandir(root))
        except OSError:
            return
        for folder in folders:
            if not folder.is_dir(follow_symlinks=False):
                continue
            for entry in os.scandir(folder.path):
                if entry.name not in self._used_blobs:
                    try:
                        os.unlink(entry.path)
                    except OSError:
                        pass

    def save(self) -> None:
        """Write what this build used (entries of removed episodes are dropped)."""
        if self._save_records():
            self._collect_blobs()
        rendered = {k: v for k, v in self.rendered.items() if k in self.used_rendered}
        audio = {k: v for k, v in self.audio.items() if k in self.used_audio}
        if not self.dirty and len(rendered) == len(self.rendered) and \
                len(audio) == len(self.audio):
            return
        body = json.dumps({"identity": self.identity, "rendered": rendered, "audio": audio},
                          ensure_ascii=False, separators=(",", ":"))
        try:
            write_atomic(self.path, body.encode("utf-8"))
        except OSError:
            pass  # an accelerator: a read-only show still builds
