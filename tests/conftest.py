"""Shared fixtures: a show folder written to disk, with real audio."""

from __future__ import annotations

import os
import re
import shutil
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import settings

sys.path.insert(0, str(Path(__file__).parent))

from audiofactory import make_audio

# No per-example deadline: on a shared CI machine, under coverage, one slow example is load,
# not a bug (example counts still bound each property test).
settings.register_profile("feedpub", deadline=None)
settings.load_profile("feedpub")

# The suite's shows use RFC 2606 example names (example.org) and its servers listen on
# 127.0.0.1; the validator refuses both in a real feed (url-host).  Let them through for
# every test and every feedpub the tests start; the feed corpus checks the rule itself.
os.environ["FEEDPUB_ALLOW_TEST_HOSTS"] = "1"


@pytest.fixture(autouse=True, scope="session")
def _findings_never_say_none():  # type: ignore[no-untyped-def]
    """Every validate finding any test produces is checked: no Python None in its text.

    The validator's own Collector.add is wrapped (not replaced) for the session; the
    check fails at the end of the run, listing the messages."""
    from feedpub.validate import findings

    seen: list[str] = []
    original = findings.Collector.add

    def add(self, severity, rule, message, el=None, hint=None, **kw):  # type: ignore[no-untyped-def]
        text = f"{message} {hint or ''}"
        if re.search(r"\bNone\b", text):
            seen.append(f"[{rule}] {text}")
        return original(self, severity, rule, message, el, hint, **kw)

    findings.Collector.add = add  # type: ignore[method-assign]
    yield
    findings.Collector.add = original  # type: ignore[method-assign]
    assert not seen, "messages with None:\n" + "\n".join(seen)

REPO = Path(__file__).resolve().parent.parent
SAMPLE_SLUG = "tech-entre-les-lignes-chaine-de-valeur-ia"

SHOW_TOML = """\
title = "Test Show"
description = "A show made by the test suite."
link = "https://example.org/show"
language = "fr"
author = "Test Author"
artwork = "https://media.example.org/cover.jpg"
categories = ["Technology"]
explicit = false
feed_url = "https://feeds.example.org/show/feed.xml"
media_base_url = "https://media.example.org/audio/"
timezone = "Europe/Paris"

[owner]
name = "Owner Name"
email = "owner@example.org"
"""


def episode_toml(title: str = "Episode", date: str = "2025-05-13", audio: str = "audio.mp3",
                 extra: str = "") -> str:
    return textwrap.dedent(f"""\
        title = "{title}"
        date = "{date}"
        audio = "{audio}"
        """) + textwrap.dedent(extra)


class ShowMaker:
    """Writes a show folder; tests then break one thing at a time."""

    def __init__(self, root: Path):
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        (root / "podcast.toml").write_text(SHOW_TOML, encoding="utf-8")

    def episode(self, slug: str, *, seconds: float | None = 5.0, audio: str | None = None,
                toml: str | None = None, description: str = "Notes for the episode.",
                **fields: str) -> Path:
        audio = audio or f"{slug}.mp3"
        folder = self.root / "episodes" / slug
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "episode.toml").write_text(
            toml if toml is not None else episode_toml(audio=audio, **fields), encoding="utf-8")
        if description is not None:
            (folder / "description.md").write_text(description, encoding="utf-8")
        if seconds is not None and not audio.startswith("http"):
            make_audio(folder / audio, seconds)
        return folder

    def edit_show(self, old: str, new: str) -> None:
        path = self.root / "podcast.toml"
        text = path.read_text(encoding="utf-8")
        assert old in text, old
        path.write_text(text.replace(old, new), encoding="utf-8")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true",
                     help="Rewrite tests/cases/*/expected from the current output; review the diff.")


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture
def make_show(tmp_path: Path) -> ShowMaker:
    return ShowMaker(tmp_path / "show")


@pytest.fixture
def sample_show(tmp_path: Path) -> Path:
    """A copy of the repository's sample show (Trench Tech), safe to modify."""
    root = tmp_path / "trench-tech"
    root.mkdir()
    shutil.copy(REPO / "podcast.toml", root)
    shutil.copy(REPO / "feedpub.lock", root)
    shutil.copytree(REPO / "episodes", root / "episodes")
    return root
