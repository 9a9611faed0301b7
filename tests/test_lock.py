"""feedpub.lock guards guids, vanished episodes and changed audio."""

from __future__ import annotations

import json
import re
import shutil
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from audiofactory import make_audio
from feedpub.build import BuildError, build, write_outputs


def publish(root: Path, out: Path) -> None:
    write_outputs(build(root), out)


def test_lock_records_guid_and_audio(make_show, tmp_path: Path) -> None:
    folder = make_show.episode("ep", extra='guid = "g-1"\n')
    publish(make_show.root, tmp_path / "out")
    lock = json.loads((make_show.root / "feedpub.lock").read_text(encoding="utf-8"))
    entry = lock["episodes"]["ep"]
    assert entry["guid"] == "g-1"
    assert entry["audio"]["size"] == (folder / "ep.mp3").stat().st_size
    assert entry["audio"]["mime"] == "audio/mpeg"


def test_changed_guid_is_refused(make_show, tmp_path: Path) -> None:
    folder = make_show.episode("ep", extra='guid = "g-1"\n')
    publish(make_show.root, tmp_path / "out")
    toml = folder / "episode.toml"
    toml.write_text(toml.read_text().replace('"g-1"', '"g-2"'), encoding="utf-8")
    with pytest.raises(BuildError) as info:
        build(make_show.root)
    assert str(info.value) == (
        "episodes/ep/episode.toml: guid changed from 'g-1' to 'g-2' since it was published "
        "(expected guid = \"g-1\")\n  hint: apps would see a new episode and download it "
        "again; restore the guid, or run 'feedpub build --update-lock' if the change is intended")
    assert build(make_show.root, update_lock=True).lock.entries["ep"].guid == "g-2"


def test_vanished_episode_is_refused(make_show, tmp_path: Path) -> None:
    make_show.episode("keep", extra='guid = "k"\n')
    make_show.episode("gone", extra='guid = "g"\n')
    publish(make_show.root, tmp_path / "out")
    shutil.rmtree(make_show.root / "episodes" / "gone")
    with pytest.raises(BuildError) as info:
        build(make_show.root)
    assert str(info.value).startswith(
        "feedpub.lock: episode 'gone' (guid g) was published but its folder is gone")
    result = build(make_show.root, update_lock=True)
    assert list(result.lock.entries) == ["keep"]


def test_renamed_folder_keeping_its_guid_is_fine(make_show, tmp_path: Path) -> None:
    make_show.episode("old-name", extra='guid = "same"\n')
    publish(make_show.root, tmp_path / "out")
    (make_show.root / "episodes" / "old-name").rename(make_show.root / "episodes" / "new-name")
    # the audio keeps its file name, so the enclosure URL stays the same too
    result = build(make_show.root)
    assert list(result.lock.entries) == ["new-name"]


def test_renamed_folder_with_derived_guid_is_caught(make_show, tmp_path: Path) -> None:
    make_show.episode("old-name")
    publish(make_show.root, tmp_path / "out")
    (make_show.root / "episodes" / "old-name").rename(make_show.root / "episodes" / "new-name")
    with pytest.raises(BuildError) as info:
        build(make_show.root)
    assert "episode 'old-name'" in str(info.value) and "folder is gone" in str(info.value)


def test_changed_audio_is_refused(make_show, tmp_path: Path) -> None:
    folder = make_show.episode("ep", seconds=5)
    publish(make_show.root, tmp_path / "out")
    make_audio(folder / "ep.mp3", 7)
    with pytest.raises(BuildError) as info:
        build(make_show.root)
    assert str(info.value).startswith(
        "episodes/ep/ep.mp3: audio changed since it was recorded in feedpub.lock (size ")
    assert build(make_show.root, update_lock=True).episodes[0].audio.duration > 6.5


def test_corrupt_lock_file(make_show) -> None:
    make_show.episode("ep")
    (make_show.root / "feedpub.lock").write_text("{not json", encoding="utf-8")
    with pytest.raises(Exception) as info:
        build(make_show.root)
    assert str(info.value).startswith("feedpub.lock:1: lock file is not valid JSON: ")


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def http_dir(tmp_path: Path):
    served = tmp_path / "served"
    served.mkdir()
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(served)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield served, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_audio_given_by_url_is_fetched_once(make_show, http_dir, tmp_path: Path) -> None:
    served, base = http_dir
    make_audio(served / "remote.mp3", 6)
    url = f"{base}/remote.mp3"
    make_show.episode("ep", audio=url, seconds=None)
    publish(make_show.root, tmp_path / "out")
    feed = (tmp_path / "out" / "feed.xml").read_bytes()
    assert f'url="{url}"'.encode() in feed
    assert f'length="{(served / "remote.mp3").stat().st_size}"'.encode() in feed
    (served / "remote.mp3").unlink()  # the lock now answers for it
    assert build(make_show.root).feed == feed


def test_audio_url_that_fails(make_show, http_dir) -> None:
    _, base = http_dir
    make_show.episode("ep", audio=f"{base}/missing.mp3", seconds=None)
    with pytest.raises(BuildError) as info:
        build(make_show.root)
    assert str(info.value).startswith(
        f"episodes/ep/episode.toml: cannot download audio {base}/missing.mp3: 404 Client Error")


def test_renamed_folder_builds_from_the_lock_without_audio(make_show, tmp_path: Path) -> None:
    make_show.episode("old-name", extra='guid = "same"\n')
    publish(make_show.root, tmp_path / "out")
    feed = (tmp_path / "out" / "feed.xml").read_bytes()
    episodes = make_show.root / "episodes"
    (episodes / "old-name").rename(episodes / "new-name")
    (episodes / "new-name" / "old-name.mp3").unlink()  # a CI checkout: no audio
    assert build(make_show.root).feed == feed


def test_podcast_guid_is_guarded(make_show, tmp_path: Path) -> None:
    make_show.episode("ep")
    publish(make_show.root, tmp_path / "out")
    make_show.edit_show('feed_url = "https://feeds.example.org/show/feed.xml"',
                        'feed_url = "https://new-host.example.net/feed.xml"')
    old = json.loads((make_show.root / "feedpub.lock").read_text())["podcast_guid"]
    with pytest.raises(BuildError) as info:
        build(make_show.root)
    assert str(info.value).startswith(
        f"podcast.toml: podcast:guid would change from {old} to ")
    assert f'(expected [podcast] guid = "{old}")' in str(info.value)
    make_show.edit_show('[owner]', f'[podcast]\nguid = "{old}"\n\n[owner]')
    assert f"<podcast:guid>{old}</podcast:guid>".encode() in build(make_show.root).feed


@pytest.mark.parametrize("damage", [
    '{"version": 1, "episodes": []}',
    '{"version": 1, "episodes": {"ep": {"guid": {"a": 1}}}}',
    '{"version": 1, "episodes": {"ep": {"guid": "g", "audio": {"file": "ep.mp3", "size": "big",'
    ' "duration": 1.0, "mime": "audio/mpeg", "sha256": "x", "kind": "mp3"}}}}',
    '{"version": 1, "episodes": {"ep": {"guid": "g", "audio": {"file": "ep.mp3", "size": 1,'
    ' "duration": 1.0, "mime": "audio/mpeg", "sha256": "x", "kind": "mp3",'
    ' "chapters": [{"start": "soon"}]}}}}',
    '{"version": 2}',
])
def test_damaged_lock_files_are_clear_errors(make_show, damage: str) -> None:
    make_show.episode("ep")
    (make_show.root / "feedpub.lock").write_text(damage, encoding="utf-8")
    with pytest.raises(Exception) as info:
        build(make_show.root)
    assert re.match(r"feedpub\.lock(:\d+)?: ", str(info.value))  # the line, where known
    assert "restore it from git" in str(info.value)


def test_build_measure_replaces_declared_facts_and_reports_each_difference(
        make_show, http_dir) -> None:
    import subprocess
    import sys

    served, base = http_dir
    make_audio(served / "old.mp3", 6)
    url = f"{base}/old.mp3"
    make_show.episode("ep", audio=url, seconds=None, extra='guid = "kept-guid"\n')
    (make_show.root / "feedpub.lock").write_text(json.dumps({"version": 1, "episodes": {
        "ep": {"guid": "kept-guid", "declared": True, "audio": {
            "file": url, "size": 123, "duration": 61.0, "mime": "audio/mpeg", "sha256": "",
            "kind": ""}}}}), encoding="utf-8")
    assert b'length="123"' in build(make_show.root).feed  # as declared, nothing downloaded
    run = [sys.executable, "-m", "feedpub", "-C", str(make_show.root), "build", "--measure"]
    done = subprocess.run(run, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    size = (served / "old.mp3").stat().st_size
    assert f"feedpub: measured: ep: length 123 -> {size:,}, duration 1:01 -> 0:06" in done.stderr
    lock = json.loads((make_show.root / "feedpub.lock").read_text())["episodes"]["ep"]
    assert "declared" not in lock and lock["audio"]["size"] == size and lock["audio"]["sha256"]
    assert f'length="{size}"' in (make_show.root / "public" / "feed.xml").read_text()


def test_the_lock_text_is_json_dumps_of_its_json_form(tmp_path: Path) -> None:
    """The field-by-field writer gives exactly the bytes of the indented, sorted dump."""
    from feedpub.build.lock import Entry, Lock, load_lock
    from feedpub.model import AudioFacts, Chapter

    def facts(n: int, **extra: object) -> AudioFacts:
        return AudioFacts(f"ép \"{n}\"\\.mp3", 1000 + n, [2.088, 61, 1e-05, 1234567.5][n % 4],
                          "audio/mpeg", f"{n:064x}", "mp3", **extra)  # type: ignore[arg-type]

    chapters = (Chapter(0, "Début « ici »"), Chapter(1.5, "", end=3, url="https://e.org/?a=1&b",
                                                   img="x.jpg", toc=False, line=7))
    entries = {
        "plain": Entry("g-0", facts(0)),
        "chapters": Entry("g-1", facts(1, chapters=chapters, bitrate=128000)),
        "alternates": Entry("g-2", facts(2), (facts(3, sri="sha384-abc"), facts(5)),
                            declared=True),
        "analysis": Entry("g-3", facts(6), analysis={f"{6:064x}": {
            "lufs": -16.5, "peaks": [0.5, [1, {"b": None, "a": True}]], "note": "é\n\t\x01"}}),
        "no audio": Entry("g-\u2028\U0001f399"),
        "declared, no audio": Entry("g-5", declared=True),
        'quote"slug\\': Entry("g-6", facts(7, bitrate=0, sri="")),
    }
    for guid in ("urn:uuid:1", None):
        for chosen in (entries, {}, {"plain": entries["plain"]}):
            lock = Lock(tmp_path / "feedpub.lock", dict(chosen), podcast_guid=guid)
            text = lock.to_json()
            assert text == json.dumps(lock.json_form(), indent=2, ensure_ascii=False,
                                      sort_keys=True) + "\n"
            lock.path.write_text(text, encoding="utf-8")
            again = load_lock(tmp_path)
            assert again.to_json() == text
            expected = dict(lock.entries)  # what the text does not keep: the falsy fields
            if chosen:
                expected |= {"declared, no audio": Entry("g-5"),
                             'quote"slug\\': Entry("g-6", facts(7))} if len(chosen) > 1 else {}
            assert again.entries == expected
