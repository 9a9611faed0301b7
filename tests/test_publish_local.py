"""feedpub publish to local folders (offline): plan, manifest, immutability, guard.

The same plan and guard code runs for SFTP and S3 (tests/test_publish_remote.py);
here the targets are plain folders, so every assertion reads the files back.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import etree

from audiofactory import make_audio
from conftest import SAMPLE_SLUG
from feedpub.errors import PublishError
from feedpub.publish import PublishOptions, publish
from feedpub.publish.plan import MANIFEST
from feedpub.writefile import is_temp

NEW_SLUG = "second-episode"


def options(tmp: Path, **kw: object) -> PublishOptions:
    """Folders as targets, offline; the site's pages left out (counted in their own test)."""
    kw.setdefault("pages", False)
    return PublishOptions(site=str(tmp / "site"), media=str(tmp / "media"), offline=True,
                          **kw)  # type: ignore[arg-type]


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


def add_episode(show: Path, slug: str = NEW_SLUG, guid: str = "0b7b8f2e-9f0c-4a57-9d3e-1"
                "2a4b6c8d0e1") -> Path:
    folder = show / "episodes" / slug
    folder.mkdir()
    (folder / "episode.toml").write_text(
        f'title = "Second"\ndate = "2025-06-01"\nguid = "{guid}"\naudio = "{slug}.mp3"\n',
        encoding="utf-8")
    (folder / "description.md").write_text("Notes.", encoding="utf-8")
    make_audio(folder / f"{slug}.mp3", 3.0)
    return folder


def test_publish_writes_media_companions_feed_and_manifests(sample_show: Path,
                                                             tmp_path: Path) -> None:
    report = publish(sample_show, options(tmp_path))
    site, media = files(tmp_path / "site"), files(tmp_path / "media")
    audio = sample_show / "episodes" / SAMPLE_SLUG / f"{SAMPLE_SLUG}.mp3"
    assert media[f"{SAMPLE_SLUG}.mp3"] == audio.read_bytes()
    assert f"{SAMPLE_SLUG}/transcript.fr.html" in site
    root = etree.fromstring(site["feed.xml"])
    assert root.findtext("channel/item/guid") == "6f1c2d0e-5b1a-4c1e-9a55-8d2b7e3f4a10"
    manifest = json.loads(site[MANIFEST])
    assert set(manifest["files"]) == {"feed.xml", f"{SAMPLE_SLUG}/transcript.fr.html",
                                      f"{SAMPLE_SLUG}/transcript.fr.txt"}
    assert json.loads(media[MANIFEST])["files"][f"{SAMPLE_SLUG}.mp3"]["size"] == len(
        audio.read_bytes())
    # the feed is uploaded after everything it names
    order = [a.output.kind for a in report.done if a.output is not None]
    assert order[0] == "media" and order[-1] == "feed"
    assert not [p for p in (tmp_path / "site").rglob("*") if is_temp(p.name)]


def test_second_publish_uploads_nothing(sample_show: Path, tmp_path: Path) -> None:
    publish(sample_show, options(tmp_path))
    before = files(tmp_path / "site") | files(tmp_path / "media")
    report = publish(sample_show, options(tmp_path))
    assert report.done == [] and not report.plan.changes()
    assert files(tmp_path / "site") | files(tmp_path / "media") == before


def test_new_episode_uploads_only_its_files_and_the_feed(sample_show: Path,
                                                         tmp_path: Path) -> None:
    publish(sample_show, options(tmp_path))
    add_episode(sample_show)
    report = publish(sample_show, options(tmp_path))
    assert [(a.target, a.path) for a in report.done] == [("media", f"{NEW_SLUG}.mp3"),
                                                         ("site", "feed.xml")]


def test_fresh_target_without_manifest_is_checked_not_reuploaded(sample_show: Path,
                                                                  tmp_path: Path) -> None:
    """An interrupted run leaves files but no manifest: identical files are not sent again."""
    publish(sample_show, options(tmp_path))
    (tmp_path / "site" / MANIFEST).unlink()
    (tmp_path / "media" / MANIFEST).unlink()
    report = publish(sample_show, options(tmp_path))
    assert [a for a in report.done if a.op == "upload"] == []
    assert (tmp_path / "site" / MANIFEST).is_file()


def test_changed_media_is_refused_without_replace_media(sample_show: Path,
                                                        tmp_path: Path) -> None:
    publish(sample_show, options(tmp_path))
    published = files(tmp_path / "media")
    audio = sample_show / "episodes" / SAMPLE_SLUG / f"{SAMPLE_SLUG}.mp3"
    make_audio(audio, 250.0)  # other bytes, still 4 minutes and some
    subprocess.run([sys.executable, "-m", "feedpub", "-C", str(sample_show), "build",
                    "--update-lock", "-q"], check=True, capture_output=True)
    with pytest.raises(PublishError) as err:
        publish(sample_show, options(tmp_path))
    text = str(err.value)
    assert "already published with other bytes" in text and "--replace-media" in text
    assert files(tmp_path / "media") == published
    report = publish(sample_show, options(tmp_path, replace_media=True))
    assert ("media", f"{SAMPLE_SLUG}.mp3") in [(a.target, a.path) for a in report.done]
    assert (tmp_path / "media" / f"{SAMPLE_SLUG}.mp3").read_bytes() == audio.read_bytes()


def test_guard_refuses_a_removed_episode(sample_show: Path, tmp_path: Path) -> None:
    add_episode(sample_show)
    publish(sample_show, options(tmp_path))
    feed = (tmp_path / "site" / "feed.xml").read_bytes()
    shutil.rmtree(sample_show / "episodes" / NEW_SLUG)
    with pytest.raises(PublishError) as err:
        publish(sample_show, options(tmp_path))
    assert "episode-disappeared" in str(err.value) and "--allow-removal" in str(err.value)
    assert (tmp_path / "site" / "feed.xml").read_bytes() == feed
    publish(sample_show, options(tmp_path, allow_removal=True))
    assert b"Second" not in (tmp_path / "site" / "feed.xml").read_bytes()
    # its audio stays: apps that fetched the older feed still download it
    assert (tmp_path / "media" / f"{NEW_SLUG}.mp3").is_file()


def test_guard_refuses_a_changed_guid(sample_show: Path, tmp_path: Path) -> None:
    add_episode(sample_show)
    publish(sample_show, options(tmp_path))
    feed = (tmp_path / "site" / "feed.xml").read_bytes()
    toml = sample_show / "episodes" / NEW_SLUG / "episode.toml"
    toml.write_text(toml.read_text().replace("0b7b8f2e", "99998f2e"), encoding="utf-8")
    with pytest.raises(PublishError) as err:
        publish(sample_show, options(tmp_path))
    assert "guid-changed" in str(err.value) and "--allow-change" in str(err.value)
    assert (tmp_path / "site" / "feed.xml").read_bytes() == feed


def test_dry_run_changes_nothing_and_exits_1(sample_show: Path, tmp_path: Path) -> None:
    def run() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "feedpub", "-C", str(sample_show), "publish",
             str(tmp_path / "site"), "--media-target", str(tmp_path / "media"), "--offline",
             "--no-site", "--dry-run"], capture_output=True, text=True)

    first = run()
    assert first.returncode == 1, first.stderr
    assert "upload   media:" in first.stdout and "feed.xml" in first.stdout
    assert not (tmp_path / "site").exists() and not (tmp_path / "media").exists()
    publish(sample_show, options(tmp_path))
    again = run()
    assert again.returncode == 0, again.stdout + again.stderr
    assert "0 to upload" in again.stdout


def test_media_outside_the_site_without_media_target_is_not_uploaded(
        sample_show: Path, tmp_path: Path) -> None:
    """The audio must then be hosted already: offline that is a warning, online a live check."""
    report = publish(sample_show, PublishOptions(site=str(tmp_path / "site"), offline=True,
                                                 pages=False))
    assert any("not uploaded and not checked" in w for w in report.warnings)
    assert not any(p.suffix == ".mp3" for p in (tmp_path / "site").rglob("*"))
    assert (tmp_path / "site" / "feed.xml").is_file()


def test_publish_table_in_podcast_toml(sample_show: Path, tmp_path: Path) -> None:
    with (sample_show / "podcast.toml").open("a", encoding="utf-8") as fh:
        fh.write(f'\n[publish]\nsite = "{tmp_path / "site"}"\n'
                 f'media = "{tmp_path / "media"}"\n')
    proc = subprocess.run([sys.executable, "-m", "feedpub", "-C", str(sample_show), "publish",
                           "--offline", "--no-site"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "4 files uploaded" in proc.stdout
    assert (tmp_path / "media" / f"{SAMPLE_SLUG}.mp3").is_file()


def test_unknown_publish_key_is_a_config_error(sample_show: Path) -> None:
    with (sample_show / "podcast.toml").open("a", encoding="utf-8") as fh:
        fh.write('\n[publish]\nsite = "x"\nsecret = "y"\n')
    proc = subprocess.run([sys.executable, "-m", "feedpub", "-C", str(sample_show), "publish",
                           "--offline"], capture_output=True, text=True)
    assert proc.returncode == 2
    assert "podcast.toml:" in proc.stderr and "publish.secret" in proc.stderr


def test_guard_refuses_a_feed_url_change_without_new_feed_url(sample_show: Path,
                                                              tmp_path: Path) -> None:
    publish(sample_show, options(tmp_path))
    feed = (tmp_path / "site" / "feed.xml").read_bytes()
    toml = sample_show / "podcast.toml"
    text = toml.read_text(encoding="utf-8").replace(
        "https://feeds.trench-tech.fr/feed.xml", "https://feeds.trench-tech.fr/show.xml")
    toml.write_text(text.replace("[podcast]\n", '[podcast]\nguid = '
                                 '"91dea5cb-1893-5784-8614-dc1028fd38eb"\n'), encoding="utf-8")
    with pytest.raises(PublishError) as err:
        publish(sample_show, options(tmp_path))
    assert "[feed-url-changed]" in str(err.value) and "itunes:new-feed-url" in str(err.value)
    assert (tmp_path / "site" / "feed.xml").read_bytes() == feed


def test_guard_refuses_a_published_feed_that_is_html(sample_show: Path, tmp_path: Path) -> None:
    """A feed URL that serves a web page (a routing mistake) stops the publish."""
    publish(sample_show, options(tmp_path))
    page = b"<!DOCTYPE html><html><body>Welcome</body></html>"
    (tmp_path / "site" / "feed.xml").write_bytes(page)
    with pytest.raises(PublishError) as err:
        publish(sample_show, options(tmp_path))
    assert "[against-unusable]" in str(err.value) and "HTML" in str(err.value)
    assert (tmp_path / "site" / "feed.xml").read_bytes() == page
    publish(sample_show, options(tmp_path, allow_change=True))
    assert b"<rss" in (tmp_path / "site" / "feed.xml").read_bytes()


def test_site_pages_go_before_the_feed(sample_show: Path, tmp_path: Path) -> None:
    report = publish(sample_show, options(tmp_path, pages=True))
    paths = [a.path for a in report.done]
    assert "index.html" in paths and f"{SAMPLE_SLUG}/index.html" in paths
    assert paths[-1] == "feed.xml"
    assert (tmp_path / "site" / "index.html").read_bytes().startswith(b"<!")
