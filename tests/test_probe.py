"""Cold probing: worker processes find exactly what in-process probing finds, problems too."""

from __future__ import annotations

import multiprocessing
import threading
from pathlib import Path

from audiofactory import make_audio
from feedpub.build import build
from feedpub.build.probe import PROCESS_THRESHOLD, parse_all, start_method
from feedpub.errors import FeedpubError

MANY = PROCESS_THRESHOLD + 8  # enough files for a build to probe in processes


def test_processes_give_the_facts_and_problems_of_in_process_probing(tmp_path: Path) -> None:
    files = []
    for n in range(12):
        path = tmp_path / f"ep-{n}.mp3"
        make_audio(path, 0.5 + n * 0.25)
        files.append(path)
    (tmp_path / "broken.mp3").write_bytes(b"not audio at all")
    (tmp_path / "renamed.mp3").write_bytes(make_audio(tmp_path / "x.flac", 1.0).read_bytes())
    files[5:5] = [tmp_path / "broken.mp3", tmp_path / "renamed.mp3", tmp_path / "gone.mp3"]
    jobs = [(path, n % 2 == 0) for n, path in enumerate(files)]  # alternates too: SRI, bitrate
    here = list(parse_all(jobs, processes=False))
    there = list(parse_all(jobs, processes=True))
    assert there == here  # same order, same facts, same problems
    assert [job for job, _ in here] == jobs
    results = dict(here)
    assert "not a recognised audio file" in str(results[jobs[5]][0])  # type: ignore[index]
    assert "does not match the content (flac)" in str(results[jobs[6]][0])  # type: ignore[index]
    assert "audio file not found" in str(results[jobs[7]][0])  # type: ignore[index]
    facts = results[jobs[0]]
    assert not isinstance(facts, list)
    assert facts.duration > 0.4 and facts.sri and facts.bitrate  # alternate: every fact


def test_a_cold_build_in_processes_reports_the_broken_file_at_its_episode(make_show) -> None:  # type: ignore[no-untyped-def]
    for n in range(MANY):
        make_show.episode(f"ep-{n:02d}", seconds=0.5)
    broken = make_show.root / "episodes" / "ep-17" / "ep-17.mp3"
    broken.write_bytes(b"ID3 but nothing after it")
    try:
        build(make_show.root)
    except FeedpubError as err:
        messages = [str(p) for p in err.problems]
    else:
        raise AssertionError("a broken MP3 built")
    assert len(messages) == 1
    assert messages[0].startswith("episodes/ep-17/ep-17.mp3: ")

    make_audio(broken, 0.5)
    result = build(make_show.root)
    assert result.stats.probed == MANY and result.stats.hashed == 0  # cold: no lock
    assert [b.slug for b in result.episodes] == [f"ep-{n:02d}" for n in range(MANY)]
    assert all(0.4 < b.audio.duration < 0.7 for b in result.episodes)


def test_with_another_thread_running_workers_come_from_a_fork_server(tmp_path: Path) -> None:
    """``feedpub serve`` builds beside its web server's thread: no fork of a threaded process."""
    jobs = []
    for n in range(3):
        make_audio(tmp_path / f"ep-{n}.mp3", 0.5)
        jobs.append((tmp_path / f"ep-{n}.mp3", False))
    (tmp_path / "bad.mp3").write_bytes(b"ID3 and nothing")
    jobs.append((tmp_path / "bad.mp3", False))
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert start_method().get_start_method() in ("forkserver", "spawn")
        there = list(parse_all(jobs, processes=True))
    finally:
        stop.set()
        other.join()
    if threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods():
        assert start_method().get_start_method() == "fork"  # alone again: the cheap start
    assert there == list(parse_all(jobs, processes=False))
