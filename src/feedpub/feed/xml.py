"""Small lxml helpers shared by the itunes and podcast extensions."""

from __future__ import annotations

from lxml import etree

from ..spec import ITUNES_NS as ITUNES
from ..spec import NAMESPACES, ascii_url
from ..spec import PODCAST_NS as PODCAST

__all__ = ["ITUNES", "PODCAST", "NAMESPACES", "clark", "sub", "truefalse", "ascii_url"]

#: attributes that hold a URL: written as ASCII URIs
URL_ATTRIBUTES = frozenset(("url", "href", "img", "uri"))


#: Clark names by (namespace, tag), made once
_CLARK: dict[tuple[str, str], str] = {}
_SubElement = etree.SubElement


def clark(ns: str, tag: str) -> str:
    """``{ns}tag``."""
    name = _CLARK.get((ns, tag))
    if name is None:
        name = _CLARK[(ns, tag)] = f"{{{ns}}}{tag}"
    return name


def sub(parent: etree._Element, ns: str, tag: str, text: str | None = None,
        **attrs: str | None) -> etree._Element:
    name = _CLARK.get((ns, tag)) or clark(ns, tag)
    if attrs:
        elem = _SubElement(parent, name, {k: ascii_url(v) if k in URL_ATTRIBUTES else v
                                          for k, v in attrs.items() if v is not None})
    else:
        elem = _SubElement(parent, name)
    if text is not None:
        elem.text = text
    return elem


def truefalse(value: bool) -> str:
    return "true" if value else "false"
