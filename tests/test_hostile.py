"""Hostile source files: every loader bounded, every build ends with a clear message.

Each case puts one hostile file where the show expects a source file and asserts the
exact message the build gives, at the right file: never a hang, never an internal error.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from feedpub.build import build
from feedpub.errors import FeedpubError
from feedpub.safeio import LIMITS

TRANSCRIPT = "Speaker #0\nBonjour.\n"


@pytest.fixture(autouse=True)
def deadline() -> Iterator[None]:
    """A loader that blocks (a FIFO opened for reading) would hang: fail instead."""
    def expired(*_: object) -> None:
        raise TimeoutError("the build did not end")

    old = signal.signal(signal.SIGALRM, expired)
    signal.alarm(30)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, old)


def fifo(path: Path) -> None:
    path.unlink(missing_ok=True)
    os.mkfifo(path)


def dev_zero(path: Path) -> None:
    path.unlink(missing_ok=True)
    path.symlink_to("/dev/zero")


def huge(kind: str) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        with path.open("wb") as fh:
            fh.truncate(LIMITS[kind] + 1)  # sparse: costs no disk
    return write


def content(data: bytes) -> Callable[[Path], None]:
    return lambda path: path.write_bytes(data)


FILES = {  # file in the show -> kind of limit
    "podcast.toml": "toml",
    "episodes/ep/episode.toml": "toml",
    "episodes/ep/description.md": "notes",
    "episodes/ep/transcript.txt": "transcript",
    "episodes/ep/chapters.json": "chapters",
    "feedpub.lock": "lock",
}


def errors(root: Path) -> str:
    with pytest.raises(FeedpubError) as info:
        build(root)
    return str(info.value)


@pytest.fixture
def show(make_show) -> Path:
    folder = make_show.episode("ep")
    (folder / "transcript.txt").write_text(TRANSCRIPT, encoding="utf-8")
    (folder / "chapters.json").write_text('{"version": "1.2.0", "chapters": [{"startTime": 0}]}',
                                          encoding="utf-8")
    build(make_show.root)  # writes nothing but proves the show is good
    from feedpub.build import write_outputs
    write_outputs(build(make_show.root), make_show.root / "public")  # and a lock exists
    return make_show.root


@pytest.mark.parametrize("name", list(FILES))
def test_a_named_pipe_is_refused_without_opening_it(show: Path, name: str) -> None:
    fifo(show / name)
    assert f"{name}: is a named pipe, not a regular file (expected a regular file)" in \
        errors(show)


@pytest.mark.parametrize("name", list(FILES))
def test_a_link_to_dev_zero_is_refused(show: Path, name: str) -> None:
    dev_zero(show / name)
    assert f"{name}: is a character device, not a regular file" in errors(show)


@pytest.mark.parametrize("name,kind", list(FILES.items()))
def test_a_huge_file_is_refused_before_reading(show: Path, name: str, kind: str) -> None:
    huge(kind)(show / name)
    limit = LIMITS[kind]
    assert (f"{name}: is {limit + 1:,} bytes; a {kind} file may have at most {limit:,} "
            f"(expected at most {limit // 1024 // 1024} MiB)") in errors(show)


@pytest.mark.parametrize("name", ["podcast.toml", "episodes/ep/episode.toml"])
def test_toml_with_a_byte_order_mark_says_so(show: Path, name: str) -> None:
    path = show / name
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert (f"{name}:1: starts with a UTF-8 byte-order mark (expected UTF-8 without a "
            "byte-order mark)\n  hint: remove the byte-order mark") in errors(show)


@pytest.mark.parametrize("name", ["podcast.toml", "episodes/ep/episode.toml",
                                  "episodes/ep/description.md", "feedpub.lock"])
@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-32"])
def test_utf16_and_utf32_are_named(show: Path, name: str, encoding: str) -> None:
    path = show / name
    path.write_bytes(path.read_text(encoding="utf-8").encode(encoding))
    family = "UTF-32" if "32" in encoding else "UTF-16"
    assert f"{name}:1: is {family} text (expected UTF-8 text)\n  hint: save it as UTF-8" in \
        errors(show)


@pytest.mark.parametrize("name", ["podcast.toml", "episodes/ep/description.md",
                                  "feedpub.lock"])
def test_nul_bytes_are_errors_with_their_line(show: Path, name: str) -> None:
    path = show / name
    path.write_bytes(path.read_bytes().rstrip(b"\n") + b"\n\x00\n")
    line = path.read_bytes().count(b"\n")
    assert f"{name}:{line}: contains a NUL byte (expected text without NUL bytes)" in \
        errors(show)


def test_control_characters_in_a_transcript_are_errors(show: Path) -> None:
    (show / "episodes/ep/transcript.txt").write_text("Speaker #0\nBon\x07jour.\n")
    assert ("episodes/ep/transcript.txt:2: contains the control character U+0007 (expected "
            "text without control characters)") in errors(show)


def test_deep_toml_nesting_is_an_error_not_a_crash(show: Path) -> None:
    (show / "episodes/ep/episode.toml").write_text(
        'title = "E"\ndate = "2025-05-13"\naudio = "ep.mp3"\nx = ' + "[" * 10_000
        + "]" * 10_000 + "\n")
    assert ("episodes/ep/episode.toml: arrays or tables nest too deeply (expected at most 64 "
            "levels)") in errors(show)


def test_deep_json_nesting_is_an_error_not_a_crash(show: Path) -> None:
    (show / "episodes/ep/chapters.json").write_text(
        '{"version": "1.2.0", "chapters": ' + "[" * 10_000 + "]" * 10_000 + "}")
    assert "episodes/ep/chapters.json:1: not usable JSON: nested too deeply" in errors(show)
    lock = show / "feedpub.lock"
    lock.write_text('{"version": 1, "x": ' + "[" * 10_000 + "]" * 10_000 + "}")
    assert "feedpub.lock:1: lock file nests too deeply (expected at most 64 levels)" in \
        errors(show)


@pytest.mark.parametrize(("text", "line"), [
    ('{"a": [[["x"]]]}', None),
    ('{"a": "[[[[[[[["}', None),  # brackets in a string do not nest
    ('{"a": "\\"[[[[["}', None),  # an escaped quote does not end the string
    ('{"a":\n [[[["x"]]]]}', 2),
    ('{"a": "b\\\\"\n, [[[[', 2),  # an escaped backslash ends it
    ('{"never closed: [[[[[[', None),  # the rest is inside the string
    ('"\\', None), ("]]][[[[[", None), ("[[]]\n[[[[[", 2),
])
def test_json_depth_is_counted_outside_strings_only(text: str, line: int | None) -> None:
    from feedpub.safeio import deepest_line, json_depth_ok

    assert json_depth_ok(text, limit=4) == line == deepest_line(text, 4)


def test_json_depth_of_a_text_of_unclosed_strings_is_found_at_once() -> None:
    from feedpub.safeio import json_depth_ok

    # every quote opens a string that is never closed: a scan that retried at each of
    # them would take hours here (the pattern never fails: it runs to the end instead)
    assert json_depth_ok('"\\"\\' * 1_000_000 + "[[[[[[[[", limit=4) is None
    assert json_depth_ok('"\\"a"' * 100_000 + "\n[[[[[[[[", limit=4) == 2


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_in_the_lock(show: Path, constant: str) -> None:
    lock = show / "feedpub.lock"
    text = lock.read_text()
    head, _, rest = text.partition('"duration": ')
    lock.write_text(head + '"duration": ' + constant + rest[rest.index(","):])
    line = (head.count("\n") + 1)
    assert (f"feedpub.lock:{line}: lock file holds {constant}, which is not a number "
            "(expected finite numbers)") in errors(show)


@pytest.mark.parametrize("field,value,message", [
    ("size", "-5", "size -5 is negative"),
    ("mime", '"text/html"', "type 'text/html' is not an audio or video type"),
    ("duration", "0", "duration 0 is not a plausible number of seconds"),
])
def test_implausible_lock_values_are_reported_at_the_lock(show: Path, field: str, value: str,
                                                          message: str) -> None:
    import json

    lock = show / "feedpub.lock"
    data = json.loads(lock.read_text())
    data["episodes"]["ep"]["audio"][field] = json.loads(value)
    lock.write_text(json.dumps(data, indent=2))
    found = errors(show)
    assert f"entry for 'ep' is damaged: {message}" in found
    assert found.startswith("feedpub.lock:")
    assert "feed.xml" not in found


def test_two_transcripts_in_one_language_are_an_error_naming_both(show: Path) -> None:
    folder = show / "episodes" / "ep"
    (folder / "transcript.fr.txt").write_text("Speaker #0\nSalut.\n", encoding="utf-8")
    assert ("episodes/ep/transcript.fr.txt: transcript.fr.txt, transcript.txt are transcripts "
            "in the same language (fr) (expected one transcript per language)") in errors(show)


@pytest.mark.parametrize("slug,why", [
    ("con", "'con' is a device name on Windows"),
    ("lpt1", "'lpt1' is a device name on Windows"),
    ("aux.show", "'aux.show' is a device name on Windows"),
    ("ep-2.", "'ep-2.' ends with a dot"),
])
def test_folder_names_a_windows_clone_cannot_hold(make_show, slug: str, why: str) -> None:
    make_show.episode(slug)
    assert (f"episodes/{slug}: folder name {why}: a clone of the show fails on Windows "
            "(expected another folder name)") in errors(make_show.root)


def test_a_single_speakers_table_gets_its_line_and_the_fix(make_show) -> None:
    make_show.episode("ep", extra='[speakers]\nlabel = "Speaker #0"\nname = "Ada"\n')
    assert ("episodes/ep/episode.toml:4: speakers: is one table [speakers], not a list of "
            "tables (expected [[speakers]] tables)\n  hint: write [[speakers]] (two brackets) "
            "above each entry") in errors(make_show.root)
    make_show.episode("ep", extra='[speakers]\nname = "Ada"\n[speakers]\nname = "Bo"\n')
    assert ("hint: a table is declared once; for a list of tables write [[speakers]] above "
            "each entry") in errors(make_show.root)


def test_remote_audio_downloads_are_bounded_in_size_and_time(tmp_path: Path,
                                                             monkeypatch) -> None:
    import tempfile as tf
    import time as clock

    from feedpub.build.media import fetch_for_probe
    from validate_httpserver import Resource, running

    monkeypatch.setattr(tf, "tempdir", str(tmp_path))  # where the downloads go, to look
    source = tmp_path / "episode.toml"
    with running() as server:
        endless = server.add("/endless.mp3", Resource(b"\xff\xfb" * 600_000, "audio/mpeg"))
        drip = server.add("/drip.mp3", Resource(b"\xff\xfb" * 4, "audio/mpeg", drip=0.6))
        missing = server.add("/gone.mp3", Resource(b"", status=404))
        monkeypatch.setenv("FEEDPUB_DOWNLOAD_LIMIT", "100000")
        with pytest.raises(FeedpubError, match="larger than the 100,000-byte limit|announces "
                                               "1,200,000 bytes, over the 100,000-byte limit"):
            fetch_for_probe(endless, source)
        monkeypatch.setenv("FEEDPUB_DOWNLOAD_DEADLINE", "1.5")
        started = clock.monotonic()
        with pytest.raises(FeedpubError, match="too slow: the download did not finish in time"):
            fetch_for_probe(drip, source)
        assert clock.monotonic() - started < 5
        with pytest.raises(FeedpubError, match="cannot download audio .*gone.mp3: 404 Client Error"):
            fetch_for_probe(missing, source)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("feedpub-")] == []


@pytest.mark.parametrize("language,why", [
    ("<b>", "'<b>' is not a language code"),
    ("zz", "'zz' is not an ISO 639-1 language code"),
])
def test_a_transcript_named_with_no_language_is_an_error(show: Path, language: str,
                                                          why: str) -> None:
    folder = show / "episodes" / "ep"
    (folder / f"transcript.{language}.txt").write_text("Speaker #0\nHi.\n", encoding="utf-8")
    found = errors(show)
    assert f"episodes/ep/transcript.{language}.txt: the file name's language: {why}" in found


def test_the_quick_json_depth_checks_agree_with_the_scan() -> None:
    """Random text of brackets, quotes, escapes, line breaks and other characters: the
    quick checks (with and without escapes in the text) answer as the character walk."""
    import random

    from feedpub.safeio import deepest_line, json_depth_ok

    rng = random.Random(14)
    pieces = ["[", "]", "{", "}", '"', "\\", "\n", "a", "é", '\\"', ":", ","]
    for n in range(6000):
        chosen = pieces if n % 2 else [p for p in pieces if "\\" not in p]
        text = "".join(rng.choice(chosen) for _ in range(rng.randrange(0, 40)))
        limit = rng.randrange(0, 4)
        assert json_depth_ok(text, limit) == deepest_line(text, limit), text
