"""The sample show's site in a real headless Chromium (Debian's, driven by Playwright),
served by ``feedpub serve --preview``.

One browser for the session; the screenshots (desktop and phone, episode and show pages)
are written to ``$FEEDPUB_ARTIFACTS/site`` (default ``.artifacts/site`` in the repository),
and the folder is printed.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import playwright.sync_api
import pytest

from conftest import REPO, SAMPLE_SLUG
from feedpub.site.serve import Preview

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run",
        "--autoplay-policy=no-user-gesture-required",
        # Without this Chromium still tries Google hosts.
        "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
CHAPTERS = """\
[[chapters]]
start = "0:00"
title = "La chaîne de valeur"

[[chapters]]
start = "2:00"
title = "Les data centers"
"""


def artifacts() -> Path:
    folder = Path(os.environ.get("FEEDPUB_ARTIFACTS", REPO / ".artifacts")) / "site"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail("chromium is missing: scripts/test.sh installs it (apt-get install chromium)")
    with playwright.sync_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Preview]:
    """The sample show, with chapters and its cover kept in the show folder (the real
    cover lives on a host the tests cannot reach), previewed on 127.0.0.1."""
    from PIL import Image

    root = tmp_path_factory.mktemp("browser") / "trench-tech"
    root.mkdir()
    shutil.copy(REPO / "feedpub.lock", root)
    shutil.copytree(REPO / "episodes", root / "episodes")
    toml = (REPO / "podcast.toml").read_text(encoding="utf-8")
    toml = re.sub(r'^artwork = ".*"$', 'artwork = "cover.png"', toml, flags=re.M)
    (root / "podcast.toml").write_text(toml, encoding="utf-8")
    Image.new("RGB", (1400, 1400), (30, 60, 90)).save(root / "cover.png")
    (root / "episodes" / SAMPLE_SLUG / "chapters.toml").write_text(CHAPTERS, encoding="utf-8")
    server = Preview(root, root.parent / "public", preview=True)
    server.start(watch=False)
    yield server
    server.stop()


class Visit:
    """A page in a fresh context that records every request and media response."""

    def __init__(self, browser: Any, viewport: dict[str, int], mobile: bool = False) -> None:
        self.context = browser.new_context(viewport=viewport, is_mobile=mobile,
                                           has_touch=mobile)
        self.requests: list[str] = []
        self.media: list[tuple[int, str | None]] = []
        self.dialogs: list[str] = []
        self.context.on("request", lambda r: self.requests.append(r.url))
        self.page = self.context.new_page()
        self.page.on("response", self.on_response)
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))

    def on_response(self, response: Any) -> None:
        if response.url.endswith(".mp3") or "/media/" in response.url:
            self.media.append((response.status, response.headers.get("content-range")))

    def close(self) -> None:
        self.context.close()


def only_local(requests: list[str], base: str) -> list[str]:
    return [u for u in requests if not (u.startswith(base) or u.startswith(("data:", "blob:")))]


def test_episode_page_plays_seeks_and_loads_nothing_from_outside(
        browser: Any, served: Preview, capsys: pytest.CaptureFixture[str]) -> None:
    from axe_playwright_python.sync_playwright import Axe

    visit = Visit(browser, DESKTOP)
    page = visit.page
    try:
        page.goto(served.url + SAMPLE_SLUG + "/", wait_until="load")
        title = "Tech entre les lignes - La complexe chaine de valeur de l'iA"
        assert page.locator("h1").inner_text() == title
        meta = page.locator("main .meta").first.inner_text().replace("\xa0", " ")
        assert "13 mai 2025" in meta and "4 min" in meta
        speakers = page.locator(".turn .speaker").all_inner_texts()
        assert speakers[:3] == ["Julien Pillot", "Trench Tech", "Louis de Diesbach"]
        assert page.locator(".turn").count() == len(speakers) > 5
        # The player plays: time advances, muted so no sound device is needed.
        page.evaluate("""() => { const a = document.getElementById('player');
                                 a.muted = true; return a.play(); }""")
        page.wait_for_function("document.getElementById('player').currentTime > 0.3",
                               timeout=15000)
        duration = page.evaluate("document.getElementById('player').duration")
        assert 251 < duration < 253
        # A chapter link seeks the player (JavaScript on) instead of opening the file.
        page.locator(".chapters a[data-seek='120']").click()
        page.wait_for_function("""() => { const a = document.getElementById('player');
                                          return a.currentTime >= 120 && !a.seeking; }""",
                               timeout=15000)
        assert page.url == served.url + SAMPLE_SLUG + "/"
        assert any(status == 206 and rng and rng.startswith("bytes ")
                   for status, rng in visit.media), visit.media
        violations = [v for v in Axe().run(page).response["violations"]
                      if v["impact"] in ("serious", "critical")]
        assert violations == [], [(v["id"], v["help"]) for v in violations]
        folder = artifacts()
        page.evaluate("document.getElementById('player').pause()")
        page.screenshot(path=str(folder / "episode-desktop.png"), full_page=True)
        assert only_local(visit.requests, served.server.base_url) == []
        with capsys.disabled():
            print(f"\nsite screenshots: {folder}")
    finally:
        visit.close()


def test_show_page_search_finds_a_transcript_word_and_copy_button_works(
        browser: Any, served: Preview) -> None:
    from axe_playwright_python.sync_playwright import Axe

    visit = Visit(browser, DESKTOP)
    page = visit.page
    try:
        page.goto(served.url, wait_until="load")
        assert page.locator(".episode-list li").count() == 1
        assert page.locator("#feed-url").input_value() == served.feed_url
        assert page.locator("button.copy").is_visible()  # shown by the script
        # "hyperscalers" is said in the transcript only, not in the title or notes.
        box = page.locator(".pagefind-ui__search-input")
        box.wait_for(timeout=15000)
        box.fill("hyperscalers")
        result = page.locator(".pagefind-ui__result-link").first
        result.wait_for(timeout=15000)
        assert result.get_attribute("href").rstrip("/").endswith(SAMPLE_SLUG)
        violations = [v for v in Axe().run(page).response["violations"]
                      if v["impact"] in ("serious", "critical")]
        assert violations == [], [(v["id"], v["help"]) for v in violations]
        page.screenshot(path=str(artifacts() / "show-desktop.png"), full_page=True)
        assert only_local(visit.requests, served.server.base_url) == []
    finally:
        visit.close()


def test_pages_on_a_phone_without_javascript(browser: Any, served: Preview) -> None:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True,
                                  java_script_enabled=False)
    try:
        page = context.new_page()
        for path, name in ((SAMPLE_SLUG + "/", "episode-phone.png"), ("", "show-phone.png")):
            page.goto(served.url + path, wait_until="load")
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= PHONE["width"], f"{name}: {width}px wide, scrolls sideways"
            page.screenshot(path=str(artifacts() / name), full_page=True)
        # Without JavaScript a chapter is a media-fragment link into the audio.
        page.goto(served.url + SAMPLE_SLUG + "/", wait_until="load")
        href = page.locator(".chapters a").nth(1).get_attribute("href")
        assert href == f"{served.url}media/{SAMPLE_SLUG}.mp3#t=120"
        assert page.locator("button.copy").count() == 0 or \
            not page.locator("button.copy").is_visible()
    finally:
        context.close()
    for name in ("episode-phone.png", "show-phone.png"):
        data = (artifacts() / name).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5000, name


def test_script_in_title_notes_and_transcript_does_not_run(browser: Any,
                                                           tmp_path: Path) -> None:
    """The hostile show of test_site.py, each page parsed and run by the browser."""
    from conftest import ShowMaker
    from feedpub.build import build
    from test_site import hostile_show

    root = hostile_show(ShowMaker(tmp_path / "show"))
    pages = [o for o in build(root).outputs if o.kind == "page"]
    visit = Visit(browser, DESKTOP)
    try:
        for page in pages:
            visit.page.set_content(page.read().decode("utf-8"), wait_until="load")
            assert visit.page.evaluate("document.querySelectorAll('script:not([src])')"
                                       ".length") == 1  # the JSON-LD block only
        assert visit.dialogs == []
        assert "Title <script>alert(1)</script>" in visit.page.locator("h1").inner_text()
    finally:
        visit.close()
