"""The feed writer: the built model -> feed.xml bytes.

``render`` writes the channel with feedgen (the only module that drives it) and each
item with lxml directly; ``ext_itunes`` and ``ext_podcast`` write the namespaced
elements, mirroring the validator's ``rules_apple`` and ``rules_podcast``.
"""

from .items import Feed, assemble, validate_feed
from .render import ordered, render_feed

__all__ = ["Feed", "assemble", "ordered", "render_feed", "validate_feed"]
