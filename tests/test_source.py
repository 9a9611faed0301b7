"""The schema of podcast.toml and episode.toml: unknown keys, value rules, lines, notes."""

from __future__ import annotations

import tomllib

import pytest

from feedpub.build import BuildError, build
from feedpub.config import load_show
from feedpub.errors import ConfigError
from feedpub.source.locate import lines
from feedpub.source.schema import PODCAST_TOML, Field, FileSchema, Table


def errors_of(root) -> list[str]:
    with pytest.raises((BuildError, ConfigError)) as info:
        build(root)
    return str(info.value).splitlines()


def show_errors(root) -> list[str]:
    with pytest.raises(ConfigError) as info:
        load_show(root)
    return str(info.value).replace(f"{root}/", "").splitlines()


@pytest.mark.parametrize("old, new, message", [
    ('title = "Test Show"', 'titel = "Test Show"',
     "podcast.toml:1: titel: unknown key (did you mean 'title'?)"),
    ('explicit = false', 'explict = false',
     "podcast.toml:8: explict: unknown key (did you mean 'explicit'?)"),
    ('language = "fr"', 'langauge = "fr"',
     "podcast.toml:4: langauge: unknown key (did you mean 'language'?)"),
    ('timezone = "Europe/Paris"', 'copyrite = "Me"',
     "podcast.toml:11: copyrite: unknown key (did you mean 'copyright'?)"),
    ('timezone = "Europe/Paris"', 'locked = false',
     "podcast.toml:11: locked: unknown key (did you mean '[podcast] locked'?)"),
    ('email = "owner@example.org"', 'email = "owner@example.org"\ntitle = "x"',
     "podcast.toml:16: owner.title: unknown key (did you mean 'title' at the top level "
     "(before any [table])?)"),
    ('[owner]', '[ownr]\nname = "x"\n\n[owner]',
     "podcast.toml:13: ownr: unknown key (did you mean 'owner'?)"),
    ('timezone = "Europe/Paris"', 'colour = "red"',
     "podcast.toml:11: colour: unknown key (expected one of the keys at the top level: title, "
     "description, link, language, author, artwork, categories, explicit, type, copyright, "
     "timezone, feed_url, media_base_url, media_dir, owner, podcast"),  # then other modules'
])
def test_unknown_show_keys(make_show, old: str, new: str, message: str) -> None:
    make_show.episode("ep")
    make_show.edit_show(old, new)
    assert any(line.startswith(message) for line in errors_of(make_show.root))


def test_top_level_locked_is_not_silently_ignored(make_show) -> None:
    make_show.episode("ep")
    make_show.edit_show('timezone = "Europe/Paris"', 'timezone = "Europe/Paris"\nlocked = false')
    with pytest.raises(ConfigError):
        load_show(make_show.root)


@pytest.mark.parametrize("extra, message", [
    ("seasn = 2\n", "episodes/ep/episode.toml:4: seasn: unknown key (did you mean 'season'?)"),
    ("nubmer = 2\n", "episodes/ep/episode.toml:4: nubmer: unknown key (did you mean 'number'?)"),
    ('[[speakers]]\nname = "A"\nlabl = "Speaker #0"\n',
     "episodes/ep/episode.toml:6: speakers.0.labl: unknown key (did you mean 'label'?)"),
    ('[[speaker]]\nname = "A"\n',
     "episodes/ep/episode.toml:4: speaker: unknown key (did you mean 'speakers'?)"),
])
def test_unknown_episode_keys(make_show, extra: str, message: str) -> None:
    make_show.episode("ep", extra=extra)
    assert message in errors_of(make_show.root)


@pytest.mark.parametrize("old, new, message", [
    ('language = "fr"', 'language = "zz"',
     "podcast.toml:4: language: 'zz' is not a language code (expected an ISO 639 code such "
     "as 'fr' or 'en-us' (hyphen, not underscore))"),
    ('email = "owner@example.org"', 'email = "podcast@trench-tech.f"',
     "podcast.toml:15: owner.email: 'podcast@trench-tech.f' is not an email address (expected "
     "an address directories can send a verification code to)"),
    ('link = "https://example.org/show"', 'link = "https://exa mple.org/"',
     "podcast.toml:3: link: 'https://exa mple.org/' is not an absolute URL (expected an "
     "address starting with https://)"),
    ('artwork = "https://media.example.org/cover.jpg"',
     'artwork = "https://media.example.org/cover.gif?v=2.jpg"',
     "podcast.toml:6: artwork: 'https://media.example.org/cover.gif?v=2.jpg' does not end in "
     ".jpg or .png (expected a JPEG or PNG image URL, as Apple requires)"),
    ('description = "A show made by the test suite."', 'description = "TODO"',
     "podcast.toml:2: description: 'TODO' looks like a placeholder (expected a real "
     "description: directories reject placeholder text)"),
    ('categories = ["Technology"]', 'categories = []',
     "podcast.toml:7: categories: is empty (expected a list such as [\"Technology\"])"),
    ('categories = ["Technology"]', 'categories = ["Technology", "Games & Hobbies"]',
     "podcast.toml:7: categories.1: 'Games & Hobbies' is an Apple Podcasts category retired "
     "in 2019 (its replacement is 'Leisure')"),
    ('categories = ["Technology"]', 'categories = [\n  "Technology",\n  "Tech",\n]',
     "podcast.toml:9: categories.1: 'Tech' is not an Apple Podcasts category (expected a name "
     "from Apple's list, e.g. 'Technology' or 'Society & Culture > Philosophy')"),
    ('artwork = "https://media.example.org/cover.jpg"', 'artwork = "cover.jpg"',
     "podcast.toml:6: artwork: 'cover.jpg': no such file in the show folder (expected an "
     "image URL, or the name of an image file beside podcast.toml)"),
    ('artwork = "https://media.example.org/cover.jpg"', 'artwork = "cover.webp"',
     "podcast.toml:6: artwork: 'cover.webp' does not end in .jpg or .png (expected a JPEG or "
     "PNG image, as Apple requires)"),
    ('timezone = "Europe/Paris"', 'type = "Serial"',
     "podcast.toml:11: type: got 'Serial' (expected 'episodic' or 'serial')"),
    ('timezone = "Europe/Paris"', 'media_dir = 3',
     "podcast.toml:11: media_dir: got 3 (expected a folder path for audio kept outside the "
     "repository)"),
    ('[owner]', '[podcast]\nmedium = "radio"\n\n[owner]',
     "podcast.toml:14: podcast.medium: got 'radio' (expected one of audiobook, blog, course, "
     "film, music, newsletter, podcast, publisher, video)"),
    ('[owner]', '[podcast]\nlocked_owner = "me@x"\n\n[owner]',
     "podcast.toml:14: podcast.locked_owner: 'me@x' is not an email address (expected an "
     "address directories can send a verification code to)"),
    ('[owner]', '[[podcast.funding]]\nurl = "http://example.org/give"\n\n[owner]',
     "podcast.toml:14: podcast.funding.0.url: 'http://example.org/give' is not https "
     "(expected an https:// address)"),
    ('[owner]', '[[podcast.persons]]\nname = "A"\nimg = "a.jpg"\n\n[owner]',
     "podcast.toml:15: podcast.persons.0.img: 'a.jpg' is not an absolute URL (expected an "
     "address starting with https://)"),
    ('[owner]', '[[podcast.funding]]\ntext = "Give"\n\n[owner]',
     "podcast.toml:13: podcast.funding.0.url is missing (expected a URL)"),
])
def test_values_the_validator_refuses_are_refused_at_their_line(
        make_show, old: str, new: str, message: str) -> None:
    make_show.episode("ep")
    make_show.edit_show(old, new)
    found = errors_of(make_show.root)
    assert message in found
    assert not any("feed.xml" in line for line in found)


@pytest.mark.parametrize("extra, message", [
    ('image = "https://example.org/art.gif"\n',
     "episodes/ep/episode.toml:4: image: 'https://example.org/art.gif' does not end in .jpg or "
     ".png (expected a JPEG or PNG image URL, as Apple requires)"),
    ('link = "example.org/ep"\n', "episodes/ep/episode.toml:4: link: 'example.org/ep' is not "
     "an absolute URL (expected an address starting with https://)"),
    ('number = 0\n', "episodes/ep/episode.toml:4: number: got 0 (expected a whole number from "
     "1 to 1,000,000)"),
    ('transcript_languages = ["fr", "english"]\n',
     "episodes/ep/episode.toml:4: transcript_languages.1: 'english' is not a language code "
     "(expected an ISO 639 code such as 'fr' or 'en-us' (hyphen, not underscore))"),
    ('[[speakers]]\nname = "A"\nhref = "http://example.org/a"\n',
     "episodes/ep/episode.toml:6: speakers.0.href: 'http://example.org/a' is not https "
     "(expected an https:// address)"),
    ('[[speakers]]\nname = ""\n',
     "episodes/ep/episode.toml:5: speakers.0.name: is empty (expected the speaker's name)"),
])
def test_bad_episode_values_at_their_line(make_show, extra: str, message: str) -> None:
    make_show.episode("ep", extra=extra)
    found = errors_of(make_show.root)
    assert message in found
    assert not any("feed.xml" in line for line in found)


def test_every_problem_in_one_run_in_line_order(make_show) -> None:
    make_show.episode("ep")
    make_show.edit_show('title = "Test Show"', 'titel = "Test Show"')
    make_show.edit_show('language = "fr"', 'language = "zz"')
    make_show.edit_show('email = "owner@example.org"', 'email = "owner@x.y"')
    assert [line.split(":")[1] for line in errors_of(make_show.root)] == [
        "1", "4", "15", " title is missing (expected the show's title)"]


def test_key_after_a_multiline_string_has_its_line(make_show) -> None:
    make_show.edit_show('description = "A show made by the test suite."',
                        'description = """A show\n[made] = by\n"the" test = suite."""')
    make_show.edit_show('language = "fr"', 'language = "fr_FR"')
    make_show.episode("ep")
    assert errors_of(make_show.root)[0].startswith("podcast.toml:6: language: 'fr_FR'")


def test_key_inside_an_inline_table_has_its_line(make_show) -> None:
    make_show.edit_show('[owner]\nname = "Owner Name"\nemail = "owner@example.org"\n',
                        'owner = {name = "Owner Name", email = "x"}\n')
    assert show_errors(make_show.root)[0].startswith(
        "podcast.toml:13: owner.email: 'x' is not an email")


def test_speakers_as_inline_tables(make_show) -> None:
    make_show.episode("ep", extra='speakers = [\n  {name = "A"},\n  {name = "B", role = 3},\n]\n')
    assert ("episodes/ep/episode.toml:6: speakers.1.role: got 3 (expected a Podcast Taxonomy "
            "role)") in errors_of(make_show.root)


def test_locator() -> None:
    text = ('a = """x\n[b]\nc = 1"""\n'
            "d = '''\n'''\n"
            '"e.f" = { g = 1, h = [1, {i = 2}] }\n'
            "j = [\n  1, # one\n  'two',\n]\n"
            "[[k]]\nl = 1\n[[k]]\n[[k.m]]\nn = 1979-05-27 07:32:00Z  # a date\n"
            "[k.o]\np.q = 1\n")
    tomllib.loads(text)
    found = lines(text)
    assert found[("a",)] == 1 and ("b",) not in found and ("c",) not in found
    assert found[("d",)] == 4
    assert found[("e.f", "g")] == 6 and found[("e.f", "h", 1, "i")] == 6
    assert found[("j", 0)] == 8 and found[("j", 1)] == 9
    assert found[("k", 0)] == 11 and found[("k", 0, "l")] == 12 and found[("k", 1)] == 13
    assert found[("k", 1, "m", 0)] == 14 and found[("k", 1, "m", 0, "n")] == 15
    assert found[("k", 1, "o", "p", "q")] == 17


def test_description_html_is_accepted_and_sanitised(make_show) -> None:
    folder = make_show.episode("ep", description=None)
    (folder / "description.html").write_text(
        '<p>Hi <a href="https://example.org" onclick="x()">there</a></p><script>alert(1)'
        '</script><a href="javascript:alert(1)">no</a><div>kept text</div>', encoding="utf-8")
    feed = build(make_show.root).feed
    assert b"Hi <a href=\"https://example.org\">there</a></p><a>no</a>kept text" in feed
    assert b"alert" not in feed and b"onclick" not in feed


def test_description_html_and_markdown_share_one_sanitiser(make_show) -> None:
    """description.html goes through the same nh3 allow-list as rendered Markdown."""
    notes = ('<ol start="3"><li>one<li>two</ol><p>x<sup>2</sup> <u>u</u> <del>old</del> '
             '<img src="https://example.org/a.png" onerror="alert(1)"></p>'
             '<iframe src="https://example.org/">framed</iframe><object>plugin</object>'
             '<template><p>hidden</p></template><style>p {}</style>')
    make_show.episode("md", description=notes)
    folder = make_show.episode("html", description=None)
    (folder / "description.html").write_text(notes, encoding="utf-8")
    feed = build(make_show.root).feed.decode()
    want = ('<ol start="3"><li>one</li><li>two</li></ol><p>x<sup>2</sup> <u>u</u> '
            '<del>old</del> </p>')
    assert feed.count(want) == 4  # description and content:encoded of both episodes
    for gone in ("<img", "onerror", "framed", "plugin", "hidden", "p {}"):
        assert gone not in feed


def test_description_md_and_html_together_is_an_error(make_show) -> None:
    folder = make_show.episode("ep")
    (folder / "description.html").write_text("<p>Notes</p>", encoding="utf-8")
    assert errors_of(make_show.root) == [
        "episodes/ep/description.html: both description.md and description.html exist "
        "(expected one file of show notes)",
        "  hint: keep one: description.html is what an import wrote"]


def test_another_module_adds_a_table(make_show) -> None:
    schema = FileSchema("x.toml", "test")
    schema.add(Table("", "top", (Field("a", "text", "an a"),)))
    table = schema.add(Table("extra", "more", (Field("b", "int", "a b", default=2),)))
    assert schema.children("") == [table]
    with pytest.raises(ValueError):
        schema.add(Table("extra", "again", ()))
    with pytest.raises(ValueError):
        schema.add(Table("nowhere.x", "no parent", ()))
    # a table declared for podcast.toml reaches Show.settings, defaults filled in
    PODCAST_TOML.add(Table("testing", "a table only this test declares", (
        Field("target", "text", "where to", required=True),
        Field("keep", "bool", "keep old files", default=False),
    )))
    try:
        make_show.edit_show("[owner]", '[testing]\ntarget = "here"\n\n[owner]')
        show = load_show(make_show.root)
        assert show.settings == {"testing": {"target": "here", "keep": False}}
        make_show.edit_show('target = "here"', 'targt = "here"')
        assert show_errors(make_show.root) == [
            "podcast.toml:13: testing.target is missing (expected where to)",
            "podcast.toml:14: testing.targt: unknown key (did you mean 'target'?)"]
    finally:
        del PODCAST_TOML.tables["testing"]


def test_readme_key_reference_matches_the_schema() -> None:
    from pathlib import Path

    from feedpub.source import reference

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    assert reference.section(readme) == reference.markdown(), (
        "README's key reference is out of date: run "
        "python -m feedpub.source.reference --write README.md")


def test_key_reference_lists_every_key_and_table() -> None:
    from feedpub.source import reference
    from feedpub.source.schema import schema_for

    text = reference.markdown()
    for name in reference.FILES:
        for table in schema_for(name):
            assert not table.name or f"**`{table.header}`**" in text
            for f in table.fields:
                assert f"| `{f.key}` |" in text
    # a key removed from the schema is gone from the reference (and the README test fails)
    root = PODCAST_TOML.tables[""]
    PODCAST_TOML.tables[""] = Table("", root.doc, root.fields[:1])
    try:
        assert "| `description` |" not in reference.markdown()
    finally:
        PODCAST_TOML.tables[""] = root
    assert "| `description` |" in reference.markdown()


def test_chapters_reader_knows_the_schema_keys() -> None:
    from feedpub.chapters import tomlfmt
    from feedpub.source.schema import CHAPTERS_TOML

    assert tomlfmt.TOML_KEYS == {f.key for f in CHAPTERS_TOML.tables["chapters"].fields}


def test_chapters_lines_after_a_multiline_title_and_top_level_typos(tmp_path) -> None:
    from feedpub import chapters
    from feedpub.errors import TranscriptError

    path = tmp_path / "chapters.toml"
    path.write_text('[[chapter]]\nstart = 0\n\n[[chapters]]\nstart = 0\ntitle = """A\n'
                    '[[chapters]]\n"""\n\n[[chapters]]\ntitle = "no start"\n', encoding="utf-8")
    with pytest.raises(TranscriptError) as info:
        chapters.read(path)
    assert [str(p).replace(f"{tmp_path}/", "") for p in info.value.problems] == [
        "chapters.toml:1: unknown key 'chapter' (expected only [[chapters]] tables)\n"
        "  hint: did you mean 'chapters'?",
        "chapters.toml:10: chapter 2: start is missing "
        '(expected seconds (12.5) or a clock time ("1:02:03.5"))']


def test_lines_of_a_file_with_windows_line_ends(make_show) -> None:
    path = make_show.root / "podcast.toml"
    text = path.read_text(encoding="utf-8").replace('language = "fr"', 'language = "zz"')
    path.write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    assert show_errors(make_show.root)[0].startswith("podcast.toml:4: language: 'zz'")
