"""The ``itunes:`` elements of the channel and of each item (Apple Podcasts)."""

from __future__ import annotations

from lxml import etree

from ..model import BuiltEpisode, Show
from .xml import ITUNES, clark, sub, truefalse

_SubElement = etree.SubElement
DURATION, IMAGE, EXPLICIT, EPISODE_TYPE = (clark(ITUNES, t) for t in
                                           ("duration", "image", "explicit", "episodeType"))


def channel(parent: etree._Element, show: Show, artwork_url: str) -> None:
    sub(parent, ITUNES, "author", show.author)
    owner = sub(parent, ITUNES, "owner")
    sub(owner, ITUNES, "name", show.owner.name)
    sub(owner, ITUNES, "email", show.owner.email)
    sub(parent, ITUNES, "image", href=artwork_url)
    for cat in show.categories:
        # Apple reads the name from the "text" attribute, not the element's content.
        elem = sub(parent, ITUNES, "category")
        elem.set("text", cat.name)
        if cat.sub:
            sub(elem, ITUNES, "category").set("text", cat.sub)
    sub(parent, ITUNES, "explicit", truefalse(show.explicit))
    sub(parent, ITUNES, "type", show.type)


def item(parent: etree._Element, built: BuiltEpisode, show_explicit: bool) -> None:
    ep = built.measured.episode
    _SubElement(parent, DURATION).text = str(round(built.measured.audio.duration))
    if ep.image:
        sub(parent, ITUNES, "image", href=ep.image)
    # On every item: Apple asks for it, and the Podcast Index reads a missing value as
    # clean, so an explicit show's episodes would otherwise read as clean.
    explicit = show_explicit if ep.explicit is None else ep.explicit
    _SubElement(parent, EXPLICIT).text = "true" if explicit else "false"
    _SubElement(parent, EPISODE_TYPE).text = ep.episode_type


def numbering(parent: etree._Element, built: BuiltEpisode, kind: str) -> None:
    """``itunes:season`` or ``itunes:episode`` (written beside its podcast: twin)."""
    value = built.episode.season if kind == "season" else built.episode.number
    if value is not None:
        sub(parent, ITUNES, kind, str(value))
