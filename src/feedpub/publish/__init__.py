"""feedpub publish: upload a built show to its targets in the only safe order.

Public API: :func:`publish` with :class:`PublishOptions` returns a
:class:`PublishReport`; a :class:`Progress` receives what happens while it runs.
Targets (:mod:`.targets`), the plan against the target's manifest (:mod:`.plan`),
the guard against the live feed (:mod:`.guard`) and notifications
(:mod:`.notify`) are usable on their own.  Imported lazily: loading podcast.toml
imports :mod:`.config` for the ``[publish]`` table, and nothing heavier.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .run import Progress, PublishOptions, PublishReport, publish, scrub

__all__ = ["Progress", "PublishOptions", "PublishReport", "publish", "scrub"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from . import run

        return getattr(run, name)
    raise AttributeError(name)
