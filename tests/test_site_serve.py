"""``feedpub serve`` over real HTTP on 127.0.0.1: ranges, HEAD, headers, preview, rebuilds."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from conftest import SAMPLE_SLUG
from feedpub.site.hostconfig import CACHE_CONTROL
from feedpub.site.serve import Preview, byte_range

MP3 = f"{SAMPLE_SLUG}.mp3"


@pytest.fixture
def preview(sample_show: Path, tmp_path: Path) -> Iterator[Preview]:
    server = Preview(sample_show, tmp_path / "public", preview=True)
    server.start(watch=True)
    yield server
    server.stop()


def test_range_header_parsing() -> None:
    assert byte_range("bytes=0-99", 1000) == (0, 99)
    assert byte_range("bytes=900-", 1000) == (900, 999)
    assert byte_range("bytes=-100", 1000) == (900, 999)
    assert byte_range("bytes=990-2000", 1000) == (990, 999)
    assert byte_range("bytes=1000-", 1000) is None
    assert byte_range("bytes=-0", 1000) is None
    assert byte_range("bytes=0-1,5-9", 1000) == (-1, -1)  # several ranges: the whole file
    assert byte_range("items=0-1", 1000) == (-1, -1)


def test_preview_serves_the_audio_with_ranges_and_head(preview: Preview) -> None:
    assert preview.url.startswith("http://127.0.0.1:")
    audio = preview.url + "media/" + MP3
    size = (Path(preview.root) / "episodes" / SAMPLE_SLUG / MP3).stat().st_size
    head = requests.head(audio, timeout=5)
    assert head.status_code == 200 and head.content == b""
    assert int(head.headers["Content-Length"]) == size
    assert head.headers["Content-Type"] == "audio/mpeg"
    assert head.headers["Accept-Ranges"] == "bytes"
    assert head.headers["Cache-Control"] == CACHE_CONTROL["media"]
    part = requests.get(audio, headers={"Range": "bytes=100-199"}, timeout=5)
    assert part.status_code == 206 and len(part.content) == 100
    assert part.headers["Content-Range"] == f"bytes 100-199/{size}"
    whole = requests.get(audio, timeout=5).content
    assert part.content == whole[100:200] and len(whole) == size
    tail = requests.get(audio, headers={"Range": "bytes=-10"}, timeout=5)
    assert tail.status_code == 206 and tail.content == whole[-10:]
    past = requests.get(audio, headers={"Range": f"bytes={size}-"}, timeout=5)
    assert past.status_code == 416 and past.headers["Content-Range"] == f"bytes */{size}"
    again = requests.get(audio, headers={"If-None-Match": head.headers["ETag"]}, timeout=5)
    assert again.status_code == 304


def test_preview_points_feed_and_pages_at_the_local_server(preview: Preview) -> None:
    feed = requests.get(preview.feed_url, timeout=5)
    assert feed.headers["Content-Type"] == "application/rss+xml; charset=utf-8"
    assert feed.headers["Access-Control-Allow-Origin"] == "*"
    assert f'url="{preview.url}media/{MP3}"' in feed.text
    assert f'url="{preview.url}{SAMPLE_SLUG}/transcript.fr.html"' in feed.text
    assert "https://media.trench-tech.fr/episodes/" not in feed.text
    page = requests.get(preview.url + SAMPLE_SLUG + "/", timeout=5)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert f'src="{preview.url}media/{MP3}"' in page.text
    moved = requests.get(preview.url + SAMPLE_SLUG, timeout=5, allow_redirects=False)
    assert moved.status_code == 301 and moved.headers["Location"] == f"/{SAMPLE_SLUG}/"
    transcript = requests.get(preview.url + f"{SAMPLE_SLUG}/transcript.fr.txt", timeout=5)
    assert transcript.headers["Access-Control-Allow-Origin"] == "*"
    assert transcript.headers["Cache-Control"] == CACHE_CONTROL["companion"]
    assert requests.get(preview.url + "nothing-here", timeout=5).status_code == 404


def test_a_changed_description_rebuilds_and_a_broken_one_keeps_the_last_build(
        preview: Preview) -> None:
    notes = Path(preview.root) / "episodes" / SAMPLE_SLUG / "description.md"
    page = preview.url + SAMPLE_SLUG + "/"
    notes.write_text("Brand new notes about sovereignty.\n", encoding="utf-8")
    deadline = time.monotonic() + 20
    while "Brand new notes" not in requests.get(page, timeout=5).text:
        assert time.monotonic() < deadline, "no rebuild after the change"
        time.sleep(0.2)
    builds = preview.builds
    (Path(preview.root) / "episodes" / SAMPLE_SLUG / "episode.toml").write_text(
        'title = "broken\n', encoding="utf-8")
    time.sleep(2)
    assert preview.builds == builds
    assert "Brand new notes" in requests.get(page, timeout=5).text


def test_folder_mode_writes_the_build_and_serves_it_with_host_headers(
        sample_show: Path, tmp_path: Path) -> None:
    out = tmp_path / "public"
    server = Preview(sample_show, out, preview=False)
    server.start(watch=False)
    try:
        assert (out / "feed.xml").is_file() and (out / "index.html").is_file()
        feed = requests.get(server.feed_url, timeout=5)
        assert feed.content == (out / "feed.xml").read_bytes()
        assert feed.headers["Cache-Control"] == CACHE_CONTROL["feed"]
        index = requests.get(server.url, timeout=5)
        assert index.headers["Cache-Control"] == CACHE_CONTROL["page"]
        assert "https://feeds.trench-tech.fr/feed.xml" in index.text  # the real URLs
        css = requests.head(server.url + "assets/style.css", timeout=5)
        assert css.headers["Content-Type"] == "text/css; charset=utf-8"
        assert requests.get(server.url + ".feedpub-files.json", timeout=5).status_code == 404
    finally:
        server.stop()


def test_feedpub_serve_command_prints_its_address_and_serves(sample_show: Path) -> None:
    import subprocess
    import sys

    proc = subprocess.Popen([sys.executable, "-m", "feedpub.cli", "serve", "--preview",
                             "--port", "0", "--no-watch"], cwd=sample_show,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        match = re.match(r"serving (http://127\.0\.0\.1:\d+/) +\(feed: (\S+);", line)
        assert match, line + (proc.stderr.read() if proc.poll() is not None else "")
        feed = requests.get(match.group(2), timeout=5)
        assert feed.status_code == 200 and match.group(1) + "media/" + MP3 in feed.text
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    assert not (sample_show / "public").exists()  # a preview writes nothing


def test_serve_on_a_busy_port_is_a_usage_error(sample_show: Path, tmp_path: Path) -> None:
    from feedpub.errors import UsageError

    first = Preview(sample_show, tmp_path / "public", preview=True)
    try:
        with pytest.raises(UsageError, match=r"cannot listen on 127\.0\.0\.1:\d+"):
            Preview(sample_show, tmp_path / "public", preview=True,
                    port=first.server.server_address[1])
    finally:
        first.stop()


def test_served_headers_are_those_of_the_generated_host_files(sample_show: Path,
                                                              tmp_path: Path) -> None:
    out = tmp_path / "public"
    server = Preview(sample_show, out, preview=False)
    server.start(watch=False)
    try:
        rules: dict[str, dict[str, str]] = {}
        pattern = ""
        for line in (out / "_headers").read_text(encoding="utf-8").splitlines():
            if line.startswith("/"):
                pattern = line
                rules[pattern] = {}
            elif line.startswith("  "):
                name, _, value = line.strip().partition(": ")
                rules[pattern][name] = value
        for pattern, path in (("/feed.xml", "feed.xml"),
                              ("/:slug/transcript.fr.txt", f"{SAMPLE_SLUG}/transcript.fr.txt"),
                              ("/:slug/", f"{SAMPLE_SLUG}/"), ("/assets/*", "assets/site.js")):
            served = requests.head(server.url + path, timeout=5).headers
            for name, value in rules[pattern].items():
                assert served[name] == value, (pattern, name)
    finally:
        server.stop()
