"""feedpub validate: check a podcast feed before anything is uploaded.

Public API:

- :func:`validate_bytes` — every offline rule on feed bytes (never uses the network);
  ``feedpub build`` calls it and refuses to write a feed with errors.
- :func:`validate_file` — the same for a path, size-checked before reading.
- :class:`Finding` — severity ("error"/"warning"/"info"), rule id, message, line, hint.
- :data:`RULES` — every rule id with its spec-notes reference and a summary.
- :func:`feedpub.validate.network.check_feed_urls` and
  :func:`feedpub.validate.compare.compare_feeds` — the online and history checks.
"""

from __future__ import annotations

from .engine import validate_bytes, validate_file
from .findings import RULES, Finding, Report, Rule
from .xmlsafe import DEFAULT_MAX_SIZE

__all__ = ["DEFAULT_MAX_SIZE", "RULES", "Finding", "Report", "Rule", "validate_bytes",
           "validate_file"]
