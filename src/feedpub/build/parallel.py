"""A cold build's per-episode work in worker processes: loading episode folders
(``episode.toml``, the notes rendered, their text) and making companions (transcripts,
chapters), one process per core, as :mod:`feedpub.build.probe` parses audio.

Python runs one thread at a time, so a show with many episodes to load splits them
across processes; the episodes, the built companions and every problem come back as plain
(picklable) values, in order, and are reported at the episode's files exactly as the same
work done in-process.  The notes' HTML comes back with their text, and the build's cache
keeps it as if it had rendered it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from pathlib import Path
from typing import TypeVar

from ..audio import worker_init
from ..companions import build_companions
from ..episodes import load_episode
from ..errors import EpisodeError, Problem
from ..markup import markdown_to_html
from ..model import (
    AudioFacts,
    BuiltEpisode,
    Chapter,
    Episode,
    MeasuredEpisode,
    Output,
    Show,
    Transcript,
)
from .probe import PROCESS_THRESHOLD, start_method, workers

#: episodes above which their work moves to worker processes (a pool's start costs about
#: as much as loading a few dozen episodes in-process)
THRESHOLD = PROCESS_THRESHOLD

T = TypeVar("T")
R = TypeVar("R")
Loaded = tuple[Episode | list[Problem], list[tuple[str, str]]]
#: what companions add to a measured episode (the fields of BuiltEpisode after it)
Parts = tuple[str, tuple[Transcript, ...], tuple[Chapter, ...], tuple[Output, ...],
              tuple[tuple[AudioFacts, str], ...]]
Made = tuple[Parts, list[Problem]]

_show: Show | None = None  # in a worker: the show, from the pool's initializer


def in_processes(count: int) -> bool:
    """Whether ``count`` episodes are worth a pool of processes here."""
    return count > THRESHOLD and workers() > 1


def _start(show: Show) -> None:
    worker_init()
    global _show
    _show = show


def load_one(folder: Path) -> Loaded:
    """One episode folder loaded in a worker: the episode or its problems, and each
    Markdown text it rendered with the HTML."""
    assert _show is not None
    renderings: list[tuple[str, str]] = []

    def render(text: str) -> str:  # the build's cache may have it: the same bytes
        html = markdown_to_html(text)
        renderings.append((text, html))
        return html
    try:
        return load_episode(_show, folder, render), renderings
    except EpisodeError as err:
        return list(err.problems), renderings


def make_one(measured: MeasuredEpisode) -> Made:
    """One measured episode's companions made in a worker (what the built episode adds to
    the measured one, which need not travel back), and the problems found."""
    assert _show is not None
    problems: list[Problem] = []
    b = build_companions(_show, measured, problems)
    return (b.enclosure_url, b.transcripts, b.chapters, b.companions, b.encodings), problems


def made(measured: MeasuredEpisode, parts: Parts) -> BuiltEpisode:
    """The built episode from what :func:`make_one` sent back."""
    return BuiltEpisode(measured, *parts)


def run(show: Show, fn: Callable[[T], R], items: list[T]) -> Iterator[R]:
    """``fn`` over ``items`` in worker processes, results in order."""
    count = max(1, min(workers(), len(items) // THRESHOLD + 1))
    chunk = max(1, min(16, len(items) // (count * 8)))
    pool: Executor = ProcessPoolExecutor(max_workers=count, mp_context=start_method(),
                                         initializer=_start, initargs=(show,))
    try:
        yield from pool.map(fn, items, chunksize=chunk)
    except BaseException:
        # Interrupted or failed: drop the episodes not started; the workers end their chunk
        # (they leave Ctrl-C to this process) and exit.
        pool.shutdown(cancel_futures=True)
        raise
    pool.shutdown()


__all__ = ["THRESHOLD", "in_processes", "load_one", "make_one", "made", "run"]
