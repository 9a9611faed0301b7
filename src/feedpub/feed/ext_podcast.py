"""The ``podcast:`` elements (Podcasting 2.0 namespace) of the channel and each item."""

from __future__ import annotations

from lxml import etree

from ..audio import FORMATS
from ..model import BuiltEpisode, Person, Show
from .xml import PODCAST, ascii_url, clark, sub

_SubElement = etree.SubElement
PERSON, TRANSCRIPT = clark(PODCAST, "person"), clark(PODCAST, "transcript")


def add_person(parent: etree._Element, person: Person) -> None:
    if person.href is None and person.img is None and person.role is not None and \
            person.group is not None:  # the usual person: no URLs to convert
        _SubElement(parent, PERSON, role=person.role, group=person.group).text = person.name
        return
    sub(parent, PODCAST, "person", person.name, role=person.role, group=person.group,
        href=person.href, img=person.img)


def channel(parent: etree._Element, show: Show) -> None:
    sub(parent, PODCAST, "guid", show.podcast_guid)
    sub(parent, PODCAST, "locked", "yes" if show.locked else "no", owner=show.locked_owner)
    sub(parent, PODCAST, "medium", show.medium)
    for fund in show.funding:
        sub(parent, PODCAST, "funding", fund.text, url=fund.url)
    for person in show.persons:
        add_person(parent, person)


def numbering(parent: etree._Element, built: BuiltEpisode, kind: str) -> None:
    """``podcast:season`` or ``podcast:episode``."""
    value = built.episode.season if kind == "season" else built.episode.number
    if value is not None:
        sub(parent, PODCAST, kind, str(value))


def encoding_title(name: str, bitrate: int | None) -> str:
    """``Opus 64 kbps``: how an app lists the choice (the namespace allows 32 characters)."""
    return f"{name} {round(bitrate / 1000)} kbps" if bitrate else name


def item(parent: etree._Element, built: BuiltEpisode) -> None:
    """Encodings, companion files (from the build's outputs, URLs from the layout), people."""
    for n, (facts, url) in enumerate(built.encodings):
        fmt = FORMATS.get(facts.kind)
        alt = sub(parent, PODCAST, "alternateEnclosure", type=facts.mime, length=str(facts.size),
                  bitrate=str(facts.bitrate) if facts.bitrate else None,
                  title=encoding_title(fmt.title if fmt else facts.kind, facts.bitrate),
                  codecs=fmt.codecs if fmt else None,
                  default="true" if n == 0 else None)
        sub(alt, PODCAST, "source", uri=url)
        if facts.sri:
            sub(alt, PODCAST, "integrity", type="sri", value=facts.sri)
    for out in built.companions:
        if out.kind == "chapters":
            sub(parent, PODCAST, "chapters", url=out.url, type=out.mime)
        elif out.rel is None and out.language is not None:  # the usual transcript
            _SubElement(parent, TRANSCRIPT, url=ascii_url(out.url), type=out.mime,
                        language=out.language)
        else:
            sub(parent, PODCAST, "transcript", url=out.url, type=out.mime,
                language=out.language, rel=out.rel)
    for speaker in built.episode.speakers:
        add_person(parent, speaker)
