"""TOML out: what the schema's writer writes loads back as the same show and episodes."""

from __future__ import annotations

import dataclasses
import tempfile
import tomllib
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from conftest import SHOW_TOML
from feedpub import apple
from feedpub.config import load_show
from feedpub.episodes import load_episode
from feedpub.errors import ConfigError
from feedpub.scaffold import new_episode
from feedpub.source.toml import (
    dump_chapters,
    dump_episode,
    dump_show,
    episode_values,
    show_values,
    update_file,
)
from feedpub.validate.rules_sanity import is_placeholder

#: what makes TOML writers stumble: quotes of both kinds and in threes, backslashes,
#: newlines, U+007F (TOML requires it escaped), accents, emoji
TRICKY = ['"', "'", '"""', "'''", "\\", "\n", "\r\n", "\t", "\x7f", "é", "ß", "😀", "👩‍💻",
          "#", "=", "[x]", " "]
TEXT = st.lists(st.one_of(st.sampled_from(TRICKY),
                          st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=8)),
                max_size=6).map("".join)


def solid(text: str) -> bool:
    """A required text: not blank, already stripped (the loader strips titles), no
    placeholder (the loader refuses those where the feed rules do)."""
    return bool(text.strip()) and text == text.strip() and not is_placeholder(text)


REQUIRED_TEXT = TEXT.map(lambda t: "Show " + t.strip() + " end")
OPTIONAL_TEXT = st.one_of(st.none(), st.just(""), TEXT)
URL = st.text("abcxyz09-_é", min_size=1, max_size=10).map(lambda p: f"https://example.org/{p}")
CATEGORIES = st.lists(st.sampled_from(
    list(apple.CATEGORIES) +
    [f"{name} > {sub}" for name, subs in apple.CATEGORIES.items() for sub in subs]),
    min_size=1, max_size=3, unique=True)
PERSON = st.fixed_dictionaries({
    "name": REQUIRED_TEXT, "role": st.sampled_from(["host", "guest", "Producer"]),
    "group": st.sampled_from(["cast", "writing"]),
    "href": st.one_of(st.none(), URL), "img": st.one_of(st.none(), URL.map(lambda u: u + ".png")),
})

SHOW = st.fixed_dictionaries({
    "title": REQUIRED_TEXT, "description": REQUIRED_TEXT, "link": URL,
    "language": st.sampled_from(["fr", "en-us", "pt-BR", "haw"]), "author": REQUIRED_TEXT,
    "artwork": URL.map(lambda u: u + ".jpg"), "categories": CATEGORIES,
    "explicit": st.booleans(), "type": st.sampled_from(["episodic", "serial"]),
    "copyright": OPTIONAL_TEXT, "timezone": st.sampled_from(["Europe/Paris", "UTC",
                                                             "America/New_York"]),
    "feed_url": URL.map(lambda u: u + "/feed.xml"), "media_base_url": URL.map(lambda u: u + "/"),
    "owner": st.fixed_dictionaries({"name": REQUIRED_TEXT,
                                    "email": st.sampled_from(["a@example.org", "ü@x.org"])}),
    "podcast": st.fixed_dictionaries({
        "locked": st.booleans(), "medium": st.sampled_from(["podcast", "music", "audiobook"]),
        "funding": st.lists(st.fixed_dictionaries({"url": URL, "text": TEXT}), max_size=2),
        "persons": st.lists(PERSON, max_size=2),
    }),
})

EPISODE = st.fixed_dictionaries({
    "title": REQUIRED_TEXT,
    "date": st.one_of(
        st.dates(date(2000, 1, 1), date(2030, 12, 31)),
        st.datetimes(datetime(2000, 1, 1), datetime(2030, 12, 31)).map(
            lambda d: d.replace(microsecond=0, tzinfo=timezone(timedelta(hours=2))))),
    "audio": st.sampled_from(["ep.mp3", "https://media.example.org/é p.mp3", "../ep 2.m4a"]),
    "duration": st.one_of(st.none(), st.sampled_from(["45min", "4:12", "1h"]),
                          st.integers(1, 10_000)),
    "type": st.sampled_from(["full", "trailer", "bonus"]),
    "explicit": st.one_of(st.none(), st.booleans()),
    "guid": st.one_of(st.none(), REQUIRED_TEXT),
    "season": st.one_of(st.none(), st.integers(1, 1_000_000)),
    "number": st.integers(1, 1_000_000),
    "link": st.one_of(st.none(), URL),
    "image": st.one_of(st.none(), URL.map(lambda u: u + ".png")),
    "transcript_languages": st.one_of(st.none(), st.lists(st.sampled_from(["fr", "en"]),
                                                          min_size=1, unique=True)),
    "speakers": st.lists(PERSON.map(lambda p: {**p, "label": "Speaker #0"}), max_size=2),
})


def write(folder: Path, name: str, text: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(SHOW)
def test_any_show_written_and_read_back_is_the_same(values) -> None:
    assume(all(solid(values[k]) for k in ("title", "description", "author")))
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        text = dump_show(values)
        assert tomllib.loads(text)["title"] == values["title"]
        write(root, "podcast.toml", text)
        show = load_show(root)
        assert (show.title, show.description, show.author, show.copyright) == (
            values["title"], values["description"], values["author"], values["copyright"])
        assert show.owner.name == values["owner"]["name"]
        assert [c.name + (f" > {c.sub}" if c.sub else "") for c in show.categories] == \
            values["categories"]
        assert [(f.url, f.text) for f in show.funding] == [
            (f["url"], f["text"]) for f in values["podcast"]["funding"]]
        assert [dataclasses.asdict(p) for p in show.persons] == values["podcast"]["persons"]
        # and the model written back gives the same model again
        write(root, "podcast.toml", dump_show(show_values(show)))
        assert load_show(root) == show


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(EPISODE)
def test_any_episode_written_and_read_back_is_the_same(values) -> None:
    assume(solid(values["title"]) and (values["guid"] is None or solid(values["guid"])))
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write(root, "podcast.toml", SHOW_TOML)
        show = load_show(root)
        folder = root / "episodes" / "ep"
        write(folder, "episode.toml", dump_episode(values))
        write(folder, "description.md", "Notes é 😀")
        episode = load_episode(show, folder)
        assert episode.title == values["title"]
        assert (episode.season, episode.number, episode.link, episode.image) == (
            values["season"], values["number"], values["link"], values["image"])
        assert [s.name for s in episode.speakers] == [s["name"] for s in values["speakers"]]
        if values["guid"] is not None:
            assert episode.guid == values["guid"]
        write(folder, "episode.toml", dump_episode(episode_values(episode)))
        assert load_episode(show, folder) == episode


def test_new_writes_toml_that_tomllib_reads(make_show) -> None:
    title = 'Épisode "spécial" \x7f 😀 \\ fin'
    folder = new_episode(make_show.root, title, today=datetime(2025, 5, 13))
    text = (folder / "episode.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    assert data["title"] == title and data["date"] == date(2025, 5, 13)
    assert "# A permanent id: never change it once the episode is published.\nguid = " in text
    assert '# duration = "45min"' in text and "# [[speakers]]" in text


def test_update_file_keeps_comments_and_order(make_show) -> None:
    path = make_show.root / "podcast.toml"
    path.write_text("# my show\n" + SHOW_TOML.replace(
        'language = "fr"', 'language = "fr"  # French'), encoding="utf-8")
    new = update_file(path, {"title": "New \x7f title", "copyright": "Me", "timezone": None,
                             "podcast.locked": False})
    assert new.startswith('# my show\ntitle = "New \\u007f title"\n')
    assert 'language = "fr"  # French' in new and "timezone" not in new
    assert path.read_text(encoding="utf-8") == new
    show = load_show(make_show.root)
    assert (show.title, show.copyright, show.locked) == ("New \x7f title", "Me", False)


def test_update_file_refuses_a_change_the_schema_refuses(make_show) -> None:
    path = make_show.root / "podcast.toml"
    before = path.read_bytes()
    with pytest.raises(ConfigError) as info:
        update_file(path, {"language": "zz", "titel": "x"})
    assert [p.message for p in info.value.problems] == [
        "language: 'zz' is not a language code", "titel: unknown key (did you mean 'title'?)"]
    assert path.read_bytes() == before


def test_chapters_written_read_back(tmp_path: Path) -> None:
    from feedpub import chapters

    path = tmp_path / "chapters.toml"
    path.write_text(dump_chapters([{"start": "0:00", "title": 'Intro "é"'},
                                   {"start": 75.5, "title": "B\x7f", "toc": False}]),
                    encoding="utf-8")
    read = chapters.read(path)
    assert [(c.start, c.title, c.toc) for c in read] == [(0.0, 'Intro "é"', True),
                                                        (75.5, "B\x7f", False)]
