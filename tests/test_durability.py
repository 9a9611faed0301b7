"""Batched durability: one barrier makes a build's files durable before the lock and the feed.

The calls are observed by wrapping ``os.fsync`` and ``os.replace`` (the operating system's,
not feedpub's code): which file each fsync was for, and when each file was renamed into place.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from feedpub.build import build, write_outputs
from feedpub.errors import FeedpubError
from feedpub.writefile import is_temp

EPISODES = 12


@pytest.fixture
def show(make_show):  # type: ignore[no-untyped-def]
    for n in range(EPISODES):
        folder = make_show.episode(f"ep-{n:02d}", seconds=0.5, title=f"Episode {n}")
        (folder / "transcript.txt").write_text(f"Speaker #0\nBonjour {n}.\n", encoding="utf-8")
    return make_show.root


def observe(monkeypatch: pytest.MonkeyPatch, show: Path,
            out: Path) -> list[tuple[str, str]]:
    """Record ("fsync", path) and ("rename", final path) in the order they happen, for the
    output folder and the lock beside podcast.toml (not the build cache)."""
    events: list[tuple[str, str]] = []
    real_fsync, real_replace = os.fsync, os.replace

    def ours(path: str) -> bool:
        return Path(path).is_relative_to(out) or Path(path) == show or \
            Path(path).parent == show

    def fsync(fd: int) -> None:
        path = os.readlink(f"/proc/self/fd/{fd}")
        if ours(path):
            events.append(("fsync", path))
        real_fsync(fd)

    def replace(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        real_replace(src, dst)
        if ours(str(dst)):
            events.append(("rename", str(dst)))

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    return events


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc to name fds")
def test_every_file_is_synced_before_any_is_renamed_then_lock_then_feed(
        show: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    result = build(show, site=False)
    events = observe(monkeypatch, show, out)
    done = write_outputs(result, out)
    monkeypatch.undo()
    renames = [path for kind, path in events if kind == "rename"]
    lock, feed = str(show / "feedpub.lock"), str(out / "feed.xml")
    companions = [str(p) for p in done.write if str(p) not in (lock, feed)]
    assert len(companions) == EPISODES * 2  # untimed: the transcript as HTML and text
    assert renames == [*companions, lock, feed, str(out / ".feedpub-files.json")]
    first_rename = events.index(("rename", companions[0]))
    synced_before = [path for kind, path in events[:first_rename] if kind == "fsync"]
    # the barrier: each companion's temp file synced, all of them before the first rename
    assert len(synced_before) == len(companions)
    assert all(is_temp(Path(p).name) for p in synced_before)
    assert sorted(Path(p).name.split(".feedpub-")[0][1:] for p in synced_before) == \
        sorted(Path(p).name for p in companions)
    # then the folders the renames changed, before the lock is written
    lock_at = events.index(("rename", lock))
    folders = {path for kind, path in events[first_rename:lock_at - 1] if kind == "fsync"}
    assert folders == {str(out), *(str(out / f"ep-{n:02d}") for n in range(EPISODES))}
    # the lock and the feed: each synced on its own, its folder too
    assert events[lock_at - 1][0] == "fsync" and events[lock_at + 1] == ("fsync", str(show))
    feed_at = events.index(("rename", feed))
    assert events[feed_at - 1][0] == "fsync" and events[feed_at + 1] == ("fsync", str(out))
    fsyncs = sum(1 for kind, _ in events if kind == "fsync")
    assert fsyncs == len(companions) + len(folders) + 3 * 2  # lock, feed, manifest

    # A rebuild with one transcript changed syncs that file and its folder, nothing else.
    (show / "episodes" / "ep-03" / "transcript.txt").write_text("Speaker #0\nSalut.\n",
                                                                encoding="utf-8")
    result = build(show, site=False)
    events = observe(monkeypatch, show, out)
    done = write_outputs(result, out)
    monkeypatch.undo()
    staged = [p for p in done.write if p.name not in ("feed.xml", "feedpub.lock")]
    assert {p.name for p in staged} == {"transcript.fr.html", "transcript.fr.txt"}
    assert {p.parent for p in staged} == {out / "ep-03"}
    synced = [path for kind, path in events if kind == "fsync"]
    single = [("rename", str(path)) in events for path in (
        out / "feed.xml", out / ".feedpub-files.json", show / "feedpub.lock")]
    assert len(synced) == len(staged) + 1 + 2 * sum(single)  # the files, ep-03/, the rest
    folders = {p for p in synced if Path(p).is_dir()}
    assert folders == {str(out / "ep-03"), *([str(out)] if single[0] or single[1] else [])}


def test_a_write_that_fails_before_the_barrier_leaves_every_file_as_it_was(
        show: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_outputs(build(show, site=False), out)
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    lock = (show / "feedpub.lock").read_bytes()
    for n in range(EPISODES):  # every transcript changes
        (show / "episodes" / f"ep-{n:02d}" / "transcript.txt").write_text(
            f"Speaker #0\nAu revoir {n}.\n", encoding="utf-8")
    blocked = out / "ep-07"  # a file where the episode's folder must be
    for path in list(blocked.iterdir()):
        path.unlink()
        before.pop(path)
    blocked.rmdir()
    blocked.write_bytes(b"in the way")
    before[blocked] = b"in the way"
    with pytest.raises(FeedpubError) as info:
        write_outputs(build(show, site=False), out)
    assert str(info.value).startswith(f"{blocked}/transcript.fr.")
    assert "cannot write" in str(info.value)
    after = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before  # no file renamed, no temp file left, the old feed
    assert (show / "feedpub.lock").read_bytes() == lock
