"""Alternate encodings: podcast:alternateEnclosure with integrity hashes from the files."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path

from lxml import etree

from audiofactory import make_audio
from feedpub.build import build, write_outputs
from feedpub.errors import FeedpubError
from feedpub.validate import validate_bytes
from feedpub.validate.netchecks import check_targets, collect_targets
from feedpub.validate.network import NetOptions
from validate_httpserver import Resource, running

PC = "{https://podcastindex.org/namespace/1.0}"


def sri(path: Path) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(path.read_bytes()).digest()).decode()


def show_with_opus(make_show) -> Path:  # type: ignore[no-untyped-def]
    folder = make_show.episode("ep-1", seconds=6.0)
    make_audio(folder / "ep-1.opus", 6.0)
    return folder


def test_mp3_and_opus_become_alternate_enclosures_with_integrity(make_show) -> None:
    folder = show_with_opus(make_show)
    result = build(make_show.root)
    item = etree.fromstring(result.feed).find("channel/item")
    assert item.find("enclosure").get("type") == "audio/mpeg"  # the most compatible stays
    alternates = item.findall(PC + "alternateEnclosure")
    assert [a.get("type") for a in alternates] == ["audio/mpeg", "audio/ogg"]
    assert [a.get("default") for a in alternates] == ["true", None]
    assert [a.get("title").split()[0] for a in alternates] == ["MP3", "Opus"]
    assert alternates[0].get("title") == "MP3 16 kbps"  # the test encoder's bitrate
    assert alternates[1].get("codecs") == "opus"
    for alt, name in zip(alternates, ["ep-1.mp3", "ep-1.opus"]):
        file = folder / name
        assert alt.get("length") == str(file.stat().st_size)
        assert int(alt.get("bitrate")) > 0
        (source,) = alt.findall(PC + "source")
        assert source.get("uri") == "https://media.example.org/audio/" + name
        (integrity,) = alt.findall(PC + "integrity")
        assert integrity.get("type") == "sri" and integrity.get("value") == sri(file)
    assert not [f for f in validate_bytes(result.feed) if f.severity == "error"]
    media = [o for o in result.outputs if o.kind == "media"]
    assert sorted(o.path for o in media) == ["ep-1.mp3", "ep-1.opus"]
    assert result.outputs[-1].kind == "feed"


def test_the_lock_keeps_alternates_for_a_checkout_without_audio(make_show, tmp_path) -> None:
    folder = show_with_opus(make_show)
    first = build(make_show.root)
    write_outputs(first, tmp_path / "out")
    recorded = json.loads((make_show.root / "feedpub.lock").read_text())["episodes"]["ep-1"]
    assert [a["file"] for a in recorded["alternates"]] == ["ep-1.opus"]
    assert recorded["alternates"][0]["sri"] == sri(folder / "ep-1.opus")
    for name in ("ep-1.mp3", "ep-1.opus"):
        (folder / name).unlink()
    again = build(make_show.root)
    assert again.feed == first.feed
    assert not [o for o in again.outputs if o.kind == "media"]


def test_a_changed_alternate_is_an_error_until_accepted(make_show, tmp_path) -> None:
    folder = show_with_opus(make_show)
    write_outputs(build(make_show.root), tmp_path / "out")
    make_audio(folder / "ep-1.opus", 7.0)
    try:
        build(make_show.root)
    except FeedpubError as err:
        assert "ep-1.opus" in str(err) and "changed since it was recorded" in str(err)
    else:
        raise AssertionError("a changed alternate encoding was accepted")
    accepted = build(make_show.root, update_lock=True)
    values = [i.get("value") for i in etree.fromstring(accepted.feed).iter(PC + "integrity")]
    assert sri(folder / "ep-1.opus") in values


def test_online_a_served_file_altered_by_one_byte_fails_its_integrity(make_show) -> None:
    folder = show_with_opus(make_show)
    feed = build(make_show.root).feed
    mp3, opus = (folder / "ep-1.mp3").read_bytes(), (folder / "ep-1.opus").read_bytes()
    altered = opus[:100] + bytes([opus[100] ^ 1]) + opus[101:]
    with running() as server:
        server.add("/audio/ep-1.mp3", Resource(mp3, "audio/mpeg"))
        server.add("/audio/ep-1.opus", Resource(altered, "audio/ogg"))
        served = feed.replace(b"https://media.example.org", server.base.encode())
        targets = [t for t in collect_targets(etree.fromstring(served))
                   if t.kind == "integrity"]
        assert [t.url.rsplit("/", 1)[1] for t in targets] == ["ep-1.mp3", "ep-1.opus"]
        findings = check_targets(targets, NetOptions(timeout=2, workers=2), "feed.xml")
        bad = [f for f in findings if f.rule == "alternate-integrity"]
        assert len(bad) == 1 and bad[0].url.endswith("ep-1.opus") and bad[0].severity == "error"
        server.add("/audio/ep-1.opus", Resource(opus, "audio/ogg"))
        clean = check_targets(targets, NetOptions(timeout=2, workers=2), "feed.xml")
        assert not [f for f in clean if f.rule == "alternate-integrity"]


def test_an_episode_without_alternates_writes_none(make_show) -> None:
    make_show.episode("ep-1", seconds=3.0)
    feed = build(make_show.root).feed
    assert b"alternateEnclosure" not in feed


def test_audio_encode_makes_a_normalised_tagged_opus_the_build_publishes(make_show) -> None:
    import subprocess
    import sys

    import mutagen

    from feedpub.audiocheck import analyse

    folder = make_show.episode("ep-1", seconds=None, extra='number = 7\n')
    source = folder / "ep-1.mp3"
    make_audio(source, 8.0)
    original = source.read_bytes()
    run = [sys.executable, "-m", "feedpub", "-C", str(make_show.root), "audio", "encode",
           "ep-1", "--format", "opus", "--bitrate", "32", "--mono"]
    done = subprocess.run(run, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    made = folder / "ep-1.opus"
    assert done.stdout.startswith("episodes/ep-1/ep-1.opus: opus 1 ch")
    assert source.read_bytes() == original  # the original is never changed
    result = analyse(made)
    assert result.loudness is not None and abs(result.loudness - -19.0) <= 1.0
    assert result.true_peak is not None and result.true_peak <= -0.5
    tags = mutagen.File(made).tags
    assert tags["title"] == ["Episode"] and tags["album"] == ["Test Show"]
    again = subprocess.run(run, capture_output=True, text=True, timeout=180)
    assert again.returncode == 2 and "already exists" in again.stderr
    assert "--force" in again.stderr
    feed = build(make_show.root).feed
    uris = [s.get("uri") for s in etree.fromstring(feed).iter(PC + "source")]
    assert uris == ["https://media.example.org/audio/ep-1.mp3",
                    "https://media.example.org/audio/ep-1.opus"]
    mp3 = subprocess.run(run[:-5] + ["--format", "mp3", "--bitrate", "32"],
                         capture_output=True, text=True, timeout=180)
    assert mp3.returncode == 0, mp3.stderr
    assert (folder / "ep-1.32k.mp3").is_file()
    titles = [a.get("title") for a in etree.fromstring(build(make_show.root).feed)
              .iter(PC + "alternateEnclosure")]
    assert titles[0] == "MP3 16 kbps" and "MP3 32 kbps" in titles
