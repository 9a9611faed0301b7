"""The show's website as ``feedpub build`` writes it: pages, escaping, host files, themes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import html5lib
import pytest
from click.testing import CliRunner
from lxml import etree

from conftest import SAMPLE_SLUG, ShowMaker
from feedpub.build import build
from feedpub.cli import cli
from feedpub.errors import ConfigError
from feedpub.layout import Layout
from feedpub.model import Output

XHTML = "{http://www.w3.org/1999/xhtml}"


def strict_parse(data: bytes, name: str) -> etree._Element:
    """Parse as HTML5 in html5lib's strict mode: any parse error fails the test."""
    parser = html5lib.HTMLParser(strict=True, tree=html5lib.getTreeBuilder("lxml"))
    try:
        doc = parser.parse(data, transport_encoding="utf-8")
    except html5lib.html5parser.ParseError as err:
        raise AssertionError(f"{name}: not valid HTML5: {err}") from None
    root: etree._Element = doc.getroot()
    return root


def find_all(root: etree._Element, tag: str) -> list[etree._Element]:
    return list(root.iter(XHTML + tag))


def text_of(el: etree._Element) -> str:
    return re.sub(r"[ \t\r\n]+", " ", "".join(el.itertext())).strip()  # keeps no-break spaces


def site_of(root: Path) -> list[Output]:
    return [o for o in build(root).outputs if o.kind in {"page", "asset", "host-config"}]


def pages_of(site: list[Output]) -> dict[str, Output]:
    return {o.path: o for o in site if o.kind == "page"}


@pytest.fixture(scope="module")
def sample_site(tmp_path_factory: pytest.TempPathFactory) -> list[Output]:
    import shutil

    from conftest import REPO

    root = tmp_path_factory.mktemp("site") / "trench-tech"
    root.mkdir()
    shutil.copy(REPO / "podcast.toml", root)
    shutil.copy(REPO / "feedpub.lock", root)
    shutil.copytree(REPO / "episodes", root / "episodes")
    return site_of(root)


def test_every_page_is_valid_html5_with_lang_feed_link_canonical_and_social_tags(
        sample_site: list[Output]) -> None:
    pages = pages_of(sample_site)
    assert {"index.html", f"{SAMPLE_SLUG}/index.html", f"{SAMPLE_SLUG}/embed.html"} <= set(pages)
    for path, page in pages.items():
        root = strict_parse(page.read(), path)
        assert root.get("lang") == "fr"
        links = {(link.get("rel"), link.get("type")): link.get("href")
                 for link in find_all(root, "link")}
        assert links[("alternate", "application/rss+xml")] == \
            "https://feeds.trench-tech.fr/feed.xml"
        canonical = links[("canonical", None)]
        assert canonical.startswith("https://feeds.trench-tech.fr/")
        meta = {m.get("property") or m.get("name"): m.get("content")
                for m in find_all(root, "meta")}
        assert meta["og:url"] == canonical and meta["og:title"] and meta["og:image"]
        assert meta["twitter:card"] == "summary" and meta["viewport"].startswith("width=")
        assert meta["og:locale"] == "fr_FR"
        ld = [s for s in find_all(root, "script") if s.get("type") == "application/ld+json"]
        data = json.loads(ld[0].text)
        assert data["@type"] in {"PodcastEpisode", "PodcastSeries"}
        for el in [*find_all(root, "script"), *find_all(root, "link"), *find_all(root, "img")]:
            src = el.get("src") or (el.get("href") if el.get("rel") == "stylesheet" else None)
            assert src is None or not src.startswith(("http:", "https:", "//")) \
                or src.startswith("https://media.trench-tech.fr/"), (path, src)


def test_episode_page_says_date_and_duration_in_french_with_transcript_turns(
        sample_site: list[Output]) -> None:
    root = strict_parse(pages_of(sample_site)[f"{SAMPLE_SLUG}/index.html"].read(), "episode")
    main = text_of(next(iter(find_all(root, "main"))))
    assert "Tech entre les lignes - La complexe chaine de valeur de l'iA" in main
    assert "13 mai 2025 · 4\xa0min" in main  # Babel's French, with its no-break space
    turns = [li for li in find_all(root, "li") if li.get("class") == "turn"]
    assert len(turns) > 5
    speakers = [text_of(p) for li in turns for p in li if p.get("class") == "speaker"]
    assert speakers[:3] == ["Julien Pillot", "Trench Tech", "Louis de Diesbach"]
    assert not any("Speaker #" in text_of(li) for li in turns)
    show = strict_parse(pages_of(sample_site)["index.html"].read(), "show")
    assert [text_of(b) for b in find_all(show, "button")] == ["Copier"]
    audio = next(iter(find_all(root, "audio")))
    assert audio.get("src") == ("https://media.trench-tech.fr/episodes/"
                                "tech-entre-les-lignes-chaine-de-valeur-ia.mp3")
    assert any(a.get("download") is not None for a in find_all(root, "a"))
    files = {a.get("href") for a in find_all(root, "a") if a.get("hreflang")}
    assert files == {f"../{SAMPLE_SLUG}/transcript.fr.html",
                     f"../{SAMPLE_SLUG}/transcript.fr.txt"}
    ld = json.loads(next(s for s in find_all(root, "script")
                         if s.get("type") == "application/ld+json").text)
    assert ld["timeRequired"] == "PT4M12S" and ld["partOfSeries"]["name"] == "Trench Tech"


def test_host_configuration_covers_feed_transcripts_and_pages(sample_site: list[Output]) -> None:
    files = {o.path: o.read().decode("utf-8") for o in sample_site if o.kind == "host-config"}
    assert set(files) == {".nojekyll", "_headers", "_redirects", "host/s3-cors.json",
                          "host/nginx.conf"}
    headers = files["_headers"]
    block = headers.split("/feed.xml\n", 1)[1].split("\n/", 1)[0]
    assert "Content-Type: application/rss+xml; charset=utf-8" in block
    assert "Access-Control-Allow-Origin: *" in block
    block = headers.split("/:slug/transcript.fr.html\n", 1)[1].split("\n/", 1)[0]
    assert "Access-Control-Allow-Origin: *" in block and "max-age=3600" in block
    assert len(re.findall(r"^/", headers, re.M)) <= 100  # Cloudflare Pages' limit
    cors = json.loads(files["host/s3-cors.json"])
    assert "Range" in cors["CORSRules"][0]["AllowedHeaders"]
    assert "location = /feed.xml" in files["host/nginx.conf"]


def hostile_show(make_show: ShowMaker) -> Path:
    evil = "<script>alert(1)</script>"
    make_show.edit_show('title = "Test Show"', f'title = "Show {evil}"')
    make_show.episode("evil", toml=f'title = "Title {evil}"\ndate = "2025-05-13"\n'
                      'audio = "evil.mp3"\n',
                      description=f"Notes {evil} and <img src=x onerror=alert(2)> "
                      "[link](javascript:alert(3))")
    (make_show.root / "episodes" / "evil" / "transcript.txt").write_text(
        f"Speaker #0\nHello {evil}\n\nSpeaker #1\n</p><script>alert(4)</script>\n",
        encoding="utf-8")
    return make_show.root


def test_script_in_title_description_and_transcript_comes_out_inert(
        make_show: ShowMaker) -> None:
    site = site_of(hostile_show(make_show))
    for path, page in pages_of(site).items():
        root = strict_parse(page.read(), path)
        scripts = find_all(root, "script")
        for script in scripts:  # only ours: structured data and the site's own file
            assert script.get("type") == "application/ld+json" or \
                script.get("src", "").startswith("../assets/site.js") or \
                script.get("src", "").startswith("assets/site.js"), (path, script.attrib)
            assert "alert" not in (script.text or "") or script.get("type") == \
                "application/ld+json"
        for el in root.iter():
            if not isinstance(el.tag, str):
                continue
            for name, value in el.attrib.items():
                assert not name.startswith("on"), (path, el.tag, name)
                assert not value.strip().lower().startswith("javascript:"), (path, value)
            assert el.tag != XHTML + "img" or el.get("src") != "x"
        text = page.read().decode("utf-8")
        assert "<script>alert" not in text and "</script>alert" not in text
    episode = strict_parse(pages_of(site)["evil/index.html"].read(), "evil")
    assert "Title <script>alert(1)</script>" in text_of(next(iter(find_all(episode, "h1"))))
    ld = next(s for s in find_all(episode, "script") if s.get("type") == "application/ld+json")
    assert "<" not in ld.text and json.loads(ld.text)["name"] == "Title <script>alert(1)</script>"
    said = [text_of(p) for p in find_all(episode, "p") if p.get("class") == "said"]
    assert said == ["Hello <script>alert(1)</script>", "</p><script>alert(4)</script>"]


def test_sub_path_links_are_relative_and_pages_paginate(make_show: ShowMaker) -> None:
    make_show.edit_show('timezone = "Europe/Paris"',
                        'timezone = "Europe/Paris"\n\n[site]\nper_page = 2\n'
                        '[[site.subscribe]]\nname = "Apple Podcasts"\n'
                        'url = "https://podcasts.example.org/show"\n')
    for n in range(1, 6):
        make_show.episode(f"ep{n}", date=f"2025-05-{n:02d}", seconds=1.0)
    site = site_of(make_show.root)
    pages = pages_of(site)
    assert {"index.html", "page/2/index.html", "page/3/index.html"} <= set(pages)
    assert not any(o.path.startswith("page/4") for o in site)
    first = strict_parse(pages["index.html"].read(), "index")
    lists = {ol.get("class"): [a.get("href") for a in ol.iter(XHTML + "a")]
             for ol in [*find_all(first, "ol"), *find_all(first, "ul")]}
    assert lists["episode-list"] == ["ep5/", "ep4/"]  # newest first
    assert lists["apps"] == ["https://podcasts.example.org/show"]
    assert [a.get("href") for a in find_all(first, "a") if a.get("rel") == "next"] == \
        ["page/2/"]
    second = strict_parse(pages["page/2/index.html"].read(), "page 2")
    hrefs = {a.get("href") for a in find_all(second, "a")}
    assert {"../../", "../../ep3/", "../../ep2/", "../../page/3/"} <= hrefs
    css = [link.get("href") for link in find_all(second, "link")
           if link.get("rel") == "stylesheet"]
    assert css[0].startswith("../../assets/style.css?v=")
    canonical = [link.get("href") for link in find_all(second, "link")
                 if link.get("rel") == "canonical"]
    assert canonical == ["https://feeds.example.org/show/page/2/"]
    headers = next(o for o in site if o.path == "_headers").read().decode()
    assert "/show/feed.xml\n" in headers and "/show/:slug/" in headers


def test_theme_folder_overrides_a_template_and_adds_a_static_file(make_show: ShowMaker) -> None:
    make_show.episode("one")
    theme = make_show.root / "theme"
    (theme / "templates").mkdir(parents=True)
    (theme / "static").mkdir()
    (theme / "templates" / "social.html").write_text(
        '<meta name="x-theme" content="{{ show.title }}">\n', encoding="utf-8")
    (theme / "static" / "style.css").write_text("body { color: red; }\n", encoding="utf-8")
    (theme / "static" / "logo.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>",
                                               encoding="utf-8")
    site = site_of(make_show.root)
    by_path = {o.path: o for o in site}
    assert by_path["assets/style.css"].read() == b"body { color: red; }\n"
    assert by_path["assets/logo.svg"].mime == "image/svg+xml"
    assert "assets/site.js" in by_path  # not overridden: feedpub's own
    page = by_path["one/index.html"].read().decode()
    assert '<meta name="x-theme" content="Test Show">' in page
    assert "og:title" not in page


def test_bad_site_table_is_a_config_error_naming_the_key(make_show: ShowMaker) -> None:
    make_show.episode("one")
    make_show.edit_show('timezone = "Europe/Paris"',
                        'timezone = "Europe/Paris"\n[site]\nper_page = 0\nserch = true\n')
    with pytest.raises(ConfigError) as err:
        build(make_show.root)
    assert [str(p) for p in err.value.problems] == [
        "podcast.toml:13: site.per_page: got 0 (expected a whole number from 1 to 1000)",
        "podcast.toml:14: site.serch: unknown key (did you mean 'search'?)"]


def test_no_site_writes_only_the_feed_and_its_files(sample_show: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["-C", str(sample_show), "build", "-q", "--no-site",
                                      "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert not (out / "index.html").exists() and (out / "feed.xml").is_file()
    result = CliRunner().invoke(cli, ["-C", str(sample_show), "build", "-q", "-o", str(out)])
    assert result.exit_code == 0, result.output
    for rel in ["index.html", f"{SAMPLE_SLUG}/index.html", f"{SAMPLE_SLUG}/embed.html",
                "assets/style.css", "pagefind/pagefind-ui.js", "_headers", ".nojekyll"]:
        assert (out / rel).is_file(), rel


def test_layout_relative_links() -> None:
    layout = Layout("https://h.example/show/feed.xml", "https://m.example/")
    assert layout.relative("index.html", "a/index.html") == "a/"
    assert layout.relative("a/index.html", "index.html") == "../"
    assert layout.relative("page/2/index.html", "assets/x y.css") == "../../assets/x%20y.css"
    assert layout.url("page/2/index.html") == "https://h.example/show/page/2/"


def test_search_index_finds_a_transcript_word_file(sample_site: list[Output]) -> None:
    bundle = {o.path for o in sample_site if o.path.startswith("pagefind/")}
    assert {"pagefind/pagefind.js", "pagefind/pagefind-ui.js", "pagefind/pagefind-ui.css",
            "pagefind/pagefind-entry.json"} <= bundle
    entry = json.loads(next(o for o in sample_site
                            if o.path == "pagefind/pagefind-entry.json").read())
    assert entry["languages"]["fr"]["page_count"] == 1  # the episode page only


def test_timed_transcript_turns_link_to_their_time_and_english_dates(
        make_show: ShowMaker) -> None:
    make_show.edit_show('language = "fr"', 'language = "en-us"')
    folder = make_show.episode("timed", seconds=20.0, date="2025-05-13")
    (folder / "transcript.srt").write_text(
        "1\n00:00:00,000 --> 00:00:04,000\nAda: Hello there.\n\n"
        "2\n00:00:04,000 --> 00:00:08,000\nAnd welcome.\n\n"
        "3\n00:00:08,500 --> 00:00:12,000\nGrace: Thanks.\n", encoding="utf-8")
    page = strict_parse(pages_of(site_of(make_show.root))["timed/index.html"].read(), "timed")
    assert page.get("lang") == "en-us"
    assert "May 13, 2025 · 20 sec" in text_of(next(iter(find_all(page, "main"))))
    turns = [li for li in find_all(page, "li") if li.get("class") == "turn"]
    assert [text_of(p) for li in turns for p in li if p.get("class") == "said"] == \
        ["Hello there. And welcome.", "Thanks."]
    times = [(a.get("href"), a.get("data-seek")) for a in find_all(page, "a")
             if a.get("class") == "at"]
    assert times == [("https://media.example.org/audio/timed.mp3#t=0", "0"),
                     ("https://media.example.org/audio/timed.mp3#t=8.5", "8.5")]


def test_audio_served_with_the_site_gets_ranges_and_cors_in_the_host_files(
        make_show: ShowMaker) -> None:
    make_show.edit_show('media_base_url = "https://media.example.org/audio/"',
                        'media_base_url = "https://feeds.example.org/show/media/"')
    make_show.episode("one")
    headers = next(o for o in site_of(make_show.root) if o.path == "_headers").read().decode()
    block = headers.split("/show/media/*\n", 1)[1].split("\n/", 1)[0]
    assert "Accept-Ranges: bytes" in block and "Access-Control-Allow-Origin: *" in block
    assert "Cache-Control: public, max-age=86400" in block
    nginx = next(o for o in site_of(make_show.root) if o.path == "host/nginx.conf").read()
    assert b"location ^~ /show/media/ {" in nginx
