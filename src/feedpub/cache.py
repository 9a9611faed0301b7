"""The build cache in ``.feedpub/cache/``: an accelerator only, never a record of truth.

Two kinds of entries:

* **rendered text** (Markdown show notes -> HTML), keyed by a hash of the input and of
  feedpub's own code, so an upgrade or a local edit of feedpub never reuses output of
  another renderer;
* **audio fingerprints**: a file's size, mtime, ctime and inode -> the SHA-256 it had,
  so an unchanged audio file costs one ``stat`` instead of a full read.  A file replaced
  by another with the same size and mtime still changes ctime (which no tool can set),
  and a fresh clone changes them all, which only falls back to hashing.

The cache file carries the show's ``podcast:guid`` and the code hash: a cache copied
from another show, written by another feedpub, truncated or corrupt is ignored whole.
``feedpub.lock`` stays what a fresh checkout builds from.
"""

from __future__ import annotations

import hashlib
import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from .writefile import write_atomic

CACHE_DIR = Path(".feedpub") / "cache"
FILE = "build.json"


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

    def save(self) -> None:
        """Write what this build used (entries of removed episodes are dropped)."""
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
