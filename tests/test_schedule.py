"""Scheduled episodes: dated in the future, checked now, published when due."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from lxml import etree

from feedpub.build import BuildError, build, write_outputs
from transcript_samples import write_timed_srt

LATER = (date.today() + timedelta(days=30)).isoformat()


def run(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "feedpub.cli", *args], cwd=root,
                          capture_output=True, text=True,
                          env={**os.environ, "PYTHONIOENCODING": "utf-8"})


def titles(feed: bytes) -> list[str]:
    return [i.findtext("title") for i in etree.fromstring(feed).iter("item")]


def test_a_future_episode_is_left_out_until_due(make_show, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    make_show.episode("out", title="Out now", date="2025-05-13")
    write_timed_srt(make_show.episode("soon", title="Soon", date=LATER, seconds=20.0))
    result = build(make_show.root)
    assert titles(result.feed) == ["Out now"]
    assert [b.slug for b in result.scheduled] == ["soon"]
    assert [b.slug for b in result.episodes] == ["out"]
    assert not any("soon" in o.path for o in result.outputs)  # no transcripts, no media
    # Recorded in the lock, so a checkout without its audio publishes it when due.
    write_outputs(result, tmp_path / "public")
    lock = json.loads((make_show.root / "feedpub.lock").read_text(encoding="utf-8"))
    assert set(lock["episodes"]) == {"out", "soon"}
    assert not (tmp_path / "public" / "soon").exists()
    # When the date has come, it is in the feed with its files.
    due = build(make_show.root, now=datetime.now(UTC) + timedelta(days=31))
    assert titles(due.feed) == ["Soon", "Out now"] and due.scheduled == []
    assert any(o.path == "soon/transcript.fr.vtt" for o in due.outputs)


def test_a_scheduled_episode_is_checked_now(make_show) -> None:  # type: ignore[no-untyped-def]
    make_show.episode("out", date="2025-05-13")
    make_show.episode("soon", date=LATER, extra='season = 0\n')
    with pytest.raises(BuildError) as info:
        build(make_show.root)
    assert "episodes/soon/episode.toml:4: season" in str(info.value)


def test_a_show_with_nothing_due_yet_is_an_error(make_show) -> None:  # type: ignore[no-untyped-def]
    make_show.episode("soon", date=LATER)
    with pytest.raises(BuildError) as info:
        build(make_show.root)
    assert str(info.value).startswith(
        f"episodes: no episode is due yet: the first, 'soon', is scheduled for {LATER} 00:00 "
        "(Europe/Paris)")


def test_build_and_status_say_what_is_scheduled(make_show) -> None:  # type: ignore[no-untyped-def]
    make_show.episode("out", date="2025-05-13")
    make_show.episode("soon", date=LATER)
    status = run(make_show.root, "status")
    assert status.returncode == 0, status.stderr
    assert status.stdout.splitlines()[:2] == [
        f"scheduled: soon on {LATER} 00:00 (Europe/Paris)", "1 episode in the feed, 1 scheduled"]
    assert "next build: write " in status.stdout
    proc = run(make_show.root, "build")
    assert proc.returncode == 0, proc.stderr
    assert (f"scheduled: soon on {LATER} 00:00 (Europe/Paris), left out of the feed until then"
            in proc.stderr)
    assert ": 1 episode (1 scheduled for later), " in proc.stdout
    again = run(make_show.root, "status")
    assert again.stdout.endswith("public: up to date\n")
