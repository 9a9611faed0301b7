"""podcast.toml -> :class:`~feedpub.model.Show`: see :mod:`feedpub.source.show`."""

from __future__ import annotations

from .source.show import CONFIG_NAME, PODCAST_GUID_NAMESPACE, load_show, podcast_guid

__all__ = ["CONFIG_NAME", "PODCAST_GUID_NAMESPACE", "load_show", "podcast_guid"]
