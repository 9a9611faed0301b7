"""episodes/<slug>/ folders -> :class:`~feedpub.model.Episode`.

See :mod:`feedpub.source.episodes`.
"""

from __future__ import annotations

from .source.episodes import (
                              CHAPTER_FILES,
                              DESCRIPTION_FILE,
                              EPISODE_FILE,
                              SLUG,
                              derived_guid,
                              episode_folders,
                              load_episode,
                              load_episodes,
)

__all__ = ["CHAPTER_FILES", "DESCRIPTION_FILE", "EPISODE_FILE", "SLUG", "derived_guid",
           "episode_folders", "load_episode", "load_episodes"]
