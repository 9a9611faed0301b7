"""Episodes loaded and given their companions in worker processes: the same episodes,
outputs, cache entries and problems as the same work in-process, in the same order."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import ShowMaker
from feedpub.build import build, parallel, write_outputs
from feedpub.build.pipeline import BuildError
from feedpub.build.probe import start_method, workers
from feedpub.cache import CACHE_DIR, PACKS, RENDERED, Cache

MANY = parallel.THRESHOLD + 4  # enough episodes to load (and, 2 broken, to finish) in processes

pytestmark = pytest.mark.skipif(workers() < 2, reason="one core: no worker processes")


def many_episodes(make_show: ShowMaker) -> None:
    for n in range(MANY):
        folder = make_show.episode(f"ep-{n:02d}", seconds=0.5,
                                   description=f"Notes *{n}* : https://example.org/{n}, "
                                               "ausha.co/p et `<filename>` 😅")
        (folder / "transcript.txt").write_text(f"Éloïse: Bonjour, épisode {n}.\nZoë: Salut.\n",
                                               encoding="utf-8")


def break_some(root: Path) -> None:
    episodes = root / "episodes"
    toml = episodes / "ep-05" / "episode.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("date = ", "date = 1\nx = "),
                    encoding="utf-8")
    (episodes / "ep-11" / "description.md").unlink()
    (episodes / "ep-20" / "transcript.srt").write_text(
        "1\n00:00:00,000 --> 00:10:00,000\nBien trop long.\n", encoding="utf-8")
    (episodes / "ep-20" / "transcript.txt").unlink()
    (episodes / "ep-33" / "transcript.txt").rename(episodes / "ep-33" / "transcript.x-y.txt")


@pytest.fixture
def runs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The work each build handed to worker processes (the real pool runs it)."""
    names: list[str] = []
    real = parallel.run

    def counted(show: Any, fn: Callable[[Any], Any], items: list[Any]) -> Iterator[Any]:
        names.append(fn.__name__)
        return real(show, fn, items)
    monkeypatch.setattr(parallel, "run", counted)
    return names


def problems_of(root: Path) -> list[str]:
    with pytest.raises(BuildError) as info:
        build(root, site=False)
    return [str(p) for p in info.value.problems]


def test_problems_in_workers_are_those_found_in_process(make_show: ShowMaker, runs: list[str],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    many_episodes(make_show)
    break_some(make_show.root)
    there = problems_of(make_show.root)
    assert runs == ["load_one", "make_one"]
    monkeypatch.setattr(parallel, "THRESHOLD", 10 ** 6)
    here = problems_of(make_show.root)
    assert runs == ["load_one", "make_one"]  # no pool the second time
    assert there == here
    where = dict.fromkeys(p.split(":")[0] for p in there)  # each file once, in order
    assert [w for w in where if w.startswith("episodes/ep-")] == [
        "episodes/ep-05/episode.toml", "episodes/ep-11/description.md",
        "episodes/ep-20/transcript.srt", "episodes/ep-33/transcript.x-y.txt"]


def test_a_clean_build_in_workers_gives_the_bytes_of_one_in_process(
        make_show: ShowMaker, runs: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    many_episodes(make_show)
    root = make_show.root
    forked = build(root, site=False)
    assert runs == ["load_one", "make_one"]
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)  # as beside `feedpub serve`'s web server
    other.start()
    try:
        assert start_method().get_start_method() in ("forkserver", "spawn")
        served = build(root, site=False)
    finally:
        stop.set()
        other.join()
    assert runs == ["load_one", "make_one"] * 2
    monkeypatch.setattr(parallel, "THRESHOLD", 10 ** 6)
    here = build(root, site=False)
    for there in (forked, served):
        assert [(o.path, o.read()) for o in there.outputs] == \
            [(o.path, o.read()) for o in here.outputs]
        # the renderings the workers made are the cache's, as if rendered here
        assert there.cache is not None and here.cache is not None
        for b in here.episodes:
            notes = (b.episode.folder / "description.md").read_text(encoding="utf-8").strip()
            key = Cache.render_key("markdown", notes)
            assert there.cache.lookup(RENDERED, key) == b.episode.description_html
        assert [b.key for b in there.episodes] == [b.key for b in here.episodes]
        assert there.lock.to_json() == here.lock.to_json()
    assert all(b.transcripts and b.episode.description_text for b in here.episodes)
    assert '<a href="http://ausha.co/p">' in forked.episodes[0].episode.description_html

    # the cache's blobs land intact: the companions one file each, notes and segments
    # in one pack
    write_outputs(forked, root / "public")
    cache = root / CACHE_DIR
    blobs = [p for p in (cache / "blobs").rglob("*") if p.is_file()]
    assert len(blobs) >= 2 * MANY and len(list((cache / PACKS).iterdir())) == 1
    assert all(hashlib.sha256(p.read_bytes()).hexdigest() == p.name
               for p in [*blobs, *(cache / PACKS).iterdir()])
    again = build(root, site=False)
    assert again.stats.reused == MANY
    assert [(o.path, o.read()) for o in again.outputs] == \
        [(o.path, o.read()) for o in here.outputs]
