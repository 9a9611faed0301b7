"""``feedpub new``: --date, --audio (measured), --from-template, and what to fill in next."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from datetime import date
from pathlib import Path

import pytest

from audiofactory import make_audio
from feedpub.build import build
from feedpub.errors import AudioError, UsageError
from feedpub.scaffold import clock, create_episode

FEEDPUB = [sys.executable, "-m", "feedpub.cli"]


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*FEEDPUB, *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, "PYTHONIOENCODING": "utf-8"})


def toml_of(folder: Path) -> dict:
    return tomllib.loads((folder / "episode.toml").read_text(encoding="utf-8"))


def test_clock() -> None:
    assert [clock(s) for s in (4.6, 252, 3723.2)] == ["0:05", "4:12", "1:02:03"]


def test_date_forms(make_show) -> None:
    made = create_episode(make_show.root, "A", date_text="2025-05-13")
    assert toml_of(made.folder)["date"] == date(2025, 5, 13)
    made = create_episode(make_show.root, "B", date_text="13/05/2025")
    assert toml_of(made.folder)["date"] == "13/05/2025"
    with pytest.raises(UsageError) as info:
        create_episode(make_show.root, "C", date_text="31/02/2025")
    assert str(info.value).startswith("--date: '31/02/2025' is not a real date")
    assert not (make_show.root / "episodes" / "c").exists()


def test_audio_is_measured_and_the_episode_builds(make_show, tmp_path: Path) -> None:
    (tmp_path / "recordings").mkdir()
    audio = make_audio(tmp_path / "recordings" / "take 3.mp3", 5.0)
    made = create_episode(make_show.root, "With audio", audio=audio, date_text="2025-05-13")
    data = toml_of(made.folder)
    assert data["duration"] == made.duration == "0:05"
    assert data["audio"] == os.path.relpath(audio.resolve(), made.folder.resolve())
    assert not any("put the audio" in step for step in made.next_steps)
    result = build(make_show.root)
    assert b"take%203.mp3" in result.feed and b"<itunes:duration>5</itunes:duration>" in \
        result.feed


def test_audio_beside_episode_toml_is_named_by_its_name(make_show) -> None:
    folder = make_show.root / "episodes" / "x"
    # the folder must not exist yet; audio in media_dir is named by its name
    make_show.edit_show('timezone = "Europe/Paris"',
                        'timezone = "Europe/Paris"\nmedia_dir = "../media"')
    (make_show.root.parent / "media").mkdir()
    audio = make_audio(make_show.root.parent / "media" / "ep.mp3", 3.0)
    made = create_episode(make_show.root, "X", audio=audio)
    assert made.folder == folder and toml_of(folder)["audio"] == "ep.mp3"


def test_audio_that_is_not_audio_creates_nothing(make_show, tmp_path: Path) -> None:
    fake = tmp_path / "notes.mp3"
    fake.write_text("not audio", encoding="utf-8")
    with pytest.raises(AudioError):
        create_episode(make_show.root, "Fake", audio=fake)
    assert not (make_show.root / "episodes" / "fake").exists()


def test_from_template_copies_the_recurring_keys(make_show) -> None:
    make_show.episode("ep-1", extra='explicit = true\nseason = 2\n[[speakers]]\nlabel = "A"\n'
                      'name = "Ann"\nrole = "host"\n')
    made = create_episode(make_show.root, "Next one", template="ep-1")
    data = toml_of(made.folder)
    assert (data["explicit"], data["season"], data["title"]) == (True, 2, "Next one")
    assert data["speakers"] == [{"label": "A", "name": "Ann", "role": "host", "group": "cast"}]
    assert "guid" in data and data["guid"] != toml_of(make_show.root / "episodes" / "ep-1").get(
        "guid")
    with pytest.raises(UsageError) as info:
        create_episode(make_show.root, "Other", template="nope")
    assert str(info.value) == ("--from-template: no episode 'nope' (expected the slug of an "
                               "episode, or its folder)")


def test_cli_prints_the_folder_then_what_to_fill_in(make_show) -> None:
    proc = run("new", "Hello", "--date", "2025-05-13", cwd=make_show.root)
    assert proc.returncode == 0, proc.stderr
    assert Path(proc.stdout.strip()) == (make_show.root / "episodes" / "hello").resolve()
    assert proc.stderr.splitlines() == [
        "next: put the audio at episodes/hello/hello.mp3 (or set audio in "
        "episodes/hello/episode.toml to its path or URL), and its length in duration",
        "next: write the show notes in episodes/hello/description.md",
        "next: list who speaks under [[speakers]] in episodes/hello/episode.toml",
        "next: then run: feedpub build"]
    bad = run("new", "Other", "--date", "05/13/2025", cwd=make_show.root)
    assert bad.returncode == 2 and bad.stderr.startswith("feedpub: error: --date: '05/13/2025'")
