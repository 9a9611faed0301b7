"""Our feedgen extension: the ``itunes:`` and ``podcast:`` elements, written by us.

feedgen's bundled podcast extension would decide parts of our output
(``itunes:explicit`` only as yes/no/clean, silently dropped artwork), so the
channel and item extensions here write every namespaced element themselves
from the model.  They are registered with feedgen's ``register_extension``.
"""

from __future__ import annotations

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from lxml import etree

from . import chapters
from .model import Episode, Person, Show
from .spec import ITUNES_NS as ITUNES
from .spec import NAMESPACES
from .spec import PODCAST_NS as PODCAST


def sub(parent: etree._Element, ns: str, tag: str, text: str | None = None,
        **attrs: str | None) -> etree._Element:
    elem = etree.SubElement(parent, f"{{{ns}}}{tag}",
                            {k: v for k, v in attrs.items() if v is not None})
    if text is not None:
        elem.text = text
    return elem


def truefalse(value: bool) -> str:
    return "true" if value else "false"


def add_person(parent: etree._Element, person: Person) -> None:
    sub(parent, PODCAST, "person", person.name, role=person.role, group=person.group,
        href=person.href, img=person.img)


class ShowExtension(BaseExtension):  # type: ignore[misc]  # feedgen ships no type hints
    """Channel-level elements; ``show`` is set by feed.py before rendering."""

    show: Show | None = None

    def extend_ns(self) -> dict[str, str]:
        return dict(NAMESPACES)

    def extend_rss(self, feed: etree._Element) -> etree._Element:
        show = self.show
        assert show is not None
        channel = feed[0]
        sub(channel, ITUNES, "author", show.author)
        owner = sub(channel, ITUNES, "owner")
        sub(owner, ITUNES, "name", show.owner.name)
        sub(owner, ITUNES, "email", show.owner.email)
        sub(channel, ITUNES, "image", href=show.artwork)
        for cat in show.categories:
            # Apple reads the name from the "text" attribute, not the element's content.
            elem = sub(channel, ITUNES, "category")
            elem.set("text", cat.name)
            if cat.sub:
                sub(elem, ITUNES, "category").set("text", cat.sub)
        sub(channel, ITUNES, "explicit", truefalse(show.explicit))
        sub(channel, ITUNES, "type", show.type)
        sub(channel, PODCAST, "guid", show.podcast_guid)
        sub(channel, PODCAST, "locked", "yes" if show.locked else "no",
            owner=show.locked_owner)
        sub(channel, PODCAST, "medium", show.medium)
        for fund in show.funding:
            sub(channel, PODCAST, "funding", fund.text, url=fund.url)
        for person in show.persons:
            add_person(channel, person)
        return feed


class EpisodeExtension(BaseEntryExtension):  # type: ignore[misc]
    """Item-level elements; ``episode`` and ``show`` are set by feed.py."""

    episode: Episode | None = None
    show: Show | None = None

    def extend_rss(self, item: etree._Element) -> etree._Element:
        ep, show = self.episode, self.show
        assert ep is not None and show is not None and ep.audio is not None
        sub(item, ITUNES, "duration", str(round(ep.audio.duration)))
        if ep.image:
            sub(item, ITUNES, "image", href=ep.image)
        if ep.explicit is not None:
            sub(item, ITUNES, "explicit", truefalse(ep.explicit))
        sub(item, ITUNES, "episodeType", ep.episode_type)
        if ep.season is not None:
            sub(item, ITUNES, "season", str(ep.season))
            sub(item, PODCAST, "season", str(ep.season))
        if ep.number is not None:
            sub(item, ITUNES, "episode", str(ep.number))
            sub(item, PODCAST, "episode", str(ep.number))
        for published in ep.published:
            if published.mime == chapters.JSON_MIME:
                sub(item, PODCAST, "chapters", url=published.url(show), type=published.mime)
            else:
                sub(item, PODCAST, "transcript", url=published.url(show),
                    type=published.mime, language=published.language, rel=published.rel)
        for speaker in ep.speakers:
            add_person(item, speaker)
        return item

