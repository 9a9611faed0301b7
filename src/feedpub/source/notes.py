"""An episode's show notes: ``description.md`` (Markdown) or ``description.html``.

Importers write ``description.html``: the notes as the old host published
them, already HTML.  Exactly one of the two files must exist.  The HTML is
sanitised again on reading (a hand edit may add anything): only the tags
podcast apps render are kept, links only with http(s) or mailto targets, and
the content of scripts and styles is dropped.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from .. import safeio
from ..errors import Problem
from ..markup import clean

MARKDOWN_FILE = "description.md"
HTML_FILE = "description.html"
#: tags kept in show notes (Apple renders <p> <ol> <ul> <li> <a>; the rest are harmless)
ALLOWED_TAGS = frozenset("p br ol ul li a b strong i em blockquote code pre h1 h2 h3 h4 h5 h6 hr"
                         .split())
VOID_TAGS = frozenset(("br", "hr"))
DROPPED_CONTENT = frozenset(("script", "style", "template", "iframe", "object"))
LINK_SCHEMES = ("http://", "https://", "mailto:")


@dataclass(frozen=True)
class Notes:
    """The notes' source text, and their HTML when the source was HTML."""

    source: Path
    text: str
    html: str | None = None


class _Sanitiser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.open: list[str] = []
        self.dropping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in DROPPED_CONTENT:
            self.dropping += 1
            return
        if self.dropping or tag not in ALLOWED_TAGS:
            return
        if tag == "a":
            href = (dict(attrs).get("href") or "").strip()
            if href.lower().startswith(LINK_SCHEMES):
                self.out.append(f'<a href="{html.escape(href, quote=True)}">')
            else:
                self.out.append("<a>")
        else:
            self.out.append(f"<{tag}>")
        if tag not in VOID_TAGS:
            self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID_TAGS and not self.dropping:
            self.out.append(f"<{tag}>")

    def handle_endtag(self, tag: str) -> None:
        if tag in DROPPED_CONTENT:
            self.dropping = max(0, self.dropping - 1)
            return
        if self.dropping or tag not in self.open:
            return
        while self.open:  # close what an unclosed inner tag left open
            inner = self.open.pop()
            self.out.append(f"</{inner}>")
            if inner == tag:
                break

    def handle_data(self, data: str) -> None:
        if not self.dropping:
            self.out.append(html.escape(data, quote=False))


def sanitise(text: str) -> str:
    """HTML with only :data:`ALLOWED_TAGS`, safe link targets and no scripts or styles."""
    parser = _Sanitiser()
    parser.feed(clean(text))
    parser.close()
    parser.out.extend(f"</{tag}>" for tag in reversed(parser.open))
    return "".join(parser.out).strip()


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
