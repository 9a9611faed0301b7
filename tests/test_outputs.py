"""The build's outputs list: what a build produces, in the order it must be published."""

from __future__ import annotations

import hashlib
import struct
import zlib
from pathlib import Path

from lxml import etree

from feedpub.build import build, plan_outputs, write_outputs
from feedpub.model import Output
from feedpub.output import LocalDirectory
from transcript_samples import write_timed_srt

NS = {"itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd",
      "podcast": "https://podcastindex.org/namespace/1.0"}
SITE = "https://feeds.example.org/show/"


def tiny_png() -> bytes:
    """A real 1x1 PNG, made here (signature, IHDR, IDAT, IEND with their CRCs)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


def site_show(make_show) -> Path:  # type: ignore[no-untyped-def]
    """Media served under the feed's folder, local cover art, a timed transcript."""
    make_show.edit_show('media_base_url = "https://media.example.org/audio/"',
                        f'media_base_url = "{SITE}media/"')
    make_show.edit_show('artwork = "https://media.example.org/cover.jpg"',
                        'artwork = "cover.png"')
    (make_show.root / "cover.png").write_bytes(tiny_png())
    write_timed_srt(make_show.episode("one", seconds=20.0, date="2025-01-10"))
    make_show.episode("two", seconds=6.0, date="2025-02-10")
    root: Path = make_show.root
    return root


def test_outputs_are_media_and_artwork_then_companions_then_the_feed(make_show) -> None:  # type: ignore[no-untyped-def]
    root = site_show(make_show)
    result = build(root)
    kinds = [o.kind for o in result.outputs]
    site = {"page", "asset", "host-config"}
    assert [k for k in kinds if k not in site] == \
        ["media", "media", "artwork", *["transcript"] * 5, "feed"]
    # the site's pages link to every companion file: after them, before the feed
    assert set(kinds[8:-1]) == site
    one, two, cover = result.outputs[:3]
    audio = root / "episodes" / "one" / "one.mp3"
    assert (one.path, one.url, one.root, one.cache) == (
        "one.mp3", f"{SITE}media/one.mp3", "media", "media")
    assert one.source == audio and one.content is None
    assert (one.size, one.sha256) == (audio.stat().st_size,
                                      hashlib.sha256(audio.read_bytes()).hexdigest())
    assert one.read() == audio.read_bytes()
    assert (cover.path, cover.url, cover.mime, cover.root) == (
        "artwork/cover.png", f"{SITE}artwork/cover.png", "image/png", "site")
    assert cover.sha256 == hashlib.sha256(tiny_png()).hexdigest()
    feed = result.outputs[-1]
    assert (feed.path, feed.url, feed.mime, feed.cache) == (
        "feed.xml", f"{SITE}feed.xml", "application/rss+xml", "feed")
    assert feed.read() == result.feed
    # Every URL the feed announces is one of the outputs' URLs.
    rss = etree.fromstring(result.feed)
    channel = rss.find("channel")
    assert channel.find("itunes:image", NS).get("href") == cover.url
    assert channel.findtext("image/url") == cover.url
    enclosures = {i.find("enclosure").get("url") for i in rss.iter("item")}
    assert enclosures == {one.url, two.url}
    announced = {t.get("url") for t in rss.iterfind(".//podcast:transcript", NS)}
    assert announced == {o.url for o in result.outputs if o.kind == "transcript"}
    for out in result.outputs:
        assert out.size == len(out.read())
        assert out.sha256 == hashlib.sha256(out.read()).hexdigest()


class Recording(LocalDirectory):
    """A real local target that also notes the order of what it is asked to do."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def put(self, path: Path, out: Output) -> None:
        self.calls.append(out.kind)
        super().put(path, out)

    def put_bytes(self, path: Path, data: bytes) -> None:
        self.calls.append(path.name)
        super().put_bytes(path, data)

    def remove(self, path: Path) -> None:
        self.calls.append(f"remove {path.name}")
        super().remove(path)


# The tests below leave the site out (site=False): its pages are tested in test_site.py.
def test_local_publish_writes_media_and_companions_then_the_lock_then_the_feed(
        make_show, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    root = site_show(make_show)
    out = tmp_path / "public"
    target = Recording()
    write_outputs(build(root, site=False), out, target)
    assert target.calls == ["media", "media", "artwork", *["transcript"] * 5,
                            "feedpub.lock", "feed", ".feedpub-files.json"]
    assert (out / "media" / "one.mp3").read_bytes() == \
        (root / "episodes" / "one" / "one.mp3").read_bytes()
    assert (out / "artwork" / "cover.png").read_bytes() == tiny_png()
    assert (out / "one" / "transcript.fr.vtt").is_file()
    # Nothing changed: nothing is written again, media included.
    again = Recording()
    write_outputs(build(root, site=False), out, again)
    assert again.calls == []
    # A removed episode: its files go after the new feed is in place.
    (root / "episodes" / "one" / "transcript.srt").unlink()
    third = Recording()
    write_outputs(build(root, site=False), out, third)
    assert third.calls[0] == "feed"
    assert sorted(third.calls[1:-1]) == [f"remove transcript.fr.{ext}"
                                         for ext in ("html", "json", "srt", "txt", "vtt")]
    assert third.calls[-1] == ".feedpub-files.json"


def test_media_elsewhere_is_listed_but_not_written_locally(make_show, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    make_show.episode("ep")
    result = build(make_show.root, site=False)
    media = [o for o in result.outputs if o.kind == "media"]
    assert [(o.url, o.root) for o in media] == [("https://media.example.org/audio/ep.mp3",
                                                 "media")]
    write_outputs(result, tmp_path / "public")
    written = sorted(p.name for p in (tmp_path / "public").rglob("*") if p.is_file())
    assert written == [".feedpub-files.json", "feed.xml"]
    assert not plan_outputs(build(make_show.root, site=False), tmp_path / "public")


def test_audio_known_only_from_the_lock_has_no_media_output(make_show, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = make_show.episode("ep")
    write_outputs(build(make_show.root, site=False), tmp_path / "a")
    (folder / "ep.mp3").unlink()
    result = build(make_show.root, site=False)
    assert [o.kind for o in result.outputs] == ["feed"]
    assert result.episodes[0].measured.provenance == "lock"


def test_missing_local_artwork_is_an_error_at_its_line(make_show) -> None:  # type: ignore[no-untyped-def]
    import pytest

    from feedpub.errors import ConfigError

    make_show.edit_show('artwork = "https://media.example.org/cover.jpg"', 'artwork = "nope.png"')
    make_show.episode("ep")
    with pytest.raises(ConfigError) as info:
        build(make_show.root)
    assert str(info.value).startswith("podcast.toml:6: artwork: 'nope.png': no such file")
