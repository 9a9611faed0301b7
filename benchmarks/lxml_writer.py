"""The benchmarks' baseline: a minimal direct-lxml writer of a show's channel and items.

Usage::

    python benchmarks/lxml_writer.py SHOW OUT.xml [--probe | --size N --duration S]

Reads what a build must read to write the same channel and items — ``podcast.toml``,
every ``episode.toml`` and ``description.md`` — and writes one feed with lxml: the
channel (title, link, description, language, author, explicit, artwork, categories,
owner) and per item its title, guid, pubDate (RFC 2822), enclosure, description (the
notes as written: no Markdown rendering, no sanitising), duration and explicit.  No
checks, no lock, no transcripts, no atomic write: the least any tool must do.

Audio facts are given (``--size``, ``--duration``: what a lock would say), or, with
``--probe``, measured as the simplest cold build would: ``mutagen.mp3.MP3`` parses every
file one by one and ``os.stat`` gives its size.
"""

from __future__ import annotations

import argparse
import os
import tomllib
from datetime import datetime
from email.utils import format_datetime
from pathlib import Path

from lxml import etree

ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"


def text(parent: etree._Element, tag: str, value: str, **attrs: str) -> etree._Element:
    element = etree.SubElement(parent, tag, attrs)
    element.text = value
    return element


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("show", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--probe", action="store_true", help="parse every MP3 with mutagen")
    parser.add_argument("--size", type=int, default=0)
    parser.add_argument("--duration", type=float, default=0.0)
    args = parser.parse_args()
    root: Path = args.show
    show = tomllib.loads((root / "podcast.toml").read_text(encoding="utf-8"))
    explicit = "true" if show["explicit"] else "false"
    rss = etree.Element("rss", version="2.0", nsmap={"itunes": ITUNES})
    channel = etree.SubElement(rss, "channel")
    for key in ("title", "link", "description", "language"):
        text(channel, key, show[key])
    text(channel, f"{{{ITUNES}}}author", show["author"])
    text(channel, f"{{{ITUNES}}}explicit", explicit)
    etree.SubElement(channel, f"{{{ITUNES}}}image", href=show["artwork"])
    for category in show["categories"]:
        etree.SubElement(channel, f"{{{ITUNES}}}category", text=category.split(" > ")[0])
    owner = etree.SubElement(channel, f"{{{ITUNES}}}owner")
    text(owner, f"{{{ITUNES}}}name", show["owner"]["name"])
    text(owner, f"{{{ITUNES}}}email", show["owner"]["email"])
    if args.probe:
        from mutagen.mp3 import MP3
    for folder in sorted((root / "episodes").iterdir()):
        ep = tomllib.loads((folder / "episode.toml").read_text(encoding="utf-8"))
        notes = (folder / "description.md").read_text(encoding="utf-8")
        size, duration = args.size, args.duration
        if args.probe:
            audio = folder / ep["audio"]
            duration = MP3(audio).info.length
            size = os.stat(audio).st_size
        item = etree.SubElement(channel, "item")
        text(item, "title", ep["title"])
        text(item, "guid", ep["guid"], isPermaLink="false")
        date = ep["date"]
        if not isinstance(date, datetime):
            date = datetime.fromisoformat(str(date))
        text(item, "pubDate", format_datetime(date))
        etree.SubElement(item, "enclosure", url=show["media_base_url"] + ep["audio"],
                         length=str(size), type="audio/mpeg")
        text(item, "description", notes)
        text(item, f"{{{ITUNES}}}duration", str(round(duration)))
        text(item, f"{{{ITUNES}}}explicit", explicit)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(etree.tostring(rss, xml_declaration=True, encoding="UTF-8"))


if __name__ == "__main__":
    main()
