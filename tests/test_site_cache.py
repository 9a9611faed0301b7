"""The site's pages and search index come from the build cache when nothing they are made
from changed -- and are then exactly the bytes a clean build renders."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from urllib.parse import quote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import showchanges
from cleancopy import built_clean
from feedpub.build import build, write_outputs
from feedpub.cache import CACHE_DIR, Cache
from feedpub.layout import Layout
from feedpub.model import Output

TRANSCRIPT = "Speaker #0\nBonjour et bienvenue dans l'émission.\n"


def site(root: Path) -> dict[str, Output]:
    return {o.path: o for o in build(root).outputs
            if o.kind in {"page", "asset", "host-config"}}


def written(root: Path, update_lock: bool = False) -> dict[str, Output]:
    """Build and write (which saves the cache), as `feedpub build` does."""
    result = build(root, update_lock=update_lock)
    write_outputs(result, root / "public")
    return {o.path: o for o in result.outputs if o.kind in {"page", "asset", "host-config"}}


def clean_site(root: Path, tmp_path: Path) -> dict[str, bytes]:
    """The same show's site built from a copy with no cache at all."""
    return built_clean(root, tmp_path,
                       lambda copy: {path: o.read() for path, o in site(copy).items()})


def reused(outputs: dict[str, Output]) -> set[str]:
    """Paths whose bytes came from a blob of the cache rather than from rendering."""
    blobs = os.fspath(Path(CACHE_DIR) / "blobs")
    return {p for p, o in outputs.items() if o.content is None and o.source is not None
            and blobs in os.fspath(o.source)}


@pytest.fixture
def show(make_show) -> Path:
    for n in range(3):
        folder = make_show.episode(f"ep-{n}", seconds=2.0, date=f"2025-05-1{n}",
                                   title=f"Épisode {n}", description=f"Notes *{n}* ici.")
        (folder / "transcript.txt").write_text(TRANSCRIPT, encoding="utf-8")
    make_show.edit_show('timezone = "Europe/Paris"\n',
                        'timezone = "Europe/Paris"\n\n[site]\nper_page = 2\n')
    written(make_show.root)
    return make_show.root


@pytest.fixture
def pagefind_runs(monkeypatch) -> list[list[str]]:
    """Every Pagefind run of the test (a wrapper of subprocess.Popen, which still runs)."""
    runs: list[list[str]] = []
    real = subprocess.Popen

    def counting(command, *args, **kwargs):  # type: ignore[no-untyped-def]
        if any("pagefind" in os.fspath(part) for part in command):
            runs.append([os.fspath(part) for part in command])
        return real(command, *args, **kwargs)

    monkeypatch.setattr(subprocess, "Popen", counting)
    return runs


def test_a_no_change_rebuild_reuses_every_page_and_does_not_run_pagefind(
        show: Path, pagefind_runs: list[list[str]], tmp_path: Path) -> None:
    again = written(show)
    pages = {p for p, o in again.items() if o.kind == "page"}
    bundle = {p for p in again if p.startswith("pagefind/")}
    assert {"index.html", "page/2/index.html", "ep-0/index.html", "ep-0/embed.html"} <= pages
    assert bundle and reused(again) >= pages | bundle
    assert pagefind_runs == []
    assert {p: o.read() for p, o in again.items()} == clean_site(show, tmp_path)


def test_a_build_that_is_not_written_leaves_no_cache_file(make_show) -> None:
    make_show.episode("ep")
    build(make_show.root)
    assert not (make_show.root / ".feedpub").exists()


def changes(root: Path) -> list[Callable[[], None]]:
    episodes = root / "episodes"

    def add_episode() -> None:
        showchanges.add_episode(root)

    def edit_episode() -> None:
        (episodes / "ep-1" / "description.md").write_text("Autres *notes*, éditées.")

    def edit_transcript() -> None:
        (episodes / "ep-2" / "transcript.txt").write_text("Speaker #0\nAu revoir.\n")

    def remove_episode() -> None:
        showchanges.remove_added_episode(root)

    def change_site_option() -> None:
        text = (root / "podcast.toml").read_text()
        (root / "podcast.toml").write_text(text.replace(
            "per_page = 2\n", 'per_page = 1\n[[site.subscribe]]\nname = "Apple Podcasts"\n'
            'url = "https://podcasts.example.org/show"\n'))

    def add_theme_template() -> None:
        (root / "theme" / "templates").mkdir(parents=True)
        base = Path(__file__).resolve().parent.parent / "src/feedpub/site/templates"
        text = (base / "embed.html").read_text(encoding="utf-8")
        (root / "theme" / "templates" / "embed.html").write_text(
            text.replace('<main id="main" class="embed-player">',
                         '<main id="main" class="embed-player themed">'), encoding="utf-8")

    def edit_theme_template() -> None:
        path = root / "theme" / "templates" / "embed.html"
        path.write_text(path.read_text().replace("themed", "themed again"))

    def add_theme_css() -> None:
        (root / "theme" / "static").mkdir()
        (root / "theme" / "static" / "style.css").write_text("body { color: #123; }\n")

    def rename_show() -> None:
        text = (root / "podcast.toml").read_text()
        (root / "podcast.toml").write_text(text.replace('title = "Test Show"',
                                                        'title = "Émission renommée"'))

    return [add_episode, edit_episode, edit_transcript, remove_episode, change_site_option,
            add_theme_template, edit_theme_template, add_theme_css, rename_show]


#: the pages each change must render again (the others come from the cache)
RENDERED = {
    "add_episode": {"ep-9/index.html", "ep-9/embed.html", "index.html", "page/2/index.html"},
    "edit_episode": {"ep-1/index.html", "ep-1/embed.html", "page/2/index.html"},
    "edit_transcript": {"ep-2/index.html", "ep-2/embed.html", "index.html"},
    "remove_episode": {"index.html", "page/2/index.html"},
    "change_site_option": {"index.html", "page/2/index.html", "page/3/index.html"},
}


def indexed(outputs: dict[str, Output]) -> dict[str, str]:
    """The pages Pagefind indexes (the episode pages), with their hashes."""
    return {p: o.sha256 for p, o in outputs.items() if o.kind == "page"
            and p.endswith("/index.html") and not p.startswith("page/")}


def test_incremental_site_equals_a_clean_build_after_every_kind_of_change(
        show: Path, tmp_path: Path, pagefind_runs: list[list[str]]) -> None:
    before = indexed(site(show))
    for change in changes(show):
        change()
        runs = len(pagefind_runs)
        got = written(show, update_lock=change.__name__ == "remove_episode")
        runs = len(pagefind_runs) - runs  # before the clean build runs its own
        assert {p: o.read() for p, o in got.items()} == clean_site(show, tmp_path), \
            change.__name__
        pages = {p for p, o in got.items() if o.kind == "page"}
        if change.__name__ in RENDERED:
            assert pages - reused(got) == RENDERED[change.__name__], change.__name__
        else:  # what every page is made from changed: every page is rendered again
            assert not pages & reused(got), change.__name__
        # Pagefind runs exactly when the indexed pages' bytes changed
        now = indexed(got)
        assert runs == (1 if now != before else 0), change.__name__
        before = now


def blob_of(root: Path, kind: str) -> Path:
    """A blob one of the ``kind`` records names."""
    records = json.loads((root / CACHE_DIR / f"records-{kind}.json").read_text())["records"]
    value = next(iter(records.values()))
    sha = value[0] if kind == "pages" else value[0][1]
    return root / CACHE_DIR / "blobs" / sha[:2] / sha


def flip_last_byte(path: Path) -> None:
    """Damage the bytes, keeping the size and the mtime (only ctime can tell)."""
    st = path.stat()
    data = bytearray(path.read_bytes())
    data[-1] ^= 0x01
    path.write_bytes(bytes(data))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))


def rewrite_records(kind: str, change: Callable[[list], list]) -> Callable[[Path], None]:  # type: ignore[type-arg]
    def damage(root: Path) -> None:
        path = root / CACHE_DIR / f"records-{kind}.json"
        data = json.loads(path.read_text())
        data["records"] = {k: change(v) for k, v in data["records"].items()}
        path.write_text(json.dumps(data))
    return damage


@pytest.mark.parametrize("damage", [
    lambda root: flip_last_byte(blob_of(root, "pages")),
    lambda root: blob_of(root, "pages").unlink(),
    lambda root: flip_last_byte(blob_of(root, "search")),
    lambda root: blob_of(root, "search").unlink(),
    lambda root: (root / CACHE_DIR / "records-pages.json").write_text("{not json"),
    lambda root: (root / CACHE_DIR / "blobs.json").write_text("[]"),
    rewrite_records("pages", lambda v: v[:1]),
    rewrite_records("pages", lambda v: [3, None]),
    rewrite_records("search", lambda v: [["../../escape.txt", v[0][1]], *v[1:]]),
    rewrite_records("search", lambda v: [[v[0][0]], *v[1:]]),
], ids=["page-blob-bytes", "page-blob-deleted", "search-blob-bytes", "search-blob-deleted",
        "pages-file-corrupt", "blob-index-corrupt", "page-record-short", "page-record-shape",
        "search-record-escapes", "search-record-shape"])
def test_a_damaged_record_or_blob_is_a_miss(show: Path, tmp_path: Path, damage) -> None:
    written(show)  # the blob index now knows every blob
    damage(show)
    got = written(show)
    assert {p: o.read() for p, o in got.items()} == clean_site(show, tmp_path)
    assert not (show / "escape.txt").exists() and not (tmp_path / "escape.txt").exists()
    again = written(show)  # the damage is repaired by the rebuild: everything reused
    assert reused(again) >= {p for p, o in again.items() if o.kind == "page"}


def test_a_site_option_change_alone_does_not_rerun_pagefind(
        show: Path, pagefind_runs: list[list[str]]) -> None:
    text = (show / "podcast.toml").read_text()
    (show / "podcast.toml").write_text(text.replace("per_page = 2", "per_page = 3"))
    got = written(show)
    assert pagefind_runs == []
    assert "page/2/index.html" not in got and got["index.html"].content is not None


def test_a_page_pagefind_cannot_read_is_a_clear_error_not_a_hang(tmp_path: Path) -> None:
    """A page whose blob vanished before indexing: the service is stopped at once."""
    from feedpub.errors import FeedpubError
    from feedpub.site.search import index

    layout = Layout("https://feeds.example.org/show/feed.xml", "https://media.example.org/")
    html = b'<html lang="fr"><body data-pagefind-body><h1>Un</h1><p>mot</p></body></html>'
    good = Output.of_bytes("page", "a/index.html", layout.url("a/index.html"), "text/html",
                           html, "page")
    gone = Output("page", "b/index.html", layout.url("b/index.html"), "text/html", 10, "0" * 64,
                  "page", source=tmp_path / "vanished.html")
    assert any(o.path == "pagefind/pagefind-entry.json" for o in index([good], layout, "fr"))
    with pytest.raises(FeedpubError, match=r"could not be read to index it: b/index\.html"):
        index([good, gone], layout, "fr")


# -- the cache methods the site relies on ---------------------------------------------

def test_a_deferred_blob_is_written_only_when_the_cache_is_saved(tmp_path: Path) -> None:
    cache = Cache(tmp_path, "show-a")
    sha = cache.put_blob(b"a page", defer=True)
    assert cache.get_blob(sha) == b"a page" and not cache.blob_path(sha).exists()
    assert cache.intact_blob(sha) is None  # not there yet
    cache.store("pages", "k", [sha])
    cache.save()
    again = Cache(tmp_path, "show-a")
    assert again.intact_blob(again.lookup("pages", "k")[0]) == len(b"a page")


def test_intact_blob_sees_a_rewrite_with_the_same_size_and_mtime(tmp_path: Path) -> None:
    cache = Cache(tmp_path, "show-a")
    sha = cache.put_blob(b"page bytes")
    cache.store("pages", "k", [sha])
    cache.save()
    assert Cache(tmp_path, "show-a").intact_blob(sha) == 10
    flip_last_byte(cache.blob_path(sha))
    assert Cache(tmp_path, "show-a").intact_blob(sha) is None
    assert Cache(tmp_path, "show-a").intact_blob("../../etc/passwd") is None


# -- faster links: the layout's string shortcut gives PurePosixPath's answer ------------

PARTS = ["a", "ep-1", ".", "..", "", "index.html", "é x", "pagefind", "style.css"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PARTS), min_size=1, max_size=4).map("/".join),
       st.lists(st.sampled_from(PARTS), min_size=1, max_size=4).map("/".join))
def test_relative_links_are_those_of_purepath(from_path: str, to_path: str) -> None:
    start, target = PurePosixPath(from_path).parent, PurePosixPath(to_path)
    rel = "../" * len(start.parts) + (str(target) if str(target) != "." else "")
    rel = rel.removesuffix("index.html")
    assert Layout("https://x.org/s/feed.xml", "https://m.org/").relative(
        from_path, to_path) == (quote(rel) or "./")
