"""Property tests: whatever podcasters type, the feed keeps it and real clients read it back."""

from __future__ import annotations

import io
import shutil
import string
from pathlib import Path

import feedparser
import podcastparser
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audiofactory import make_audio
from conftest import ShowMaker
from feedpub.build import build

AUDIO_CACHE: dict[str, bytes] = {}

# Text as podcasters write it: accents, emoji, XML specials, quotes; no control characters.
text = st.text(
    alphabet=st.sampled_from(string.ascii_letters + string.digits + " &<>\"'éèàçÉœ€…«»🎙🌍⭐-_:;!?"),
    min_size=1, max_size=60,
).map(str.strip).filter(bool)


def audio_bytes() -> bytes:
    if "mp3" not in AUDIO_CACHE:
        tmp = Path(__file__).parent / ".prop-audio.mp3"
        make_audio(tmp, 3)
        AUDIO_CACHE["mp3"] = tmp.read_bytes()
        tmp.unlink()
    return AUDIO_CACHE["mp3"]


def feedparser_reads(title: str) -> str:
    """feedparser "repairs" any text whose Latin-1 bytes are valid UTF-8 ('É«' -> 'ɫ'),
    on the guess that it was double-encoded; the feed has the title right."""
    try:
        return title.encode("iso-8859-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return title


def toml_str(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(episodes=st.lists(st.tuples(text, text, st.integers(1, 28)), min_size=1, max_size=4,
                         unique_by=lambda e: e[2]))
def test_titles_guids_and_sizes_survive(tmp_path_factory, episodes) -> None:
    root = tmp_path_factory.mktemp("prop") / "show"
    show = ShowMaker(root)
    for n, (title, guid, day) in enumerate(episodes):
        slug = f"ep-{n}"
        folder = show.episode(slug, seconds=None, toml=(
            f"title = {toml_str(title)}\ndate = \"{day:02d}/03/2025\"\n"
            f"audio = \"{slug}.mp3\"\nguid = {toml_str(guid + str(n))}\n"))
        (folder / f"{slug}.mp3").write_bytes(audio_bytes())
        (folder / "description.md").write_text(f"Notes: {title}", encoding="utf-8")
    feed = build(root).feed
    parsed = podcastparser.parse("https://feeds.example.org/show/feed.xml", io.BytesIO(feed))
    got = {e["guid"]: e for e in parsed["episodes"]}
    assert len(got) == len(episodes)
    for n, (title, guid, _day) in enumerate(episodes):
        episode = got[guid + str(n)]
        assert episode["title"] == " ".join(title.split())  # podcastparser folds spaces
        assert episode["enclosures"][0]["file_size"] == len(audio_bytes())
        assert episode["total_time"] == 3
    fp = feedparser.parse(feed)
    assert not fp.bozo
    assert sorted(e.title for e in fp.entries) == sorted(feedparser_reads(t)
                                                         for t, _, _ in episodes)
    shutil.rmtree(root)
