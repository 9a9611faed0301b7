"""Apple Podcasts' category list: kept in :mod:`feedpub.spec`, re-exported here."""

from __future__ import annotations

from .spec import APPLE_CATEGORIES, CATEGORIES, OBSOLETE_CATEGORIES, check_category

__all__ = ["APPLE_CATEGORIES", "CATEGORIES", "OBSOLETE_CATEGORIES", "check_category"]
