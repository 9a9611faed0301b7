"""feedpub.spec: one copy of each format fact, and the loaders refuse what the validator does."""

from __future__ import annotations

import typing

import pytest

from feedpub import spec
from feedpub.build import BuildError, build
from feedpub.config import load_show
from feedpub.errors import ConfigError
from feedpub.model import CacheClass
from feedpub.validate import values


def errors_of(root) -> list[str]:
    with pytest.raises((BuildError, ConfigError)) as info:
        build(root)
    return str(info.value).splitlines()


@pytest.mark.parametrize("old, new, message", [
    ('language = "fr"', 'language = "zz"',
     "podcast.toml:4: language: 'zz' is not a language code (expected an ISO 639 code "
     "such as 'fr' or 'en-us' (hyphen, not underscore))"),
    ('email = "owner@example.org"', 'email = "podcast@trench-tech.f"',
     "podcast.toml:15: owner.email: 'podcast@trench-tech.f' is not an email address "
     "(expected an address directories can send a verification code to)"),
    ('categories = ["Technology"]', 'categories = ["News & Politics"]',
     "podcast.toml:7: categories.0: 'News & Politics' is an Apple Podcasts category retired "
     "in 2019 (its replacement is 'News')"),
    ('categories = ["Technology"]', 'categories = ["Travel"]',
     "podcast.toml:7: categories.0: 'Travel' is an Apple Podcasts category retired in 2019 "
     "(its replacement is 'Society & Culture > Places & Travel')"),
])
def test_loader_refuses_what_the_validator_refuses(make_show, old: str, new: str,
                                                   message: str) -> None:
    make_show.episode("ep")
    make_show.edit_show(old, new)
    errors = errors_of(make_show.root)
    assert message in errors
    assert not any("feed.xml" in line for line in errors)


def test_empty_category_gets_no_spelling_suggestion(make_show) -> None:
    make_show.edit_show('categories = ["Technology"]', 'categories = [""]')
    errors = errors_of(make_show.root)
    assert any(line.startswith("podcast.toml:7: categories.0: '' is not an Apple Podcasts "
                               "category") for line in errors)
    assert not any("did you mean" in line for line in errors)


@pytest.mark.parametrize("code", ["fr", "en-us", "EN-GB", "pt-BR", "haw"])
def test_language_codes_both_accept(make_show, code: str) -> None:
    assert spec.language_problem(code) is None
    make_show.edit_show('language = "fr"', f'language = "{code}"')
    assert load_show(make_show.root).language == code


def test_validator_reads_the_same_functions() -> None:
    assert values.language_problem is spec.language_problem
    assert values.is_email is spec.is_email
    assert values.podcast_guid_for("https://podnews.net/rss") == \
        "9b024349-ccf0-5f69-a609-6b82873eab3c"


def test_service_slugs_are_the_official_list() -> None:
    assert len(spec.SERVICE_SLUGS) == 58
    assert {"tiktok", "audible", "facebook", "youtube", "apple", "spotify"} <= spec.SERVICE_SLUGS
    # spellings that are not slugs of the official list
    assert not {"relayfm", "rss.com", "podcasts.com", "resonate", "itunes"} & spec.SERVICE_SLUGS


def test_one_medium_list() -> None:
    assert len(spec.CONTENT_MEDIUMS) == 9
    assert len(spec.MEDIUMS) == 19
    assert {"podcastL", "musicL", "mixed"} <= spec.MEDIUMS


def test_a_list_medium_is_refused_for_a_show_with_episodes(make_show) -> None:
    make_show.edit_show("[owner]", '[podcast]\nmedium = "podcastL"\n\n[owner]')
    errors = errors_of(make_show.root)
    assert any("podcast.medium: got 'podcastL'" in line for line in errors), errors


@pytest.mark.parametrize("name, mime", [
    ("ep.mp3", "audio/mpeg"), ("a/b/ep.M4A", "audio/x-m4a"), ("t.vtt", "text/vtt"),
    ("t.srt", "application/x-subrip"), ("x.json", "application/json"),
    ("index.html", "text/html"), ("cover.jpg", "image/jpeg"), ("cover.png", "image/png"),
    ("site.css", "text/css"), ("app.js", "text/javascript"),
    ("https://h.example/x.mp3?token=1", "audio/mpeg"), ("dir.v2/README", "application/octet-stream"),
])
def test_mime_for(name: str, mime: str) -> None:
    assert spec.mime_for(name) == mime


def test_cache_control_for_every_cache_class() -> None:
    assert set(spec.CACHE_CONTROL) == set(typing.get_args(CacheClass))
    assert "immutable" in spec.CACHE_CONTROL["media"]
    assert spec.CACHE_CONTROL["feed"] == "public, max-age=300"


def test_obsolete_categories_are_not_current_names() -> None:
    current = set(spec.CATEGORIES) | {s for subs in spec.CATEGORIES.values() for s in subs}
    assert not set(spec.OBSOLETE_CATEGORIES) & current
    for replacement in spec.OBSOLETE_CATEGORIES.values():
        name, _, sub = (p.strip() for p in replacement.partition(">"))
        assert spec.check_category(name, sub or None) is None, replacement
