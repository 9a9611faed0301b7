"""Small lxml helpers shared by the itunes and podcast extensions."""

from __future__ import annotations

from lxml import etree

from ..spec import ITUNES_NS as ITUNES
from ..spec import NAMESPACES, ascii_url
from ..spec import PODCAST_NS as PODCAST

__all__ = ["ITUNES", "PODCAST", "NAMESPACES", "sub", "truefalse", "ascii_url"]

#: attributes that hold a URL: written as ASCII URIs
URL_ATTRIBUTES = frozenset(("url", "href", "img", "uri"))


def sub(parent: etree._Element, ns: str, tag: str, text: str | None = None,
        **attrs: str | None) -> etree._Element:
    elem = etree.SubElement(parent, f"{{{ns}}}{tag}",
                            {k: ascii_url(v) if k in URL_ATTRIBUTES else v
                             for k, v in attrs.items() if v is not None})
    if text is not None:
        elem.text = text
    return elem


def truefalse(value: bool) -> str:
    return "true" if value else "false"
