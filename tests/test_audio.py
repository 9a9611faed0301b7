"""Audio probing on files made by real encoders, and the checks built on it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from audiofactory import make_audio
from feedpub.audio import probe, sniff
from feedpub.build import BuildError, build
from feedpub.errors import AudioError

FORMATS = [("mp3", "audio/mpeg", "mp3"), ("m4a", "audio/x-m4a", "m4a"),
           ("ogg", "audio/ogg", "vorbis"), ("opus", "audio/ogg", "opus"),
           ("flac", "audio/flac", "flac"), ("wav", "audio/wav", "wav")]


@pytest.mark.parametrize("ext, mime, kind", FORMATS)
def test_each_format_is_measured(tmp_path: Path, ext: str, mime: str, kind: str) -> None:
    path = make_audio(tmp_path / f"a.{ext}", 6.0)
    facts = probe(path)
    assert facts.mime == mime and facts.kind == kind
    assert facts.size == path.stat().st_size
    assert abs(facts.duration - 6.0) < 0.2
    assert len(facts.sha256) == 64


@pytest.mark.parametrize("ext, mime, kind", FORMATS)
def test_each_format_builds_into_the_feed(make_show, ext: str, mime: str, kind: str) -> None:
    folder = make_show.episode("ep", audio=f"ep.{ext}", seconds=8, extra='duration = "0:08"\n')
    result = build(make_show.root)
    assert b'type="%s"' % mime.encode() in result.feed
    assert b'length="%d"' % (folder / f"ep.{ext}").stat().st_size in result.feed
    assert b"<itunes:duration>8</itunes:duration>" in result.feed


def test_extension_that_lies_is_an_error(tmp_path: Path) -> None:
    flac = make_audio(tmp_path / "real.flac", 2)
    liar = tmp_path / "episode.mp3"
    shutil.copy(flac, liar)
    with pytest.raises(AudioError) as info:
        probe(liar)
    assert str(info.value) == (
        f"{liar}: extension .mp3 does not match the content (flac) (expected .flac)\n"
        "  hint: rename the file: apps pick a decoder from the extension and type")


def test_not_audio_at_all(tmp_path: Path) -> None:
    path = tmp_path / "notes.mp3"
    path.write_text("these are not sounds", encoding="utf-8")
    with pytest.raises(AudioError) as info:
        probe(path)
    assert str(info.value) == (f"{path}: not a recognised audio file (expected MP3, M4A/AAC, "
                               "OGG Vorbis, Opus, FLAC or WAV)")


def test_truncated_flac_is_unreadable(tmp_path: Path) -> None:
    path = make_audio(tmp_path / "cut.flac", 3)
    path.write_bytes(path.read_bytes()[:30])
    with pytest.raises(AudioError) as info:
        probe(path)
    assert str(info.value).startswith(f"{path}: unreadable flac audio: ")


def test_truncated_mp3_fails_the_duration_check(make_show) -> None:
    folder = make_show.episode("ep", seconds=20, extra='duration = "0:20"\n')
    mp3 = folder / "ep.mp3"
    mp3.write_bytes(mp3.read_bytes()[: mp3.stat().st_size // 2])
    with pytest.raises(BuildError) as info:
        build(make_show.root)
    assert str(info.value).startswith(
        "episodes/ep/episode.toml:4: duration '0:20' does not match the audio (0:10, ")


def test_declared_minutes_must_match(make_show) -> None:
    make_show.episode("ep", seconds=30, extra='duration = "04min"\n')
    with pytest.raises(BuildError) as info:
        build(make_show.root)
    message = str(info.value)
    assert message.startswith("episodes/ep/episode.toml:4: duration '04min' does not match the "
                              "audio (0:30, 30.")
    assert message.endswith(" s in ep.mp3) (expected 4:00–4:59)")


def test_missing_audio(make_show) -> None:
    make_show.episode("ep", seconds=None)
    with pytest.raises(BuildError) as info:
        build(make_show.root)
    assert str(info.value) == (
        "episodes/ep/ep.mp3: audio file not found, and feedpub.lock has no record of it\n"
        "  hint: put the audio at ep.mp3 in the episode's folder or set audio in episode.toml "
        "to its path or URL; where the audio is kept out of the repository, build once where it "
        "is and commit feedpub.lock")


def test_a_misspelt_audio_name_gets_the_closest_file(make_show) -> None:
    make_show.episode("ep", audio="episode.mp3", toml='title = "Ep"\ndate = "2025-05-13"\n'
                      'audio = "epsiode.mp3"\n')
    (make_show.root / "episodes" / "ep" / "cover.mp3.txt").write_text("not audio")
    with pytest.raises(BuildError) as info:
        build(make_show.root)
    assert str(info.value) == (
        "episodes/ep/epsiode.mp3: audio file not found, and feedpub.lock has no record of it\n"
        "  hint: did you mean 'episode.mp3'? write audio = \"episode.mp3\" in episode.toml")


def test_audio_outside_the_repository(make_show, tmp_path: Path) -> None:
    media = tmp_path / "media"
    media.mkdir()
    make_audio(media / "far.ogg", 4)
    make_show.edit_show('timezone = "Europe/Paris"',
                        f'timezone = "Europe/Paris"\nmedia_dir = "{media}"')
    make_show.episode("near", seconds=None, audio="far.ogg")
    make_show.episode("abs", seconds=None, audio=str(media / "far2.opus"))
    make_audio(media / "far2.opus", 3)
    feed = build(make_show.root).feed
    assert b"https://media.example.org/audio/far.ogg" in feed
    assert b"https://media.example.org/audio/far2.opus" in feed


def test_sniff_needs_real_signatures() -> None:
    assert sniff(b"ID3\x04" + bytes(60)) == "mp3"
    assert sniff(b"\x00\x00\x00\x20ftypM4A ") == "m4a"
    assert sniff(b"OggS" + bytes(60)) is None  # an Ogg stream we cannot play
    assert sniff(b"RIFF\x00\x00\x00\x00AVI ") is None


def test_raw_adts_aac_is_not_mistaken_for_mp3(tmp_path: Path) -> None:
    import av

    m4a = make_audio(tmp_path / "src.m4a", 3)
    adts = tmp_path / "raw.aac"
    with av.open(str(m4a)) as src, av.open(str(adts), "w", format="adts") as out:
        stream = out.add_stream_from_template(src.streams.audio[0])
        for packet in src.demux(src.streams.audio[0]):
            if packet.dts is not None:
                packet.stream = stream
                out.mux(packet)
    assert sniff(adts.read_bytes()[:64]) == "aac"
    facts = probe(adts)
    assert facts.mime == "audio/aac" and facts.kind == "aac"
    renamed = tmp_path / "raw.mp3"
    shutil.copy(adts, renamed)
    with pytest.raises(AudioError) as info:
        probe(renamed)
    assert "extension .mp3 does not match the content (aac) (expected .aac)" in str(info.value)


def test_audio_path_that_is_a_folder(make_show) -> None:
    folder = make_show.episode("ep", seconds=None)
    (folder / "ep.mp3").mkdir()
    with pytest.raises(BuildError) as info:
        build(make_show.root)
    assert str(info.value) == "episodes/ep/ep.mp3: is a folder, not an audio file"
