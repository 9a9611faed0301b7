"""Small blobs (an episode's notes and transcript segments) packed into one file a build:
found through the index, checked when read, a damaged or missing pack only a miss."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from cleancopy import built_clean
from conftest import ShowMaker
from feedpub.build import build, write_outputs
from feedpub.cache import BLOB_INDEX, CACHE_DIR, PACKED, PACKS

TRANSCRIPT = "Speaker #0\nBonjour et bienvenue, épisode {n}.\n"


def outputs(root: Path) -> dict[str, bytes]:
    return {o.path: o.read() for o in build(root, site=False).outputs}


def written(root: Path) -> dict[str, bytes]:
    result = build(root, site=False)
    write_outputs(result, root / "public")
    return {o.path: o.read() for o in result.outputs}


@pytest.fixture
def show(make_show: ShowMaker) -> Path:
    for n in range(4):
        folder = make_show.episode(f"ep-{n}", seconds=1.0, description=f"Notes *{n}* 😅")
        (folder / "transcript.txt").write_text(TRANSCRIPT.format(n=n), encoding="utf-8")
    written(make_show.root)
    return make_show.root


def packed(root: Path) -> dict[str, tuple[str, int, int]]:
    """The index's packed blobs: sha -> (pack, offset, length)."""
    index = json.loads((root / CACHE_DIR / BLOB_INDEX).read_text(encoding="utf-8"))["blobs"]
    found = {}
    for sha, entry in index.items():
        if entry.startswith(PACKED):
            pack, offset, length = entry[len(PACKED):].split(":")
            found[sha] = (pack, int(offset), int(length))
    return found


def packs(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in (root / CACHE_DIR / PACKS).iterdir()}


def edit_explicit(make_show: ShowMaker) -> None:
    """Every feed item written again: each episode's notes read back from the cache."""
    make_show.edit_show("explicit = false", "explicit = true")


def test_notes_and_segments_are_one_pack_of_a_build(show: Path) -> None:
    files = packs(show)
    assert len(files) == 1
    [(name, data)] = files.items()
    assert hashlib.sha256(data).hexdigest() == name
    entries = packed(show)
    assert len(entries) == 8  # four notes, four transcripts' segments
    for sha, (pack, offset, length) in entries.items():
        assert pack == name and hashlib.sha256(data[offset:offset + length]).hexdigest() == sha
    notes = [json.loads(data[o:o + n]) for o, n in ((o, n) for _, o, n in entries.values())]
    assert ["<p>Notes <em>0</em> 😅</p>", "Notes 0 😅"] in notes
    blobs = [p.name for p in (show / CACHE_DIR / "blobs").rglob("*") if p.is_file()]
    assert not set(blobs) & set(entries)  # none of them has a file of its own


def test_notes_read_from_the_pack_give_the_clean_bytes(show: Path, make_show: ShowMaker,
                                                       tmp_path: Path) -> None:
    edit_explicit(make_show)
    result = build(show, site=False)
    assert result.stats.reused == 4
    assert {o.path: o.read() for o in result.outputs} == built_clean(show, tmp_path, outputs)


@pytest.mark.parametrize("damage", ["flipped", "truncated", "deleted", "index"])
def test_a_damaged_pack_is_a_miss(show: Path, make_show: ShowMaker, tmp_path: Path,
                                  damage: str) -> None:
    [pack] = (show / CACHE_DIR / PACKS).iterdir()
    data = pack.read_bytes()
    if damage == "flipped":
        pack.write_bytes(data.replace(b"Notes", b"Nodes"))
    elif damage == "truncated":
        pack.write_bytes(data[: len(data) // 2])
    elif damage == "deleted":
        pack.unlink()
    else:  # an entry pointing at another blob's place in the pack
        index_file = show / CACHE_DIR / BLOB_INDEX
        index = json.loads(index_file.read_text(encoding="utf-8"))
        entries = sorted(k for k, v in index["blobs"].items() if v.startswith(PACKED))
        index["blobs"][entries[0]], index["blobs"][entries[1]] = \
            index["blobs"][entries[1]], index["blobs"][entries[0]]
        index_file.write_text(json.dumps(index), encoding="utf-8")
    edit_explicit(make_show)
    assert written(show) == built_clean(show, tmp_path, outputs)
    assert outputs(show) == built_clean(show, tmp_path, outputs)  # and after its rewrite


def test_packs_shrink_as_episodes_change(show: Path, make_show: ShowMaker,
                                         tmp_path: Path) -> None:
    """Every pack is named by its bytes, named by the index, and at least half used."""
    for n in range(4):
        folder = show / "episodes" / f"ep-{n}"
        (folder / "description.md").write_text(f"Nouvelles notes, longues, {n} " * 20,
                                               encoding="utf-8")
        assert written(show) == built_clean(show, tmp_path, outputs)
        files, entries = packs(show), packed(show)
        assert set(files) == {pack for pack, _, _ in entries.values()}
        for name, data in files.items():
            assert hashlib.sha256(data).hexdigest() == name
            live = sum(n for pack, _, n in entries.values() if pack == name)
            assert live * 2 >= len(data)
        assert len(entries) == 8
