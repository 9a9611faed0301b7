"""An episode's show notes: ``description.md`` (Markdown) or ``description.html``.

Importers write ``description.html``: the notes as the old host published
them, already HTML.  Exactly one of the two files must exist.  The HTML is
sanitised again on reading (a hand edit may add anything) by the same nh3
sanitiser and allow-list as rendered Markdown (:mod:`feedpub.markup`): only the
tags podcast apps render are kept, links only with http(s) or mailto targets,
and the content of scripts and styles is dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .. import safeio
from ..errors import Problem
from ..markup import clean, sanitize

MARKDOWN_FILE = "description.md"
HTML_FILE = "description.html"


@dataclass(frozen=True)
class Notes:
    """The notes' source text, and their HTML when the source was HTML."""

    source: Path
    text: str
    html: str | None = None


def sanitise(text: str) -> str:
    """The notes as safe HTML: :func:`feedpub.markup.sanitize`, the one allow-list of show
    notes (tags apps render, http(s) and mailto links, no scripts or styles)."""
    return sanitize(clean(text)).strip()


def _read(path: Path, problems: list[Problem]) -> str | None:
    try:
        return safeio.read_text(path, "notes", bom_ok=True).strip()
    except safeio.SourceError as err:
        problems.extend(err.problems)
    except OSError as exc:
        problems.append(Problem(path, f"cannot read: {exc.strerror}"))
    return None


def read_notes(folder: Path, problems: list[Problem]) -> Notes | None:
    """The notes of the episode in ``folder``; problems (none, both, empty…) are recorded."""
    md, htm = folder / MARKDOWN_FILE, folder / HTML_FILE
    if md.exists() and htm.exists():
        problems.append(Problem(htm, f"both {MARKDOWN_FILE} and {HTML_FILE} exist",
                                expected="one file of show notes",
                                hint=f"keep one: {HTML_FILE} is what an import wrote"))
        return None
    if not htm.exists():
        if not md.exists():
            problems.append(Problem(md, f"missing {MARKDOWN_FILE}",
                                    expected="show notes in Markdown"))
            return None
        text = _read(md, problems)
        if text is None:
            return None
        if not text:
            problems.append(Problem(md, "description is empty",
                                    expected="show notes in Markdown"))
        return Notes(md, text)
    text = _read(htm, problems)
    if text is None:
        return None
    safe = sanitise(text)
    if not safe:
        problems.append(Problem(htm, "description is empty", expected="show notes in HTML"))
    return Notes(htm, text, safe)
