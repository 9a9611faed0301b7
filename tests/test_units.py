"""Per-episode units: an unchanged episode is taken whole from the cache, and an
incremental build is byte for byte a clean one after every kind of change."""

from __future__ import annotations

import dataclasses
import io
import json
import os
import shutil
import time
import tomllib
import traceback
from pathlib import Path

import pytest

import showchanges
from audiofactory import make_audio
from cleancopy import built_clean
from feedpub.build import build, units, write_outputs
from feedpub.build import probe as probe_module
from feedpub.build.units import KIND, StoredEpisode, StoredTranscript
from feedpub.cache import BLOB_INDEX, CACHE_DIR, PACKED, PACKS, Cache

SRT = """1
00:00:00,000 --> 00:00:01,500
Speaker #0: Bonjour et bienvenue.

2
00:00:01,500 --> 00:00:02,800
Une deuxième phrase, avec « accents » & <signes>.
"""
CHAPTERS = '[[chapters]]\nstart = "0:00"\ntitle = "Intro"\n\n' \
           '[[chapters]]\nstart = "0:02"\ntitle = "Suite"\n'
SPEAKERS = '\n[[speakers]]\nlabel = "Speaker #0"\nname = "Ada Hôte"\nrole = "host"\n'


def outputs(root: Path, **options: bool) -> dict[str, bytes]:
    return {o.path: o.read() for o in build(root, **options).outputs}


def clean_outputs(root: Path, tmp_path: Path, **options: bool) -> dict[str, bytes]:
    """The same show built with no cache at all, from a copy."""
    return built_clean(root, tmp_path, lambda copy: outputs(copy, **options))


def written(root: Path, **options: bool) -> dict[str, bytes]:
    """Build, write to public/ (which saves the cache) and return the outputs."""
    result = build(root, **options)
    write_outputs(result, root / "public")
    return {o.path: o.read() for o in result.outputs}


class Parses:
    """Counts episode.toml files parsed (tomllib, a third-party seam) and audio probed."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.tomls: list[str] = []
        self.probed: list[Path] = []
        real_loads, real_probe = tomllib.loads, probe_module.probe

        def loads(text: str, **kw: object) -> dict[str, object]:
            # not the feed's warnings, which name the line of episode.toml they are about
            if not any(f.filename.endswith("locate.py") for f in traceback.extract_stack()):
                self.tomls.append(text)
            return real_loads(text, **kw)  # type: ignore[arg-type]

        def probe(path: Path, **kw: bool) -> object:
            self.probed.append(path)
            return real_probe(path, **kw)

        monkeypatch.setattr(tomllib, "loads", loads)
        monkeypatch.setattr(probe_module, "probe", probe)

    @property
    def episodes(self) -> int:
        """episode.toml files parsed (the only TOML files that name their audio)."""
        return sum("audio =" in t for t in self.tomls)

    def reset(self) -> None:
        self.tomls.clear()
        self.probed.clear()


@pytest.fixture
def show(make_show) -> Path:
    for n in range(3):
        folder = make_show.episode(f"ep-{n}", seconds=3.0, extra=SPEAKERS,
                                   description=f"Notes *{n}* avec https://example.org/{n} é")
        (folder / "transcript.fr.srt").write_text(SRT, encoding="utf-8")
        if n == 1:
            (folder / "chapters.toml").write_text(CHAPTERS, encoding="utf-8")
    written(make_show.root)
    return make_show.root


def records(root: Path) -> Path:
    return root / CACHE_DIR / f"records-{KIND}.json"


def test_an_unchanged_episode_is_not_loaded_probed_or_rendered_again(
        show: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    parses = Parses(monkeypatch)
    result = build(show)
    assert parses.episodes == 0 and parses.probed == []
    assert all(isinstance(t, StoredTranscript) for b in result.episodes for t in b.transcripts)
    assert all(b.key for b in result.episodes)
    assert (result.stats.reused, result.stats.rebuilt, result.stats.probed) == (3, 0, 0)
    assert {o.path: o.read() for o in result.outputs} == clean_outputs(show, tmp_path)


def test_a_reused_episode_equals_a_freshly_built_one(show: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(show, copy, ignore=shutil.ignore_patterns(".feedpub", "public"))
    fresh, reused = build(copy).episodes, build(show).episodes
    assert len(fresh) == len(reused) == 3
    for a, b in zip(fresh, reused):
        assert not isinstance(a.transcripts[0], StoredTranscript)
        assert isinstance(b.transcripts[0], StoredTranscript)
        assert isinstance(b.episode, StoredEpisode) and "description_html" not in vars(b.episode)
        for name in (f.name for f in dataclasses.fields(a.episode)):
            mine, theirs = getattr(a.episode, name), getattr(b.episode, name)
            if name == "folder":
                mine, theirs = mine.name, theirs.name
            elif name in ("transcript_files", "chapters_file") and mine:
                mine, theirs = str(mine).replace(str(copy), ""), str(theirs).replace(str(show), "")
            assert mine == theirs, name
        moved = dataclasses.replace(b.episode, image="https://example.org/x.jpg")  # as serve
        assert moved.description_html == a.episode.description_html and moved.image
        assert a.measured.audio == b.measured.audio and a.chapters == b.chapters
        assert a.encodings == b.encodings and a.enclosure_url == b.enclosure_url
        assert [(t.segments, t.language, t.source.name) for t in a.transcripts] == \
               [(t.segments, t.language, t.source.name) for t in b.transcripts]
        assert [(o, o.read()) for o in a.companions] == \
               [(o.__class__(**{**o.__dict__, "source": None}), o.read())
                for o in b.companions]
        assert all(o.content is None and o.source for o in b.companions)  # not in memory
    assert [b.key for b in fresh] != [b.key for b in reused]  # another folder


def change_each_way(root: Path) -> list:  # type: ignore[type-arg]
    episodes = root / "episodes"

    def add() -> None:
        showchanges.add_episode(root)

    def edit_episode() -> None:
        path = episodes / "ep-1" / "episode.toml"
        path.write_text(path.read_text().replace('title = "Episode"', 'title = "Épisode 1"'))

    def edit_notes() -> None:
        (episodes / "ep-1" / "description.md").write_text("Autres *notes*.")

    def edit_show_description() -> None:  # a field no unit reads
        showchanges.edit_show_description(root)

    def edit_show_timezone() -> None:  # a field every unit reads (dates without a time)
        text = (root / "podcast.toml").read_text()
        (root / "podcast.toml").write_text(text.replace('"Europe/Paris"', '"America/Chicago"'))

    def replace_audio() -> None:
        make_audio(episodes / "ep-2" / "ep-2.mp3", 2.5)

    def add_transcript() -> None:
        showchanges.add_transcript(root)

    def edit_chapters() -> None:
        (episodes / "ep-1" / "chapters.toml").write_text(CHAPTERS.replace("Suite", "Fin"))

    def edit_transcript() -> None:
        (episodes / "ep-0" / "transcript.fr.srt").write_text(SRT.replace("Bonjour", "Salut"))

    def remove() -> None:
        showchanges.remove_added_episode(root)

    return [add, edit_episode, edit_notes, edit_show_description, edit_show_timezone,
            replace_audio, add_transcript, edit_chapters, edit_transcript, remove]


def test_incremental_builds_equal_clean_builds_after_every_kind_of_change(
        show: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    parses = Parses(monkeypatch)
    expected_loads = {"add": 1, "edit_episode": 1, "edit_notes": 1, "edit_show_description": 0,
                      "edit_show_timezone": 4, "replace_audio": 1, "add_transcript": 1,
                      "edit_chapters": 1, "edit_transcript": 1, "remove": 0}
    for change in change_each_way(show):
        change()
        update = change.__name__ in ("replace_audio", "remove")
        parses.reset()
        result = build(show, update_lock=update)
        write_outputs(result, show / "public")
        incremental = {o.path: o.read() for o in result.outputs}
        assert parses.episodes == result.stats.rebuilt == expected_loads[change.__name__], \
            change.__name__
        assert incremental == clean_outputs(show, tmp_path, update_lock=update), \
            change.__name__
        parses.reset()
        assert outputs(show) == incremental and parses.episodes == 0, change.__name__


def test_the_lock_is_part_of_the_key(show: Path, tmp_path: Path) -> None:
    """Built from the lock (the audio is not here): an edited lock entry is a new unit."""
    audio = show / "episodes" / "ep-2" / "ep-2.mp3"
    audio.unlink()
    written(show)
    lock = json.loads((show / "feedpub.lock").read_text())
    lock["episodes"]["ep-2"]["audio"]["size"] += 1000
    (show / "feedpub.lock").write_text(json.dumps(lock))
    got = outputs(show)
    assert b'length="' + str(lock["episodes"]["ep-2"]["audio"]["size"]).encode() in \
        got["feed.xml"]
    assert got == clean_outputs(show, tmp_path)


def test_audio_replaced_with_the_same_size_and_mtime_is_still_seen(show: Path) -> None:
    audio = show / "episodes" / "ep-0" / "ep-0.mp3"
    st = audio.stat()
    data = bytearray(audio.read_bytes())
    data[-1] ^= 0xFF
    audio.write_bytes(bytes(data))
    os.utime(audio, ns=(st.st_atime_ns, st.st_mtime_ns))
    with pytest.raises(Exception, match="audio changed since it was recorded"):
        build(show)


def test_a_fresh_clone_hashes_instead_of_parsing(show: Path, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    clone = tmp_path / "clone"  # new mtimes, inodes and ctimes; the kept cache comes along
    shutil.copytree(show, clone, ignore=shutil.ignore_patterns("public"))
    shutil.rmtree(show)
    clone.rename(show)
    parses = Parses(monkeypatch)
    got = written(show)
    assert parses.episodes == 0 and parses.probed == []
    assert got == clean_outputs(show, tmp_path)


def test_a_failing_episode_is_never_cached(show: Path, make_show, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    srt = show / "episodes" / "ep-0" / "transcript.fr.srt"
    good = srt.read_text()
    srt.write_text(good.replace("00:00:01,500 -->", "00:00:09,500 -->", 1))  # past the end
    for _ in range(2):  # reported every time, from the files
        with pytest.raises(Exception, match="transcript.fr.srt"):
            build(show)
    srt.write_text(good)  # the same bytes as recorded: the unit is reused again
    parses = Parses(monkeypatch)
    got = written(show)
    assert parses.episodes == 0 and got == clean_outputs(show, tmp_path)
    make_show.edit_show('timezone = "Europe/Paris"', 'type = "serial"\ntimezone = "Europe/Paris"')
    with pytest.raises(Exception, match="serial shows need one"):  # cached, yet checked
        build(show)


def test_identities_are_checked_across_reused_and_new_episodes(show: Path, make_show) -> None:
    guid = json.loads((show / "feedpub.lock").read_text())["episodes"]["ep-0"]["guid"]
    make_show.episode("ep-5", extra=f'guid = "{guid}"\n')
    with pytest.raises(Exception, match="is also used by episode 'ep-0'"):
        build(show)


@pytest.mark.parametrize("damage", ["records", "truncated", "shape", "blob gone",
                                    "blob damaged", "segments gone", "notes gone",
                                    "notes damaged", "code"])
def test_a_damaged_or_stale_cache_gives_the_clean_bytes(show: Path, tmp_path: Path,
                                                        damage: str) -> None:
    path = records(show)
    data = json.loads(path.read_text())
    blobs = sorted((show / CACHE_DIR / "blobs").rglob("*"))
    cache = Cache(show, "")
    record = data["records"]["ep-1"]
    companion = record[4][2][3][0][5]
    segments = record[4][2][1][0][2]
    if damage == "records":
        path.write_text("{not json")
    elif damage == "truncated":
        path.write_bytes(path.read_bytes()[:200])
    elif damage == "shape":
        record[4][0] = ["not", "an", "episode"]
        path.write_text(json.dumps(data))
    elif damage == "blob gone":
        cache.blob_path(companion).unlink()
    elif damage == "blob damaged":
        blob = cache.blob_path(companion)
        blob.write_bytes(blob.read_bytes().replace(b"Bonjour", b"Bonsoir"))
    elif damage in ("segments gone", "notes gone"):  # segments: read only for a page
        # packed blobs (packs/): gone from the index that places them
        index_file = show / CACHE_DIR / BLOB_INDEX
        index = json.loads(index_file.read_text())
        del index["blobs"][segments if damage == "segments gone" else record[4][0][9]]
        index_file.write_text(json.dumps(index))
    elif damage == "notes damaged":
        [pack] = (show / CACHE_DIR / PACKS).iterdir()
        pack.write_bytes(pack.read_bytes().replace(b"Notes", b"Notez"))
    else:  # written by another feedpub
        data["identity"]["code"] = "an older feedpub"
        path.write_text(json.dumps(data))
    assert blobs and outputs(show) == clean_outputs(show, tmp_path)


def test_a_cache_copied_from_another_show_is_ignored(show: Path, make_show, tmp_path: Path
                                                     ) -> None:
    shutil.copytree(show / ".feedpub", show.parent / "kept")
    make_show.edit_show('feed_url = "https://feeds.example.org/show/feed.xml"',
                        'feed_url = "https://feeds.example.org/other/feed.xml"')
    (show / "feedpub.lock").unlink()
    shutil.rmtree(show / ".feedpub")
    shutil.copytree(show.parent / "kept", show / ".feedpub")
    assert outputs(show) == clean_outputs(show, tmp_path)


def test_a_cache_deleted_before_writing_writes_nothing_wrong(show: Path, tmp_path: Path
                                                            ) -> None:
    result = build(show)  # reused: companions refer to the cache's blobs
    shutil.rmtree(show / ".feedpub")
    fresh = tmp_path / "elsewhere"
    with pytest.raises(Exception, match="build cache changed"):
        write_outputs(result, fresh)
    assert not (fresh / "feed.xml").exists()
    assert written(show) == clean_outputs(show, tmp_path)


def test_unused_records_and_blobs_go_with_their_episode(show: Path) -> None:
    before = set(json.loads(records(show).read_text())["records"])
    shutil.rmtree(show / "episodes" / "ep-2")
    written(show, update_lock=True)
    written(show)
    after = json.loads(records(show).read_text())["records"]
    assert before - set(after) == {"ep-2"}
    used = {p.name for p in (show / CACHE_DIR / "blobs").rglob("*") if p.is_file()}
    packs = {p.name for p in (show / CACHE_DIR / PACKS).iterdir()}
    index = json.loads((show / CACHE_DIR / BLOB_INDEX).read_text())["blobs"]
    used |= {sha for sha, entry in index.items()  # the segments: packed
             if entry.startswith(PACKED) and entry[len(PACKED):].split(":")[0] in packs}
    named = {row[5] for r in after.values() for row in r[4][2][3]} | \
            {t[2] for r in after.values() for t in r[4][2][1]}
    assert named <= used


def test_settled_folders_are_not_listed_and_settled_files_not_hashed(
        show: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Fingerprints taken as a file may still change within its timestamp's granularity
    are not trusted; once settled, a folder's own fingerprint vouches for its names and
    each file's for its bytes."""
    time.sleep(units.RACY / 1e9)
    written(show)  # the fingerprints are settled now
    episodes = str(show / "episodes")
    listed: list[str] = []
    opened: list[str] = []
    real_scandir, real_open = os.scandir, io.open

    def scandir(path: object = ".") -> object:
        if isinstance(path, (str, Path)) and os.fspath(path).startswith(episodes + "/"):
            listed.append(os.fspath(path))
        return real_scandir(path)  # type: ignore[call-overload]

    def open_(file: object, *args: object, **kw: object) -> object:
        if isinstance(file, (str, Path)) and os.fspath(file).startswith(episodes + "/"):
            opened.append(os.fspath(file))
        return real_open(file, *args, **kw)  # type: ignore[call-overload]

    monkeypatch.setattr(os, "scandir", scandir)
    monkeypatch.setattr(io, "open", open_)
    result = build(show)
    assert listed == [] and opened == [] and result.stats.reused == 3
    notes = show / "episodes" / "ep-1" / "description.md"
    notes.write_text(notes.read_text().replace("Notes", "Notez"))  # same size, in place
    result = build(show)
    assert str(notes) in opened and result.stats.reused == 2
    assert {o.path: o.read() for o in result.outputs} == clean_outputs(show, tmp_path)


def test_reused_units_keep_their_markdown_renderings(show: Path, make_show,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """A build that reuses every unit still keeps the notes' HTML, so a later build that
    must load every episode again (a time zone edited) renders no Markdown."""
    from feedpub import markup

    written(show)  # every unit reused: no rendering asked for
    rendered: list[str] = []
    real = markup.render
    monkeypatch.setattr(markup, "render", lambda text: rendered.append(text) or real(text))
    make_show.edit_show('timezone = "Europe/Paris"', 'timezone = "America/Chicago"')
    result = build(show)
    assert result.stats.rebuilt == 3 and rendered == []


def test_a_reused_episode_keeps_the_key_it_was_built_with(show: Path) -> None:
    """The feed and the site key their own records on ``built.key``."""
    shutil.rmtree(show / ".feedpub")
    fresh = build(show)
    write_outputs(fresh, show / "public")
    reused = build(show)
    assert reused.stats.reused == 3
    keys = [b.key for b in fresh.episodes]
    assert [b.key for b in reused.episodes] == keys and len(set(keys)) == 3 and all(keys)


def test_no_cyclic_collection_runs_while_a_build_runs_or_is_written(show: Path) -> None:
    """A build's objects live until its end and make next to no cyclic garbage: the cyclic
    collector would only walk them again and again.  It runs again afterwards."""
    import gc
    import sys

    stages = {"run_stages", "plan_outputs", "apply", "save"}
    ran: list[str] = []

    def note(phase: str, info: dict[str, int]) -> None:
        frame = sys._getframe(1)
        while frame is not None:
            if frame.f_code.co_name in stages and "feedpub" in frame.f_code.co_filename:
                ran.append(frame.f_code.co_name)
                return
            frame = frame.f_back  # type: ignore[assignment]
        ran.append("elsewhere")

    old = gc.get_threshold()
    gc.callbacks.append(note)
    gc.set_threshold(1)  # a collection at nearly every allocation, unless disabled
    try:
        result = build(show)
        write_outputs(result, show / "public")
    finally:
        gc.callbacks.remove(note)
        gc.set_threshold(*old)
    assert set(ran) == {"elsewhere"} and gc.isenabled()


def test_garbage_frozen_by_one_build_is_collected_by_the_next(show: Path) -> None:
    """A long-lived process (``feedpub serve``) builds again and again: what one build
    froze and later became cyclic garbage is freed when the next build starts."""
    import gc
    import weakref

    class Node:
        pass

    gc.unfreeze()  # as in a fresh process (earlier tests built shows too)
    node = Node()
    node.self = node  # type: ignore[attr-defined]  # a cycle: only the collector frees it
    alive = weakref.ref(node)
    build(show)  # alive at its end: frozen
    del node
    gc.collect()
    assert alive() is not None  # frozen: out of the collector's reach
    build(show)  # gives it back
    gc.collect()
    assert alive() is None
