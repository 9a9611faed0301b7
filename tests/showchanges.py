"""Edits a podcaster makes between two builds, shared by the cache tests (each of which
checks that the rebuild after them equals a clean build)."""

from __future__ import annotations

import shutil
from pathlib import Path

from audiofactory import make_audio

#: the folder :func:`add_episode` makes
ADDED = "ep-9"


def add_episode(root: Path, seconds: float = 2.0) -> None:
    folder = root / "episodes" / ADDED
    folder.mkdir()
    (folder / "episode.toml").write_text('title = "Neuf"\ndate = "2025-06-01"\n'
                                         f'audio = "{ADDED}.mp3"\n', encoding="utf-8")
    (folder / "description.md").write_text("Nouvelles notes.", encoding="utf-8")
    make_audio(folder / f"{ADDED}.mp3", seconds)


def remove_added_episode(root: Path) -> None:
    shutil.rmtree(root / "episodes" / ADDED)


def edit_show_description(root: Path) -> None:
    """A channel field no episode uses."""
    text = (root / "podcast.toml").read_text()
    (root / "podcast.toml").write_text(text.replace("A show made by the test suite.",
                                                    "A show, edited."))


def add_transcript(root: Path) -> None:
    (root / "episodes" / "ep-0" / "transcript.en.txt").write_text("Speaker #0\nHello.\n")
