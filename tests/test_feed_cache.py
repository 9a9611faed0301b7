"""The feed from cached item chunks, validated in parts: the same bytes and the same
findings as a clean build and a whole-feed validation, whatever happened to the cache."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from audiofactory import make_audio
from cleancopy import built_clean
from feedpub.build import build, write_outputs
from feedpub.cache import CACHE_DIR, Cache
from feedpub.feed import assemble, render_feed, validate_feed
from feedpub.feed.items import FEED_RECORD, KIND
from feedpub.validate import incremental as incremental_module
from feedpub.validate import validate_bytes
from feedpub.validate.incremental import validate_parts

VTT = "WEBVTT\n\n00:00:00.000 --> 00:00:01.000\n<v Ada>Bonjour à tous & <i>nous</i>.\n"
SRT = "1\n00:00:00,000 --> 00:00:01,500\nAda: Hello <b>world</b>\n"
CHAPTERS = '[[chapters]]\nstart = "0:00"\ntitle = "Intro é"\n'


def facts(findings: list) -> list[tuple]:  # type: ignore[type-arg]
    return [(f.severity, f.rule, f.message, f.line, f.hint, f.source, f.url) for f in findings]


def feed_of(root: Path) -> bytes:
    return build(root, site=False).feed


def clean_feed(root: Path, tmp_path: Path) -> bytes:
    """The same show built with no cache at all, from a copy."""
    return built_clean(root, tmp_path, feed_of)


@pytest.fixture
def varied(make_show) -> Path:
    """Episodes using most of what an item can hold, two of them with the same title (a
    warning that only the cross-item rules can find)."""
    make_show.edit_show("[owner]", '[[podcast.persons]]\nname = "Ada"\nrole = "host"\n\n[owner]')
    template = make_show.root / "t.mp3"
    make_audio(template, 2.0)
    data = template.read_bytes()
    template.unlink()
    for n in range(8):
        slug = f"ep-{n}"
        extra = (f"number = {n + 1}\nseason = {1 + n // 4}\n"
                 f'explicit = {"true" if n % 3 else "false"}\n'
                 f'link = "https://example.org/épisodes/{slug}-ß"\n'
                 + ('type = "bonus"\n' if n == 5 else "")
                 + '[[speakers]]\nlabel = "Ada"\nname = "Ada"\nrole = "guest"\n')
        title = "Le même titre" if n in (2, 6) else f"Épisode {n} : l'IA & nous, 2 < 3 « 🎙 »"
        folder = make_show.episode(slug, seconds=None, title=title, date=f"2025-0{n + 1}-13",
                                   description=f"Notes *{n}* : 2 < 3 & `<filename>` "
                                               f"[lien](https://example.org/{n})",
                                   extra=extra)
        audio = bytearray(data)
        audio[-1] = n
        (folder / f"{slug}.mp3").write_bytes(bytes(audio))
        if n % 2:
            (folder / "transcript.fr.vtt").write_text(VTT, encoding="utf-8")
            (folder / "transcript.en.srt").write_text(SRT, encoding="utf-8")
        else:
            (folder / "transcript.txt").write_text("Ada: Bonjour.\n", encoding="utf-8")
        if n == 3:
            (folder / "chapters.toml").write_text(CHAPTERS, encoding="utf-8")
    write_outputs(build(make_show.root, site=False), make_show.root / "public")
    return make_show.root


def parts_of(root: Path) -> tuple[bytes, Cache]:
    result = build(root, site=False)
    return result.feed, Cache(root, result.show.podcast_guid)


def test_the_assembled_feed_is_the_feed_written_in_one_piece(varied: Path) -> None:
    result = build(varied, site=False)
    artwork = result.show.artwork
    assert result.feed == render_feed(result.show, result.episodes, artwork)
    assert assemble(result.show, result.episodes, artwork).data == result.feed


def test_a_rebuild_reuses_every_item_and_gives_the_same_bytes(varied: Path,
                                                              tmp_path: Path) -> None:
    result = build(varied, site=False)
    cache = Cache(varied, result.show.podcast_guid)
    feed = assemble(result.show, result.episodes, result.show.artwork, cache)
    assert feed.reused == len(result.episodes) == 8
    assert feed.data == result.feed == clean_feed(varied, tmp_path)


@pytest.mark.parametrize("edit", [
    ("explicit = false", "explicit = true"),  # every item's itunes:explicit default
    ('timezone = "Europe/Paris"', 'timezone = "America/New_York"'),  # every pubDate
    ("A show made by the test suite.", "A show, edited."),  # the channel only
    ('media_base_url = "https://media.example.org/audio/"',
     'media_base_url = "https://cdn.example.org/a/"'),  # every enclosure
])
def test_show_edits_give_the_bytes_of_a_clean_build(varied: Path, tmp_path: Path,
                                                    edit: tuple[str, str]) -> None:
    path = varied / "podcast.toml"
    path.write_text(path.read_text(encoding="utf-8").replace(*edit), encoding="utf-8")
    assert feed_of(varied) == clean_feed(varied, tmp_path)


def test_episode_edits_give_the_bytes_of_a_clean_build(varied: Path, tmp_path: Path) -> None:
    toml = varied / "episodes" / "ep-4" / "episode.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("number = 5", "number = 50"),
                    encoding="utf-8")
    assert feed_of(varied) == clean_feed(varied, tmp_path)
    write_outputs(build(varied, site=False), varied / "public")
    (varied / "episodes" / "ep-1" / "description.md").write_text("Autres *notes* ]]> là.")
    (varied / "episodes" / "ep-0" / "transcript.txt").unlink()
    assert feed_of(varied) == clean_feed(varied, tmp_path)


def damage_record(root: Path, how: str) -> None:
    path = root / CACHE_DIR / f"records-{KIND}.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    records = data["records"]
    items = [k for k, v in records.items() if k != FEED_RECORD and len(v) >= 4]  # not notes
    key = items[0]
    if how == "offset":
        records[key][1] += 7
    elif how == "size":
        records[key][2] -= 1
    elif how == "sha":
        records[key][0] = records[key][0][::-1]
    elif how == "shape":
        records[key] = {"sha": 1}
    elif how == "check":
        records[key][3] = [1, [0, 0], [["guid", "x", 1]], True, None, 0]
    elif how == "swap":
        other = items[1]
        records[key], records[other] = records[other], records[key]
    elif how == "blob":
        records[FEED_RECORD]["blob"] = "0" * 64
    path.write_text(json.dumps(data), encoding="utf-8")


@pytest.mark.parametrize("how", ["offset", "size", "sha", "shape", "check", "swap", "blob"])
def test_a_damaged_items_record_is_a_miss(varied: Path, tmp_path: Path, how: str) -> None:
    damage_record(varied, how)
    result = build(varied, site=False)
    assert result.feed == clean_feed(varied, tmp_path)
    assert facts(validate_feed(assemble(result.show, result.episodes, result.show.artwork,
                                        Cache(varied, result.show.podcast_guid)),
                               Cache(varied, result.show.podcast_guid))) == \
        facts(validate_bytes(result.feed))


def test_a_damaged_or_deleted_feed_blob_costs_only_a_new_rendering(varied: Path,
                                                                   tmp_path: Path) -> None:
    result = build(varied, site=False)
    cache = Cache(varied, result.show.podcast_guid)
    sha = cache.lookup(KIND, FEED_RECORD)["blob"]
    blob = cache.blob_path(sha)
    data = bytearray(blob.read_bytes())
    middle = data.index(b"<item>", len(data) // 2)
    data[middle + 20] ^= 1  # one item's bytes changed: that item alone is rendered again
    blob.write_bytes(bytes(data))
    feed = assemble(result.show, result.episodes, result.show.artwork,
                    Cache(varied, result.show.podcast_guid))
    assert feed.reused == 7 and feed.data == clean_feed(varied, tmp_path)
    blob.unlink()
    feed = assemble(result.show, result.episodes, result.show.artwork,
                    Cache(varied, result.show.podcast_guid))
    assert feed.reused == 0 and feed.data == result.feed


def test_a_rebuild_checks_only_the_changed_items_and_finds_what_a_full_check_finds(
        varied: Path, monkeypatch) -> None:
    checked: list[int] = []
    real = incremental_module.Parts.check_items

    def spy(self, chunks, lines):  # type: ignore[no-untyped-def]
        checked.extend(len(c) for c in chunks)
        return real(self, chunks, lines)

    monkeypatch.setattr(incremental_module.Parts, "check_items", spy)
    result = build(varied, site=False)
    # every item's result is kept from the build in the fixture, the one that repeats a
    # title whole (with its finding)
    assert checked == []
    whole = facts(validate_bytes(result.feed, source="feed.xml"))
    cache = Cache(varied, result.show.podcast_guid)
    feed = assemble(result.show, result.episodes, result.show.artwork, cache)
    got = facts(validate_feed(feed, cache, source="feed.xml"))
    assert got == whole
    assert "duplicate-title" in {f[1] for f in got} and "text-markup" not in {f[1] for f in got}
    assert checked == []
    toml = varied / "episodes" / "ep-7" / "episode.toml"
    lines = toml.read_text(encoding="utf-8").splitlines(keepends=True)
    toml.write_text("".join('title = "Le même titre"\n' if line.startswith("title =") else line
                            for line in lines), encoding="utf-8")
    checked.clear()
    result = build(varied, site=False)
    # the edited item, and the one whose title now repeats it (its waiting finding is due)
    assert len(checked) == 2
    warnings = [str(w) for w in result.warnings]
    assert sum("is also used by the item" in w for w in warnings) == 2
    assert warnings == [str(w) for w in build(varied, site=False, check_all=True).warnings]


def test_kept_results_are_not_used_for_an_earlier_time(varied: Path) -> None:
    """A date is in the future only relative to the clock: results found at a later time
    are checked again for an earlier ``now``."""
    feed, cache = parts_of(varied)
    result = build(varied, site=False)
    assembled = assemble(result.show, result.episodes, result.show.artwork, cache)
    then = datetime(2025, 3, 1, tzinfo=UTC)
    got = facts(validate_feed(assembled, cache, now=then))
    assert got == facts(validate_bytes(feed, now=then))
    assert "date-future" in {f[1] for f in got}


def test_a_varied_feed_checked_in_parts_gives_the_findings_of_the_whole(varied: Path) -> None:
    feed = build(varied, site=False).feed
    items = feed.split(b"    <item>\n")
    head = items[0]
    chunks = [b"    <item>\n" + c for c in items[1:]]
    chunks[-1] = chunks[-1].removesuffix(b"  </channel>\n</rss>\n")
    for now in (None, datetime(2025, 3, 1, tzinfo=UTC)):
        got = validate_parts(head, chunks, now=now)
        assert got is not None
        assert facts(got) == facts(validate_bytes(feed, now=now))


def test_every_field_the_item_writer_reads_is_in_the_item_key(make_show) -> None:
    """An episode without a build key is keyed on its own digest: each field that changes
    the item's bytes changes the key (so a cached item is never one of other inputs)."""
    import dataclasses
    from datetime import timedelta

    from feedpub.feed.items import item_key
    from feedpub.feed.render import ItemWriter
    from feedpub.model import Speaker

    folder = make_show.episode("ep", seconds=2.0, extra="number = 3\nseason = 1\n")
    (folder / "transcript.txt").write_text("Speaker #0\nBonjour.\n", encoding="utf-8")
    result = build(make_show.root, site=False)
    show, built = result.show, result.episodes[0]
    built = dataclasses.replace(built, key="") if hasattr(built, "key") else built
    ep, audio = built.episode, built.audio

    def with_episode(**changes):  # type: ignore[no-untyped-def]
        return dataclasses.replace(built, measured=dataclasses.replace(
            built.measured, episode=dataclasses.replace(ep, **changes)))

    def with_audio(**changes):  # type: ignore[no-untyped-def]
        return dataclasses.replace(built, measured=dataclasses.replace(
            built.measured, audio=dataclasses.replace(audio, **changes)))

    variants = {
        "title": with_episode(title="Autre"), "link": with_episode(link="https://example.org/x"),
        "notes": with_episode(description_html="<p>Autres</p>"),
        "guid": with_episode(guid="other"), "permalink": with_episode(guid_is_permalink=True),
        "date": with_episode(pub_date=ep.pub_date + timedelta(hours=1)),
        "image": with_episode(image="https://example.org/i.jpg"),
        "explicit": with_episode(explicit=True), "type": with_episode(episode_type="bonus"),
        "season": with_episode(season=2), "number": with_episode(number=4),
        "speakers": with_episode(speakers=(Speaker("Ada", label="A"),)),
        "size": with_audio(size=audio.size + 1), "mime": with_audio(mime="audio/x-m4a"),
        "duration": with_audio(duration=audio.duration + 5),
        "enclosure": dataclasses.replace(built, enclosure_url=built.enclosure_url + "?x"),
        "companions": dataclasses.replace(built, companions=()),
        "encodings": dataclasses.replace(built, encodings=((audio, built.enclosure_url),)),
    }
    writer = ItemWriter(show)
    base_bytes, base_key = writer.write(built), item_key(show, built)
    for name, variant in variants.items():
        assert writer.write(variant) != base_bytes, name  # the writer reads it
        assert item_key(show, variant) != base_key, name
    for edit in ({"explicit": True}, {"timezone": "America/New_York"}):
        other = dataclasses.replace(show, **edit)
        assert ItemWriter(other).write(built) != base_bytes
        assert item_key(other, built) != base_key


def test_findings_are_placed_alike_from_the_parts_and_from_the_whole_feed(varied: Path) -> None:
    """locate parses only the channel and the items findings are on when it has the build's
    assembled feed; every line of the feed maps to the same source either way."""
    from feedpub.build.locate import locate
    from feedpub.validate import Finding

    result = build(varied, site=False)
    feed = assemble(result.show, result.episodes, result.show.artwork)
    lines = feed.data.count(b"\n")
    findings = [Finding("warning", "text-length", f"at {n}", n) for n in range(1, lines + 2)]
    toml = varied / "podcast.toml"
    whole = locate(findings, feed.data, result.episodes, "feed.xml", toml)
    parts = locate(findings, feed.data, result.episodes, "feed.xml", toml, feed)
    assert [str(d) for d in parts] == [str(d) for d in whole]
    assert {str(d.path) for d in parts} >= {str(toml), str(varied / "episodes" / "ep-3" /
                                                          "episode.toml")}


def test_the_previous_feed_blob_goes_even_when_a_build_leaves_the_site_out(varied: Path
                                                                          ) -> None:
    """Each build keeps its feed as a blob; the one before is deleted, also by --no-site
    builds (which cannot collect the site's blobs, not having loaded their records)."""
    write_outputs(build(varied), varied / "public")  # with the site: its records and blobs
    cache = Cache(varied, build(varied, site=False).show.podcast_guid)
    before = cache.lookup(KIND, FEED_RECORD)["blob"]
    site_blobs = {p.name for p in (varied / CACHE_DIR / "blobs").rglob("*") if p.is_file()}
    site_blobs.discard(before)
    assert site_blobs  # the site's pages
    for n in range(2):
        toml = varied / "episodes" / "ep-1" / "episode.toml"
        toml.write_text(toml.read_text(encoding="utf-8").replace(
            f"number = {2 + n * 10}", f"number = {12 + n * 10}"), encoding="utf-8")
        result = build(varied, site=False)
        write_outputs(result, varied / "public")
        sha = Cache(varied, result.show.podcast_guid).lookup(KIND, FEED_RECORD)["blob"]
        kept = {p.name: p for p in (varied / CACHE_DIR / "blobs").rglob("*") if p.is_file()}
        assert set(kept) == site_blobs | {sha} and sha != before  # the site's kept too
        assert kept[sha].read_bytes() == result.feed
        before = sha


def test_kept_results_are_not_used_in_another_context(varied: Path, monkeypatch) -> None:
    """Test hosts allowed or not changes what the item rules find: results kept with
    FEEDPUB_ALLOW_TEST_HOSTS set are not used without it."""
    from feedpub.validate.hosts import ALLOW_TEST_HOSTS

    result = build(varied, site=False)
    monkeypatch.delenv(ALLOW_TEST_HOSTS, raising=False)
    cache = Cache(varied, result.show.podcast_guid)
    feed = assemble(result.show, result.episodes, result.show.artwork, cache)
    got = facts(validate_feed(feed, cache))
    assert got == facts(validate_bytes(feed.data))
    assert sum(f[1] == "url-host" and "(in item" in f[2] for f in got) >= 8


def test_the_feed_is_streamed_to_its_blob_and_a_build_not_written_leaves_none(
        varied: Path, tmp_path: Path) -> None:
    """A build with a cache writes the feed to a cache blob as it is assembled: the feed
    output is that file (no bytes held); a build that is not written (``--check``)
    leaves no new blob once its result is gone, and never the blob of a written build."""
    import gc

    result = build(varied, site=False)
    out = result.outputs[-1]
    blobs = varied / CACHE_DIR / "blobs"
    assert out.content is None and out.source is not None
    assert out.source.is_relative_to(blobs) and out.source.name == out.sha256
    assert out.source.read_bytes() == result.feed == clean_feed(varied, tmp_path)
    assert out.size == len(result.feed)
    kept = out.source
    del result, out
    gc.collect()
    assert kept.is_file()  # the blob the fixture's written build saved: same bytes
    path = varied / "podcast.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("explicit = false",
                                                             "explicit = true"),
                    encoding="utf-8")
    result = build(varied, site=False)
    new = result.outputs[-1].source
    assert new is not None and new != kept and new.is_file()
    assert result.feed == clean_feed(varied, tmp_path)
    del result
    gc.collect()
    assert not new.exists() and kept.is_file()
    assert not any((blobs / "tmp").iterdir())  # nothing left half-written
    result = build(varied, site=False)
    write_outputs(result, varied / "public")
    new = result.outputs[-1].source
    del result
    gc.collect()
    assert new is not None and new.is_file()
    assert (varied / "public" / "feed.xml").read_bytes() == new.read_bytes()


def test_a_show_without_a_cache_folder_assembles_the_feed_in_memory(make_show) -> None:
    make_show.episode("ep")
    result = build(make_show.root, site=False)
    out = result.outputs[-1]
    assert out.content is not None and out.source is None
    assert not (make_show.root / ".feedpub").exists()
    write_outputs(result, make_show.root / "public")
    sha = Cache(make_show.root, result.show.podcast_guid).lookup(KIND, FEED_RECORD)["blob"]
    assert (make_show.root / CACHE_DIR / "blobs" / sha[:2] / sha).read_bytes() == out.content


FORKED = """
import os, sys
from pathlib import Path
from feedpub.build import build
from feedpub.feed import assemble, validate_feed
from feedpub.validate import incremental, validate_bytes

root, seen = Path(sys.argv[1]), Path(sys.argv[2])
real = incremental.Parts.check_items

def spy(self, chunks, lines):
    with open(seen, "a", encoding="ascii") as fh:  # the child's calls too
        fh.write(f"{os.getpid()} {len(chunks)}\\n")
    return real(self, chunks, lines)

result = build(root, site=False)
feed = assemble(result.show, result.episodes, result.show.artwork)  # nothing kept
incremental.Parts.check_items = spy
facts = lambda found: [(f.severity, f.rule, f.message, f.line, f.hint, f.url) for f in found]
got, whole = facts(validate_feed(feed, fork_items=2)), facts(validate_bytes(result.feed))
print(os.getpid(), got == whole, "duplicate-title" in {f[1] for f in got},
      all(c is not None for c in feed.checks))
"""


def test_items_checked_half_in_a_forked_process_give_the_same_findings(
        varied: Path, tmp_path: Path) -> None:
    """From ``fork_items`` items to check, a forked copy of the build checks half of them:
    the findings (a repeated title among them, found across the two halves) are those of
    the whole document, and every item's result is kept.  Run in a fresh interpreter: the
    build forks only when it runs no other thread, which a test session may have."""
    import os
    import subprocess
    import sys

    if not hasattr(os, "fork") or len(os.sched_getaffinity(0)) < 2:
        pytest.skip("no fork here, or no core to spare")
    seen = tmp_path / "pids"
    done = subprocess.run([sys.executable, "-c", FORKED, str(varied), str(seen)],
                          capture_output=True, text=True, check=True,
                          env={**os.environ, "FEEDPUB_ALLOW_TEST_HOSTS": "1"})
    pid, same, repeat, kept = done.stdout.split()
    assert (same, repeat, kept) == ("True", "True", "True")
    calls = [line.split() for line in seen.read_text(encoding="ascii").splitlines()]
    assert sorted(int(n) for _, n in calls) == [4, 4]
    assert len({p for p, _ in calls}) == 2 and pid in {p for p, _ in calls}


@pytest.mark.parametrize("damage", [None, "offset", "seal", "shape"])
def test_after_a_show_edit_the_notes_lines_come_from_the_previous_feed(
        varied: Path, tmp_path: Path, damage: str | None) -> None:
    """Editing ``explicit`` rewrites every item, but an unchanged episode's description and
    content:encoded lines are taken from the previous feed (its notes are not read again);
    a damaged notes record only means writing them from the notes."""
    from feedpub.feed.items import notes_key

    if damage is not None:
        result = build(varied, site=False)
        path = varied / CACHE_DIR / f"records-{KIND}.json"
        data = json.loads(path.read_text(encoding="utf-8"))
        key = notes_key(result.episodes[0])
        assert key in data["records"]
        if damage == "offset":
            data["records"][key][1] += 3
        elif damage == "seal":
            data["records"][key][0] = "0" * 64
        else:
            data["records"][key] = "x"
        path.write_text(json.dumps(data), encoding="utf-8")
    toml = varied / "podcast.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("explicit = false",
                                                             "explicit = true"),
                    encoding="utf-8")
    result = build(varied, site=False)
    cache = Cache(varied, result.show.podcast_guid)
    feed = assemble(result.show, result.episodes, result.show.artwork, cache)
    assert feed.reused == 0 and feed.notes_reused == (8 if damage is None else 7)
    assert feed.data == result.feed == clean_feed(varied, tmp_path)
