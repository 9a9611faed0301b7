"""What the site can take from an earlier build: pages and the search bundle, by key.

Each episode's two pages (episode page, embed page) are kept in the build cache
(:class:`~feedpub.cache.Cache`, kind ``pages``) under a key of everything they are made
from: the episode (``BuiltEpisode.key``, or a digest of the whole built episode while
that is empty), its loudness plot, and the site's own inputs -- every field of the show,
the cover URL, the ``[site]`` options, the bytes of the show's ``theme/`` folder and
feedpub's code hash.  A show (list) page is keyed on the same site inputs, its number,
the page count and the keys of the episodes it lists.  The Pagefind bundle (kind
``search``) is keyed on the indexed pages' hashes, the language and Pagefind's version.

The bytes live as blobs: a page that comes from the cache is an
:class:`~feedpub.model.Output` whose ``source`` is its blob, never read unless it must
be written.  A record of the wrong shape, or a blob that is missing or whose bytes no
longer match its hash, is a miss: the page is rendered again.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from importlib import metadata
from pathlib import Path

from ..cache import Cache, code_hash
from ..model import BuiltEpisode, Show

PAGES = "pages"
SEARCH = "search"


def digest(*parts: str) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\0")
    return h.hexdigest()


def theme_digest(folder: Path | None) -> str:
    """Every file of the show's ``theme/`` folder: its name and its bytes."""
    h = hashlib.sha256()
    if folder is not None:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                h.update(path.relative_to(folder).as_posix().encode("utf-8", "surrogatepass"))
                h.update(b"\0")
                h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


def site_key(show: Show, artwork_url: str, search: bool, theme: Path | None) -> str:
    """What every page reads besides its episodes: the templates get the whole show
    (its ``[site]`` table reaches them only as options, which each kind of page adds to
    its own key), the cover, whether there is a search box, the theme's files."""
    settings = {k: v for k, v in show.settings.items() if k != "site"}
    return digest("site", code_hash(), repr(replace(show, settings=settings)), artwork_url,
                  repr(search), theme_digest(theme))


def episode_key(built: BuiltEpisode) -> str:
    """``built.key`` (what the episode was made from), or a digest of the built episode
    itself while the build does not give one."""
    key = getattr(built, "key", "")
    return key if isinstance(key, str) and key else digest("built", repr(built))


def plain_path_in(path: str, folder: str) -> bool:
    """``path`` lies inside ``folder`` ("pagefind/"), with no empty, ``.`` or ``..``
    part: a damaged record can name no other file."""
    parts = path.split("/")
    return path.startswith(folder) and "\\" not in path and \
        all(p not in ("", ".", "..") for p in parts)


def pagefind_version() -> str:
    try:
        return metadata.version("pagefind_bin")
    except metadata.PackageNotFoundError:
        return ""


class Reuse:
    """The ``pages`` and ``search`` records of one build's cache (None: no cache)."""

    def __init__(self, cache: Cache | None) -> None:
        self.cache = cache

    def pages(self, key: str, count: int) -> list[tuple[str, int]] | None:
        """(sha256, size) of each of the ``count`` pages kept under ``key``, every blob
        intact; None on a miss."""
        if self.cache is None:
            return None
        found = self.cache.lookup(PAGES, key)
        if not (isinstance(found, list) and len(found) == count):
            return None
        out = []
        for sha in found:
            size = self.cache.intact_blob(sha) if isinstance(sha, str) else None
            if size is None:
                return None
            out.append((sha, size))
        return out

    def keep_pages(self, key: str, pages: list[bytes]) -> None:
        if self.cache is not None:
            self.cache.store(PAGES, key, [self.cache.put_blob(p, defer=True) for p in pages])

    def bundle(self, key: str, folder: str) -> list[tuple[str, str, int]] | None:
        """(path, sha256, size) of each file of the search bundle kept under ``key``
        (every path a plain one inside ``folder``); None on a miss."""
        if self.cache is None:
            return None
        found = self.cache.lookup(SEARCH, key)
        if not isinstance(found, list) or not found:
            return None
        out = []
        for entry in found:
            if not (isinstance(entry, list) and len(entry) == 2 and
                    all(isinstance(e, str) for e in entry)) or \
                    not plain_path_in(entry[0], folder):
                return None
            size = self.cache.intact_blob(entry[1])
            if size is None:
                return None
            out.append((entry[0], entry[1], size))
        return out

    def keep_bundle(self, key: str, files: list[tuple[str, bytes]]) -> None:
        if self.cache is not None:
            self.cache.store(SEARCH, key, [[path, self.cache.put_blob(data, defer=True)]
                                           for path, data in files])

    def blob(self, sha: str) -> Path:
        assert self.cache is not None
        return self.cache.blob_path(sha)
