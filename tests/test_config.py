"""podcast.toml and episode.toml: every bad input gets file, line, field and expectation."""

from __future__ import annotations

import pytest

from feedpub.build import BuildError, build
from feedpub.config import load_show, podcast_guid
from feedpub.errors import ConfigError


def errors_of(root) -> str:
    with pytest.raises((BuildError, ConfigError)) as info:
        build(root)
    return str(info.value)


def test_podcast_guid_matches_the_spec_examples() -> None:
    assert podcast_guid("https://podnews.net/rss") == "9b024349-ccf0-5f69-a609-6b82873eab3c"
    assert podcast_guid("http://mp3s.nashownotes.com/pc20rss.xml/") == \
        "917393e3-1b1e-5cef-ace4-edaa54e1f810"


def test_show_defaults(make_show) -> None:
    show = load_show(make_show.root)
    assert show.timezone == "Europe/Paris" and show.type == "episodic"
    assert show.locked and show.locked_owner == "owner@example.org"
    assert show.podcast_guid == podcast_guid("https://feeds.example.org/show/feed.xml")
    assert show.layout.site_url == "https://feeds.example.org/show/"


def test_no_podcast_toml(tmp_path) -> None:
    with pytest.raises(ConfigError) as info:
        load_show(tmp_path)
    assert str(info.value) == (f"{tmp_path}/podcast.toml: no podcast.toml here\n"
                               "  hint: run feedpub in the show folder, or pass -C DIR")


def test_toml_syntax_error_has_line(make_show) -> None:
    make_show.edit_show('author = "Test Author"', 'author = "Test Author')
    assert errors_of(make_show.root).startswith("podcast.toml:5: invalid TOML: ")


@pytest.mark.parametrize("line, hint", [
    ('date = 2025-13-05', "hint: 2025-13-05 is not a real date: write it as YYYY-MM-DD"),
    ('date = 2025-5-13', "hint: 2025-5-13 is not a real date: write it as YYYY-MM-DD"),
    ('explicit = False', "hint: write explicit = true or explicit = false (lower case"),
    ('title = Night Owls # the show', 'hint: text is written in quotes: title = "Night Owls"'),
    ('title = Say "hi"', "hint: text is written in quotes: title = 'Say \"hi\"'"),
])
def test_a_toml_mistake_gets_the_usual_fix(make_show, line: str, hint: str) -> None:
    make_show.episode("ep", toml=f'title = "Ep"\naudio = "ep.mp3"\n{line}\n'
                      if not line.startswith("title") else f'{line}\ndate = "2025-05-13"\n'
                      'audio = "ep.mp3"\n')
    errors = errors_of(make_show.root).splitlines()
    where = 3 if not line.startswith("title") else 1
    assert errors[0].startswith(f"episodes/ep/episode.toml:{where}: invalid TOML: "), errors
    assert errors[1].strip().startswith(hint), errors


@pytest.mark.parametrize("old, new, message", [
    ('language = "fr"', 'language = "fr_FR"',
     "podcast.toml:4: language: 'fr_FR' is not a language code (expected an ISO 639 code "
     "such as 'fr' or 'en-us' (hyphen, not underscore))"),
    ('categories = ["Technology"]', 'categories = ["Tech"]',
     "podcast.toml:7: categories.0: 'Tech' is not an Apple Podcasts category (expected a name "
     "from Apple's list, e.g. 'Technology' or 'Society & Culture > Philosophy')"),
    ('categories = ["Technology"]', 'categories = ["technology"]',
     "podcast.toml:7: categories.0: 'technology' is not an Apple Podcasts category "
     "(did you mean 'Technology'?)"),
    ('categories = ["Technology"]', 'categories = ["Technolgy"]',
     "podcast.toml:7: categories.0: 'Technolgy' is not an Apple Podcasts category "
     "(did you mean 'Technology'?)"),
    ('categories = ["Technology"]', 'categories = ["Arts > Book"]',
     "podcast.toml:7: categories.0: 'Book' is not a subcategory of 'Arts' (did you mean "
     "'Books'? allowed: Books, Design, Fashion & Beauty, Food, Performing Arts, Visual Arts)"),
    ('categories = ["Technology"]', 'categories = ["Arts > Podcasting"]',
     "podcast.toml:7: categories.0: 'Podcasting' is not a subcategory of 'Arts' (allowed: "
     "Books, Design, Fashion & Beauty, Food, Performing Arts, Visual Arts)"),
    ('explicit = false', 'explicit = "no"',
     "podcast.toml:8: explicit: got 'no' (expected true or false)"),
    ('artwork = "https://media.example.org/cover.jpg"',
     'artwork = "https://media.example.org/cover.webp"',
     "podcast.toml:6: artwork: 'https://media.example.org/cover.webp' does not end in .jpg "
     "or .png (expected a JPEG or PNG image URL, as Apple requires)"),
    ('feed_url = "https://feeds.example.org/show/feed.xml"', 'feed_url = "feed.xml"',
     "podcast.toml:9: feed_url: 'feed.xml' is not an absolute URL (expected an address "
     "starting with https://)"),
    ('timezone = "Europe/Paris"', 'timezone = "Paris"',
     "podcast.toml:11: timezone: unknown time zone 'Paris' (expected an IANA time zone "
     "such as 'Europe/Paris')"),
    ('email = "owner@example.org"', 'email = "owner"',
     "podcast.toml:15: owner.email: 'owner' is not an email address (expected an address "
     "directories can send a verification code to)"),
    ('title = "Test Show"\n', '',
     "podcast.toml: title is missing (expected the show's title)"),
])
def test_bad_show_fields(make_show, old: str, new: str, message: str) -> None:
    make_show.episode("ep")
    make_show.edit_show(old, new)
    assert message in errors_of(make_show.root).splitlines()


def test_several_show_problems_at_once(make_show) -> None:
    make_show.edit_show('language = "fr"', 'language = "French"')
    make_show.edit_show('explicit = false', 'explicit = "yes"')
    lines = errors_of(make_show.root).splitlines()
    assert [line.split(":")[1] for line in lines] == ["4", "8"]


def test_persons_and_funding(make_show) -> None:
    make_show.root.joinpath("podcast.toml").write_text(
        make_show.root.joinpath("podcast.toml").read_text() + """
[podcast]
medium = "music"
guid = "not-a-uuid"

[[podcast.funding]]
url = "/donate"

[[podcast.persons]]
role = "host"
""", encoding="utf-8")
    lines = errors_of(make_show.root).splitlines()
    assert lines == [
        "podcast.toml:19: podcast.guid: 'not-a-uuid' is not a UUID (expected a UUID (8-4-4-4-12 hex))",
        "podcast.toml:22: podcast.funding.0.url: '/donate' is not an absolute URL (expected an "
        "address starting with https://)",
        "podcast.toml:24: podcast.persons.0.name is missing (expected the person's name)",
    ]


@pytest.mark.parametrize("extra, message", [
    ('season = "two"\n', "episodes/ep/episode.toml:4: season: got 'two' (expected a whole number above 0)"),
    ('type = "special"\n', "episodes/ep/episode.toml:4: type: got 'special' (expected full, trailer or bonus)"),
    ('duration = "about 4 minutes"\n',
     "episodes/ep/episode.toml:4: duration: 'about 4 minutes' is not a duration (expected "
     "seconds (252), a clock (4:12) or '04min')"),
    ('guid = ""\n', "episodes/ep/episode.toml:4: guid: is empty (expected a permanent unique id)"),
    ('explicit = "clean"\n', "episodes/ep/episode.toml:4: explicit: got 'clean' (expected true or false)"),
    ('[[speakers]]\nrole = "guest"\n',
     "episodes/ep/episode.toml:4: speakers.0.name is missing (expected the speaker's name)"),
])
def test_bad_episode_fields(make_show, extra: str, message: str) -> None:
    make_show.episode("ep", extra=extra)
    assert message in errors_of(make_show.root).splitlines()


def test_episode_date_forms(make_show) -> None:
    make_show.episode("a", date="05/13/2025")
    make_show.episode("b", toml='title = "B"\naudio = "b.mp3"\n')
    lines = errors_of(make_show.root).splitlines()
    assert lines == [
        "episodes/a/episode.toml:2: date: '05/13/2025' has no month 13 (it looks like "
        "MM/DD/YYYY) (expected YYYY-MM-DD, an ISO 8601 date-time or DD/MM/YYYY)",
        "episodes/b/episode.toml: date is missing (expected the publication date, e.g. "
        "2025-05-13 or 13/05/2025)",
    ]


def test_missing_description_and_bad_folder_name(make_show) -> None:
    make_show.episode("Bad Name", description=None)
    lines = errors_of(make_show.root).splitlines()
    assert lines == [
        "episodes/Bad Name: folder name 'Bad Name' is not usable in URLs (expected lower-case "
        "ASCII letters, digits, '-', '_' or '.')",
        "episodes/Bad Name/description.md: missing description.md (expected show notes in Markdown)",
    ]


def test_serial_show_needs_numbers(make_show) -> None:
    make_show.edit_show('explicit = false', 'explicit = false\ntype = "serial"')
    make_show.episode("ep")
    assert "episodes/ep/episode.toml: number is missing (expected an episode number: serial " \
        "shows need one on every episode)" in errors_of(make_show.root)


def test_folder_without_episode_toml(make_show) -> None:
    (make_show.root / "episodes" / "draft").mkdir(parents=True)
    assert errors_of(make_show.root) == (
        'episodes/draft/episode.toml: episode folder has no episode.toml\n'
        '  hint: create one with: feedpub new "Title"')


def test_show_without_episodes(make_show) -> None:
    assert errors_of(make_show.root) == (
        'episodes: the show has no episodes\n  hint: create one with: feedpub new "Title"')


@pytest.mark.parametrize("extra, message", [
    ('date = "2025-03-30T02:30:00"\n', "episodes/ep/episode.toml:2: date: 2025-03-30 02:30:00 "
     "does not exist or happens twice in Europe/Paris (a daylight saving change); give the "
     "UTC offset"),
    ("duration = inf\n", "episodes/ep/episode.toml:4: duration: 'inf' is not a plausible number "
     "of seconds"),
    ("number = 99999999999999\n", "episodes/ep/episode.toml:4: number: got 99999999999999 "
     "(expected a whole number from 1 to 1,000,000)"),
    ('link = "javascript:alert(1)"\n', "episodes/ep/episode.toml:4: link: 'javascript:alert(1)' "
     "is not an absolute URL (expected an address starting with https://)"),
    ('title2 = 1\n[[speakers]]\nname = "Bell\\u0007"\n', "episodes/ep/episode.toml:6: "
     "speakers.0.name: contains a control character XML cannot carry (expected the speaker's "
     "name)"),
])
def test_more_bad_episode_values(make_show, extra: str, message: str) -> None:
    toml = 'title = "T"\ndate = "2025-05-13"\naudio = "ep.mp3"\n'
    if extra.startswith("date"):
        toml = toml.replace('date = "2025-05-13"\n', extra)
    else:
        toml += extra
    make_show.episode("ep", toml=toml)
    assert any(line.startswith(message) for line in errors_of(make_show.root).splitlines())


def test_podcast_guid_must_be_plain_uuid(make_show) -> None:
    make_show.edit_show("[owner]", '[podcast]\nguid = "urn:uuid:917393E3-1B1E-5CEF-ACE4-EDAA54E1F810"'
                        "\n\n[owner]")
    make_show.episode("ep")
    assert errors_of(make_show.root).startswith("podcast.toml:14: podcast.guid: ")


def test_feed_url_without_path_puts_transcripts_under_the_host(make_show) -> None:
    make_show.edit_show('feed_url = "https://feeds.example.org/show/feed.xml"',
                        'feed_url = "https://feeds.example.org"')
    folder = make_show.episode("ep")
    (folder / "transcript.txt").write_text("Speaker #0\nHi.\n", encoding="utf-8")
    feed = build(make_show.root).feed
    assert b'url="https://feeds.example.org/ep/transcript.fr.html"' in feed
