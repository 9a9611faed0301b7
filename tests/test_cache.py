"""The build cache (.feedpub/cache/) only ever speeds a build up: same bytes as a clean one."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest

import showchanges
from audiofactory import make_audio
from cleancopy import built_clean
from feedpub.build import build, write_outputs
from feedpub.build import probe as probe_module
from feedpub.cache import CACHE_DIR, FILE, RENDERED, Cache, code_hash

TRANSCRIPT = "Speaker #0\nBonjour et bienvenue.\n"


def outputs(root: Path) -> dict[str, bytes]:
    return {o.path: o.read() for o in build(root).outputs}


def clean_outputs(root: Path, tmp_path: Path) -> dict[str, bytes]:
    """The same show built with no cache at all, from a copy."""
    return built_clean(root, tmp_path, outputs)


@pytest.fixture
def show(make_show) -> Path:
    for n in range(3):
        folder = make_show.episode(f"ep-{n}", seconds=3.0,
                                   description=f"Notes *{n}* avec https://example.org/{n}")
        (folder / "transcript.txt").write_text(TRANSCRIPT, encoding="utf-8")
    write_outputs(build(make_show.root), make_show.root / "public")
    return make_show.root


def cache_file(root: Path) -> Path:
    return root / CACHE_DIR / FILE


def rendered_file(folder: Path) -> Path:
    return folder / f"records-{RENDERED}.json"


def test_a_rebuild_with_nothing_changed_probes_nothing_and_writes_nothing(show: Path,
                                                                         monkeypatch) -> None:
    write_outputs(build(show), show / "public")  # the cache now knows every file
    assert cache_file(show).is_file()
    public = show / "public"
    before = {p: p.stat().st_mtime_ns for p in public.rglob("*") if p.is_file()}
    probed: list[Path] = []
    real = probe_module.probe
    monkeypatch.setattr(probe_module, "probe", lambda p, **k: probed.append(p) or real(p, **k))
    done = write_outputs(build(show), public)
    assert probed == [] and not done
    assert {p: p.stat().st_mtime_ns for p in public.rglob("*") if p.is_file()} == before


@pytest.mark.parametrize("damage", [
    lambda path: path.write_text("{not json"),
    lambda path: path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2]),
    lambda path: path.write_text(json.dumps({**json.loads(path.read_text()),
                                             "identity": {"show": "x", "code": "y"}})),
    lambda path: path.write_text(json.dumps({**json.loads(path.read_text()),
                                             "audio": {"k": "v"}})),
    lambda path: rendered_file(path.parent).write_text("{not json"),
    lambda path: rendered_file(path.parent).write_bytes(
        rendered_file(path.parent).read_bytes()[:-40]),
])
def test_a_corrupt_truncated_or_foreign_cache_is_ignored(show: Path, tmp_path: Path,
                                                         damage) -> None:
    write_outputs(build(show), show / "public")
    damage(cache_file(show))
    assert outputs(show) == clean_outputs(show, tmp_path)


def test_cached_html_of_another_feedpub_is_never_used(show: Path, tmp_path: Path) -> None:
    write_outputs(build(show), show / "public")
    shutil.rmtree(show / CACHE_DIR / "blobs")  # the episodes are loaded again
    path = rendered_file(show / CACHE_DIR)
    data = json.loads(path.read_text())
    assert data["records"]
    data["records"] = dict.fromkeys(data["records"], "<p>stale</p>")
    data["identity"]["code"] = "an older feedpub"
    path.write_text(json.dumps(data))
    assert b"stale" not in build(show).feed
    data["identity"]["code"] = code_hash()  # the same feedpub's: used (the test's check)
    path.write_text(json.dumps(data))
    assert b"stale" in build(show).feed


def test_a_cache_copied_from_another_show_is_ignored(show: Path, make_show, tmp_path: Path
                                                     ) -> None:
    other = tmp_path / "other"
    shutil.copytree(show, other)
    (other / "podcast.toml").write_text((other / "podcast.toml").read_text().replace(
        "feeds.example.org/show", "feeds.example.org/other"))
    (other / "feedpub.lock").unlink()
    write_outputs(build(other), other / "public")
    shutil.rmtree(show / ".feedpub", ignore_errors=True)
    shutil.copytree(other / ".feedpub", show / ".feedpub")
    assert outputs(show) == clean_outputs(show, tmp_path)


def test_audio_replaced_with_the_same_size_and_mtime_is_still_seen(show: Path) -> None:
    build(show)
    audio = show / "episodes" / "ep-0" / "ep-0.mp3"
    st = audio.stat()
    data = bytearray(audio.read_bytes())
    data[-1] ^= 0xFF
    audio.write_bytes(bytes(data))  # same size
    os.utime(audio, ns=(st.st_atime_ns, st.st_mtime_ns))  # same mtime
    with pytest.raises(Exception, match="audio changed since it was recorded"):
        build(show)


def test_a_cache_deleted_between_builds_changes_nothing(show: Path, tmp_path: Path) -> None:
    first = outputs(show)
    shutil.rmtree(show / ".feedpub")
    assert outputs(show) == first == clean_outputs(show, tmp_path)


def change_each_way(root: Path) -> list:  # type: ignore[type-arg]
    def add() -> None:
        showchanges.add_episode(root)

    def edit_notes() -> None:
        (root / "episodes" / "ep-1" / "description.md").write_text("Autres *notes*.")

    def edit_show() -> None:
        showchanges.edit_show_description(root)

    def replace_audio() -> None:
        make_audio(root / "episodes" / "ep-2" / "ep-2.mp3", 4.0)

    def add_transcript() -> None:
        showchanges.add_transcript(root)

    def remove() -> None:
        showchanges.remove_added_episode(root)

    return [add, edit_notes, edit_show, replace_audio, add_transcript, remove]


def test_incremental_builds_equal_clean_builds_after_every_kind_of_change(
        show: Path, tmp_path: Path) -> None:
    for change in change_each_way(show):
        change()
        update = change.__name__ in ("replace_audio", "remove")
        incremental = {o.path: o.read() for o in build(show, update_lock=update).outputs}
        write_outputs(build(show, update_lock=update), show / "public")
        assert incremental == clean_outputs(show, tmp_path), change.__name__


def test_only_a_written_build_saves_the_cache(make_show) -> None:
    """validate's in-memory build, build --check and a refused output leave the show alone."""
    from feedpub.build import plan_outputs

    make_show.episode("ep")
    result = build(make_show.root)
    plan_outputs(result, make_show.root / "public")  # what --check does
    assert not (make_show.root / ".feedpub").exists()
    with pytest.raises(Exception, match="a source of the show"):
        write_outputs(result, make_show.root / "episodes")
    assert not (make_show.root / ".feedpub").exists()
    write_outputs(result, make_show.root / "public")
    assert cache_file(make_show.root).is_file()


# -- the records and blobs API the build stages share ---------------------------------

def test_records_come_back_in_the_next_build_and_unused_ones_are_dropped(tmp_path: Path
                                                                        ) -> None:
    first = Cache(tmp_path, "show-a")
    assert first.lookup("items", "k1") is None
    first.store("items", "k1", {"xml": "<item/>"})
    first.store("items", "k2", [1, 2])
    first.save()
    second = Cache(tmp_path, "show-a")
    assert second.lookup("items", "k1") == {"xml": "<item/>"}
    second.save()  # k2 was not asked for: dropped
    third = Cache(tmp_path, "show-a")
    assert third.lookup("items", "k2") is None
    assert third.lookup("items", "k1") == {"xml": "<item/>"}


def test_records_of_another_show_or_a_damaged_file_are_misses(tmp_path: Path) -> None:
    first = Cache(tmp_path, "show-a")
    first.store("items", "k", "value")
    first.save()
    assert Cache(tmp_path, "show-b").lookup("items", "k") is None
    records = tmp_path / CACHE_DIR / "records-items.json"
    records.write_bytes(records.read_bytes()[:10])
    assert Cache(tmp_path, "show-a").lookup("items", "k") is None
    with pytest.raises(ValueError):
        Cache(tmp_path, "show-a").lookup("../escape", "k")


def test_records_are_kept_one_a_line_and_a_damaged_line_is_a_miss_for_its_record_alone(
        tmp_path: Path) -> None:
    keys = ["plain", 'quote"and:colon', "back\\slash", "new\nline\ttab", "é 🎙", ""]
    first = Cache(tmp_path, "show-a")
    for n, key in enumerate(keys):
        first.store("units", key, {"n": n, "text": f"ligne\n{key}\u2028"})
    first.save()
    path = tmp_path / CACHE_DIR / "records-units.json"
    body = path.read_text(encoding="utf-8")
    assert len(body.split("\n")) == len(keys) + 2  # identity, one line each, the end
    assert json.loads(body)["records"] == {k: {"n": n, "text": f"ligne\n{k}\u2028"}
                                           for n, k in enumerate(keys)}
    again = Cache(tmp_path, "show-a")
    assert [again.lookup("units", k) for k in keys] == \
        [{"n": n, "text": f"ligne\n{k}\u2028"} for n, k in enumerate(keys)]
    again.save()  # nothing changed: the file is not written again
    assert path.read_text(encoding="utf-8") == body
    lines = body.split("\n")
    lines[1] = lines[1][:-2] + "#,"  # one record's bytes damaged
    path.write_text("\n".join(lines), encoding="utf-8")
    damaged = Cache(tmp_path, "show-a")
    found = [damaged.lookup("units", k) for k in keys]
    assert [n for n, v in enumerate(found) if v is None] == [keys.index("")]
    assert [v for v in found if v] == [{"n": n, "text": f"ligne\n{k}\u2028"}
                                       for n, k in enumerate(keys) if k]
    damaged.store("units", "added", [1])
    damaged.save()  # the unchanged records written back as read, the damaged one gone
    kept = path.read_text(encoding="utf-8").split("\n")
    assert set(lines[2:-1]) | {lines[-2] + ","} >= set(kept[1:-1]) - {'"added":[1],',
                                                                     '"added":[1]'}
    assert json.loads("\n".join(kept))["records"]["added"] == [1]
    path.write_text("\n".join(lines[:-1]), encoding="utf-8")  # truncated: ignored whole
    assert all(Cache(tmp_path, "show-a").lookup("units", k) is None for k in keys)
    path.write_text(json.dumps(json.loads(body)), encoding="utf-8")  # one line: still read
    assert Cache(tmp_path, "show-a").lookup("units", keys[3]) == json.loads(
        body)["records"][keys[3]]


def test_a_damaged_blob_is_a_miss_and_unused_blobs_are_collected(tmp_path: Path) -> None:
    cache = Cache(tmp_path, "show-a")
    keep, drop = cache.put_blob(b"kept bytes"), cache.put_blob(b"dropped bytes")
    cache.store("pages", "a", keep)
    cache.store("pages", "b", drop)
    cache.save()
    again = Cache(tmp_path, "show-a")
    assert again.get_blob(again.lookup("pages", "a")) == b"kept bytes"
    again.save()  # "b" dropped: its blob goes too
    assert again.blob_path(keep).is_file() and not again.blob_path(drop).exists()
    again.blob_path(keep).write_bytes(b"kept bytez")
    assert Cache(tmp_path, "show-a").get_blob(keep) is None
    assert Cache(tmp_path, "show-a").get_blob("../../etc/passwd") is None


def test_blobs_of_a_kind_this_build_did_not_load_are_kept(tmp_path: Path) -> None:
    cache = Cache(tmp_path, "show-a")
    page = cache.put_blob(b"a page")
    cache.store("pages", "p", page)
    cache.store("items", "i", 1)
    cache.store("items", "j", 2)
    cache.save()
    feed_only = Cache(tmp_path, "show-a")  # as --no-site: never asks for pages
    feed_only.lookup("items", "i")
    feed_only.save()  # drops "j", but must not collect the pages' blob
    assert feed_only.blob_path(page).is_file()


def test_a_rebuild_reusing_every_episode_leaves_the_renderings_file_alone(
        show: Path, tmp_path: Path) -> None:
    """The renderings (every note's HTML) are read only by a build that renders: one
    reusing every episode neither reads nor rewrites them; the next that renders drops
    what no episode uses."""
    path = rendered_file(show / CACHE_DIR)
    data = json.loads(path.read_text(encoding="utf-8"))
    kept = dict(data["records"])
    assert len(kept) == 3
    data["records"]["0" * 64] = "<p>no episode has these notes</p>"
    path.write_text(json.dumps(data), encoding="utf-8")
    before = path.read_bytes()
    text = (show / "podcast.toml").read_text(encoding="utf-8")
    (show / "podcast.toml").write_text(text.replace("A show made by the test suite.",
                                                    "A show, edited."), encoding="utf-8")
    result = build(show)
    assert result.stats.reused == 3
    write_outputs(result, show / "public")
    assert path.read_bytes() == before
    (show / "episodes" / "ep-1" / "description.md").write_text("Autres *notes*.",
                                                               encoding="utf-8")
    result = build(show)
    assert result.stats.reused == 2
    write_outputs(result, show / "public")
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert saved["identity"] == data["identity"] and "0" * 64 not in saved["records"]
    assert len(saved["records"]) == 3 and len(set(saved["records"]) & set(kept)) == 2
    assert "<em>notes</em>" in "".join(saved["records"].values())
    assert outputs(show) == clean_outputs(show, tmp_path)


def test_the_renderings_file_is_written_as_one_json_dump_would(tmp_path: Path) -> None:
    import io

    from feedpub.cache import write_json

    data = {"identity": {"show": "s", "code": "c"}, "empty": {}, "list": [1, "é"],
            "rendered": {f"k{n}": f"<p>n° {n} 🎙️ \"q\"</p>" for n in range(1203)}}
    out = io.BytesIO()
    write_json(out, data, batch=500)
    assert out.getvalue() == json.dumps(data, ensure_ascii=False,
                                        separators=(",", ":")).encode("utf-8")


def test_deferred_blobs_wait_on_disk_not_in_memory(tmp_path: Path) -> None:
    """A cold build defers every episode's notes and segments until the build is written:
    their bytes wait in a temp file outside the show, not in the build's memory."""
    import tracemalloc

    cache = Cache(tmp_path, "show-a")
    tracemalloc.start()
    try:
        before, _ = tracemalloc.get_traced_memory()
        shas = [cache.put_blob(os.urandom(100_000) + bytes([n]), defer=n % 2 == 0,
                               packed=n % 2 == 1)
                for n in range(60)]  # 6 MB, each dropped by the caller at once
        held, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert held - before < 1_000_000
    assert not (tmp_path / CACHE_DIR).exists()  # nothing in the show before save
    assert len(cache.get_blob(shas[7]) or b"") == len(cache.get_blob(shas[8]) or b"") == 100_001
    assert not cache.blob_path(shas[8]).exists()
    cache.store("items", "k", shas)
    cache.save()
    again = Cache(tmp_path, "show-a")
    blobs = [again.get_blob(sha) for sha in again.lookup("items", "k")]
    assert [hashlib.sha256(b).hexdigest() for b in blobs if b] == shas


def test_new_records_are_appended_to_a_file_as_it_was_read(tmp_path: Path) -> None:
    """Adding records to a kind, dropping and replacing none, appends their lines: the
    records already there are not written again; a file changed since it was read, a
    damaged line or a replaced record make the file written whole."""
    first = Cache(tmp_path, "show-a")
    for n in range(3):
        first.store("units", f"k{n}", [n, "é"])
    first.save()
    path = tmp_path / CACHE_DIR / "records-units.json"
    before = path.read_bytes()
    inode = path.stat().st_ino

    def add(key: str, *, touch: bool = False) -> Cache:
        cache = Cache(tmp_path, "show-a")
        for k in json.loads(path.read_text(encoding="utf-8"))["records"]:
            cache.lookup("units", k)
        if touch:  # another build rewrote it meanwhile (same bytes)
            path.write_bytes(path.read_bytes())
        cache.store("units", key, {"new": key})
        cache.save()
        return cache

    add("k3")
    after = path.read_bytes()
    assert after.startswith(before[:-3]) and after.endswith(b'"k3":{"new":"k3"}\n}}')
    assert path.stat().st_ino == inode  # appended in place
    assert {k: Cache(tmp_path, "show-a").lookup("units", k) for k in ("k0", "k3")} == \
        {"k0": [0, "é"], "k3": {"new": "k3"}}
    add("k4", touch=True)
    assert path.stat().st_ino != inode  # written whole, by rename
    data = json.loads(path.read_text(encoding="utf-8"))["records"]
    assert sorted(data) == ["k0", "k1", "k2", "k3", "k4"]
    assert list(data) == sorted(data)  # in key order again
