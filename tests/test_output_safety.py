"""The output never touches the sources, never writes through links, and survives kills."""

from __future__ import annotations

import json
import os
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from feedpub.build import build, write_outputs
from feedpub.errors import FeedpubError
from feedpub.output import WRITING

FEEDPUB = [sys.executable, "-m", "feedpub"]


def run(root: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*FEEDPUB, "-C", str(root), *args], capture_output=True, text=True,
                          timeout=timeout)


@pytest.mark.parametrize("output,how,what", [
    ("episodes", "is", "episodes"),
    ("episodes/public", "is inside", "episodes"),
    (".", "contains", "podcast.toml"),
    ("..", "contains", "podcast.toml"),
])
def test_an_output_folder_over_the_sources_is_refused(make_show, output: str, how: str,
                                                      what: str) -> None:
    folder = make_show.episode("ep")
    (folder / "transcript.txt").write_text("Speaker #0\nBonjour.\n", encoding="utf-8")
    before = {p: p.read_bytes() for p in make_show.root.rglob("*") if p.is_file()}
    done = run(make_show.root, "build", "--output", str(make_show.root / output))
    assert done.returncode == 2, done.stderr
    assert f"the output folder {how} {what}, a source of the show" in done.stderr
    assert "hint: pass --output public/" in done.stderr
    after = {p: p.read_bytes() for p in make_show.root.rglob("*") if p.is_file()}
    assert after == before  # not one byte written, the transcript above all


def test_an_output_inside_media_dir_is_refused(make_show) -> None:
    make_show.episode("ep")
    (make_show.root / "media").mkdir()
    make_show.edit_show('timezone = "Europe/Paris"',
                        'timezone = "Europe/Paris"\nmedia_dir = "media"')
    with pytest.raises(FeedpubError, match="the output folder is inside media"):
        write_outputs(build(make_show.root), make_show.root / "media" / "out")


def test_a_symlinked_episode_folder_in_the_output_is_not_written_through(make_show,
                                                                         tmp_path) -> None:
    folder = make_show.episode("ep")
    (folder / "transcript.txt").write_text("Speaker #0\nBonjour.\n", encoding="utf-8")
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    out.mkdir()
    elsewhere.mkdir()
    (out / "ep").symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(FeedpubError) as info:
        write_outputs(build(make_show.root), out)
    assert "ep: is a symbolic link inside the output folder" in str(info.value)
    assert list(elsewhere.iterdir()) == []
    assert not (out / "feed.xml").exists()


def test_stale_temp_files_of_a_killed_run_are_removed(make_show, tmp_path) -> None:
    folder = make_show.episode("ep")
    (folder / "transcript.txt").write_text("Speaker #0\nBonjour.\n", encoding="utf-8")
    out = tmp_path / "out"
    write_outputs(build(make_show.root), out)
    assert not (out / WRITING).exists()  # a finished build leaves no marker
    stale = [out / ".feed.xml.feedpub-abc123_x.tmp", out / "ep" / ".transcript.fr.html"
             ".feedpub-k9k9k9k9.tmp"]
    for path in stale:
        path.write_bytes(b"half")
    (out / WRITING).write_bytes(b"")  # as the killed run left it
    mine = out / ".notes.tmp"  # not ours: left alone
    mine.write_bytes(b"keep")
    write_outputs(build(make_show.root), out)
    assert not any(p.exists() for p in stale) and mine.read_bytes() == b"keep"
    assert not (out / WRITING).exists()


def test_only_the_folders_written_to_are_searched_for_temp_files_after_a_finished_build(
        make_show, tmp_path, monkeypatch) -> None:
    for n in range(3):
        folder = make_show.episode(f"ep-{n}")
        (folder / "transcript.txt").write_text("Speaker #0\nBonjour.\n", encoding="utf-8")
    out = tmp_path / "out"
    write_outputs(build(make_show.root, site=False), out)
    transcript = make_show.root / "episodes" / "ep-1" / "transcript.txt"
    transcript.write_text("Speaker #0\nBonsoir.\n", encoding="utf-8")
    scanned: list[str] = []
    real = os.scandir
    monkeypatch.setattr(os, "scandir", lambda p=".": scanned.append(os.fspath(p)) or real(p))
    result = build(make_show.root, site=False)
    scanned.clear()
    write_outputs(result, out)
    assert {Path(p).name for p in scanned if Path(p).is_relative_to(out)} == {"out", "ep-1"}


def test_sigterm_and_sigint_end_with_their_codes_and_leave_no_temp_file(make_show,
                                                                        tmp_path) -> None:
    for n in range(40):
        folder = make_show.episode(f"ep-{n:02d}", seconds=2.0)
        (folder / "transcript.txt").write_text("Speaker #0\nBonjour.\n" * 50, encoding="utf-8")
    started = time.monotonic()
    assert run(make_show.root, "build", "-q", "-o", str(tmp_path / "timed")).returncode == 0
    duration = time.monotonic() - started
    rng = random.Random(7)
    # SIGTERM: exit status 143; Ctrl-C: killed by SIGINT, as an interrupted program should
    # end (the shell shows 130), so that a shell loop around feedpub stops too
    for sig, code in ((signal.SIGTERM, 143), (signal.SIGINT, -signal.SIGINT)):
        out = tmp_path / f"out-{sig}"
        proc = subprocess.Popen([*FEEDPUB, "-C", str(make_show.root), "build", "-o", str(out)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        handling(proc.pid, signal.SIGTERM)  # the build is under way (handlers are installed)
        time.sleep(rng.uniform(0, duration / 2))
        proc.send_signal(sig)
        said, err = proc.communicate(timeout=60)
        if proc.returncode == 0 or "files written" in said:
            continue  # finished before the signal (or it came as Python was exiting)
        assert proc.returncode == code, err
        assert ("terminated" if code == 143 else "interrupted") in err
        leftovers = [p for p in out.rglob("*") if ".feedpub-" in p.name] if out.exists() else []
        assert leftovers == []


def handling(pid: int, sig: int) -> None:
    """Wait until process ``pid`` has a handler for ``sig`` (Linux: SigCgt in its status)."""
    status, cmdline = Path(f"/proc/{pid}/status"), Path(f"/proc/{pid}/cmdline")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            started = b"\0-m\0feedpub\0" in cmdline.read_bytes()  # exec'd: not a fork of ours
            caught = next(line for line in status.read_text().splitlines()
                          if line.startswith("SigCgt:"))
        except (OSError, StopIteration):
            return  # ended already (or no /proc): the caller copes with a finished run
        if started and int(caught.split()[1], 16) >> (sig - 1) & 1:
            return
        time.sleep(0.005)
    raise AssertionError(f"process {pid} never handled signal {sig}")


def referenced(feed: bytes) -> set[str]:
    """The companion files a feed names (transcripts, chapters), relative to its folder."""
    return {m.decode() for m in re.findall(rb'url="https://feeds\.example\.org/show/([^"]+)"',
                                           feed)}


def test_sigkill_at_random_moments_leaves_the_old_or_the_new_feed(make_show, tmp_path) -> None:
    """A few kills on a show of 80 episodes: the feed is always whole, old or new, and what it
    names is there; the next run completes and equals a clean build."""
    for n in range(80):
        make_show.episode(f"ep-{n:02d}", seconds=1.0)
    out = tmp_path / "out"
    write_outputs(build(make_show.root), out)
    old = (out / "feed.xml").read_bytes()
    for n in range(80):  # the change: a transcript for every episode
        (make_show.root / "episodes" / f"ep-{n:02d}" / "transcript.txt").write_text(
            f"Speaker #0\nBonjour {n}.\n", encoding="utf-8")
    clean = tmp_path / "clean"
    started = time.monotonic()
    assert run(make_show.root, "build", "-q", "-o", str(clean)).returncode == 0
    duration = time.monotonic() - started
    new = (clean / "feed.xml").read_bytes()
    rng = random.Random(13)
    for _ in range(10):
        proc = subprocess.Popen([*FEEDPUB, "-C", str(make_show.root), "build", "-q", "-o",
                                 str(out)], stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.2, duration))
        proc.kill()
        proc.wait(timeout=30)
        feed = (out / "feed.xml").read_bytes()
        assert feed in (old, new)
        missing = [rel for rel in referenced(feed) if not (out / rel).is_file()]
        assert missing == []
    assert run(make_show.root, "build", "-q", "-o", str(out)).returncode == 0
    files = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    expected = {p.relative_to(clean): p.read_bytes() for p in clean.rglob("*") if p.is_file()}
    # the manifest records each file's fingerprint as written: compare its names
    manifest = Path(".feedpub-files.json")
    assert manifest_names(files.pop(manifest)) == manifest_names(expected.pop(manifest))
    assert files == expected  # no temp file either


def manifest_names(data: bytes) -> list[str]:
    return sorted(json.loads(data)["files"])


def test_audio_that_is_not_here_keeps_its_published_copy(make_show, tmp_path) -> None:
    """Media under the feed's folder is copied to the output; building later from the lock
    alone (the audio deleted or not checked out) must not delete that copy."""
    make_show.edit_show('media_base_url = "https://media.example.org/audio/"',
                        'media_base_url = "https://feeds.example.org/show/media/"')
    folder = make_show.episode("ep")
    out = tmp_path / "out"
    write_outputs(build(make_show.root), out)
    copy = out / "media" / "ep.mp3"
    published = copy.read_bytes()
    (folder / "ep.mp3").unlink()
    done = write_outputs(build(make_show.root), out)
    assert copy.read_bytes() == published and done.remove == []
    write_outputs(build(make_show.root), out)  # and on every later build too
    assert copy.is_file()
