"""Atomic file writes: a reader sees the old file or the new one, never half of one."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to a temp file beside ``path``, fsync it, then rename over ``path``."""
    write_with(path, lambda fh: fh.write(data))


def copy_atomic(source: Path, path: Path) -> None:
    """Copy the file ``source`` to ``path`` the same way (audio is not read into memory)."""
    def copy(fh: BinaryIO) -> None:
        with open(source, "rb") as src:
            shutil.copyfileobj(src, fh, 1 << 20)
    write_with(path, copy)


#: temp files are named ``.<name>.feedpub-<random>.tmp``, so that a build can recognise
#: (and remove) the ones an earlier, killed run left behind
TEMP_PREFIX = ".feedpub-"
TEMP_NAME = re.compile(r"^\..*\.feedpub-[A-Za-z0-9_]+\.tmp$")


def is_temp(name: str) -> bool:
    return bool(TEMP_NAME.match(name))


def write_with(path: Path, fill: Callable[[BinaryIO], object]) -> None:
    """Atomically write what ``fill`` writes to the open temp file (streams, copies)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}{TEMP_PREFIX}", suffix=".tmp",
                               dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fill(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
