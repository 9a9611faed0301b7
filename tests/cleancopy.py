"""The reference every cache test compares with: the same show built from a fresh copy."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


def built_clean(root: Path, tmp_path: Path, make: Callable[[Path], T]) -> T:
    """``make(copy)`` on a copy of the show without its cache, state or output
    (``.feedpub/``, ``public/``): what a fresh checkout builds. The copy is removed after."""
    copy = tmp_path / f"clean-{len(list(tmp_path.iterdir()))}"
    shutil.copytree(root, copy, ignore=shutil.ignore_patterns(".feedpub", "public"))
    try:
        return make(copy)
    finally:
        shutil.rmtree(copy)
