"""``feedpub import``: an existing show's feed -> podcast.toml and episodes/, every guid kept.

:mod:`.read_feed` streams the feed into plain records; :mod:`.write_show` turns
them into the show's files through the schema's TOML writer; :mod:`.fetch` bounds
every download.
"""

from __future__ import annotations

from pathlib import Path

from .fetch import Limits
from .read_feed import Feed, ImportFailed, Note, Progress, read_feed
from .write_show import Options, Report, write_show

__all__ = ["import_show", "Options", "Report", "Limits", "Feed", "ImportFailed", "Note"]


def _quiet(_: str) -> None:
    pass


def import_show(source: str, root: Path, options: Options = Options(),
                progress: Progress = _quiet) -> Report:
    """Read the feed at ``source`` (URL or file) and write it as a show under ``root``."""
    feed = read_feed(source, limits=options.limits, progress=progress)
    return write_show(feed, root, options, progress)
