"""Atomic file writes: a reader sees the old file or the new one, never half of one.

One file: :func:`write_atomic` (temp file beside it, fsync, rename; ``sync_folder`` also
makes the rename itself durable).  Many files: a :class:`Batch` writes every temp file
first, then one durability barrier (:meth:`Batch.commit`) fsyncs them all at once from a
few threads -- the file system folds concurrent fsyncs into a few journal commits, where
one fsync after each file waits for the disk once per file -- renames each over its file,
and fsyncs each folder it touched.  No file is renamed before its bytes are on disk, so
even a power cut leaves every file old or new.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import BinaryIO

#: threads issuing a batch's fsyncs (they wait on the disk, not on the GIL)
SYNC_THREADS = 8


def write_atomic(path: Path, data: bytes, *, sync_folder: bool = False) -> None:
    """Write ``data`` to a temp file beside ``path``, fsync it, then rename over ``path``
    (and with ``sync_folder``, fsync the folder: the rename survives a power cut)."""
    write_with(path, lambda fh: fh.write(data), sync_folder=sync_folder)


def copy_atomic(source: Path, path: Path) -> None:
    """Copy the file ``source`` to ``path`` the same way (audio is not read into memory)."""
    write_with(path, copier(source))


def copier(source: Path) -> Callable[[BinaryIO], object]:
    def copy(fh: BinaryIO) -> None:
        with open(source, "rb") as src:
            shutil.copyfileobj(src, fh, 1 << 20)
    return copy


#: temp files are named ``.<name>.feedpub-<random>.tmp``, so that a build can recognise
#: (and remove) the ones an earlier, killed run left behind
TEMP_PREFIX = ".feedpub-"
TEMP_NAME = re.compile(r"^\..*\.feedpub-[A-Za-z0-9_]+\.tmp$")


def is_temp(name: str) -> bool:
    return bool(TEMP_NAME.match(name))


def write_with(path: Path, fill: Callable[[BinaryIO], object], *,
               sync_folder: bool = False) -> None:
    """Atomically write what ``fill`` writes to the open temp file (streams, copies)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = write_temp(path, fill, sync=True)
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    if sync_folder:
        fsync_folder(path.parent)


def write_temp(path: Path, fill: Callable[[BinaryIO], object], sync: bool) -> Path:
    """A temp file beside ``path`` (whose folder exists) holding what ``fill`` writes."""
    fd, name = tempfile.mkstemp(prefix=f".{path.name}{TEMP_PREFIX}", suffix=".tmp",
                                dir=path.parent)
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as fh:
            fill(fh)
            if sync:
                fh.flush()
                os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_folder(folder: Path) -> None:
    """Make the names in ``folder`` (renames, new files) durable; a no-op where folders
    cannot be opened (Windows, whose renames are durable with the file)."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems refuse to fsync a folder; the files themselves are synced
    finally:
        os.close(fd)


class Batch:
    """Files written as temp files now, made durable and renamed into place together by
    :meth:`commit`; :meth:`abort` (or an error) removes the temp files."""

    def __init__(self) -> None:
        self.staged: list[tuple[Path, Path]] = []  # (temp file, its final path)
        self.made: set[Path] = set()  # folders known to exist: mkdir once per folder
        self.touched: set[Path] = set()  # folders whose entries change: fsynced at the end

    def write(self, path: Path, data: bytes) -> None:
        self.write_with(path, lambda fh: fh.write(data))

    def copy(self, source: Path, path: Path) -> None:
        self.write_with(path, copier(source))

    def write_with(self, path: Path, fill: Callable[[BinaryIO], object]) -> None:
        folder = path.parent
        if folder not in self.made:
            self.make_folder(folder)
        self.staged.append((write_temp(path, fill, sync=False), path))
        self.touched.add(folder)

    def make_folder(self, folder: Path) -> None:
        """``mkdir -p``, noting the folders whose entries it changed."""
        missing = []
        here = folder
        while not here.is_dir() and here.parent != here:
            missing.append(here)
            here = here.parent
        folder.mkdir(parents=True, exist_ok=True)
        self.touched.update(m.parent for m in missing)
        self.made.add(folder)

    def commit(self, failed: Callable[[Path, OSError], BaseException] | None = None) -> None:
        """The barrier: every temp file fsynced (concurrently), renamed over its file,
        then every folder touched fsynced.  ``failed`` turns an OSError at a file into the
        exception to raise (after the temp files not yet renamed are removed)."""
        done = 0
        try:
            threads = max(1, min(SYNC_THREADS, len(self.staged)))
            pool = ThreadPoolExecutor(max_workers=threads)
            try:
                outcomes = list(pool.map(sync_or_error, [tmp for tmp, _ in self.staged]))
                for (_, path), error in zip(self.staged, outcomes):
                    if error is not None:
                        raise failed(path, error) if failed else error
                for tmp, path in self.staged:
                    try:
                        os.replace(tmp, path)
                    except OSError as exc:
                        raise failed(path, exc) if failed else exc from None
                    done += 1
                list(pool.map(fsync_folder, sorted(self.touched)))
            finally:  # interrupted: the fsyncs not started are dropped, the others end
                pool.shutdown(cancel_futures=True)
        except BaseException:
            del self.staged[:done]
            self.abort()
            raise
        self.staged.clear()
        self.touched.clear()

    def abort(self) -> None:
        """Remove the temp files not renamed yet (their files keep their old bytes)."""
        for tmp, _ in self.staged:
            tmp.unlink(missing_ok=True)
        self.staged.clear()


def sync_or_error(path: Path) -> OSError | None:
    try:
        fsync_file(path)
    except OSError as exc:
        return exc
    return None
