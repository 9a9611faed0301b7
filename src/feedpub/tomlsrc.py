"""TOML files that remember where each key was written, for error messages.

tomllib gives the line of a syntax error but not of a key, so a bad *value*
would otherwise be reported without a line.  :class:`TomlSource` asks
:mod:`feedpub.source.locate` (a scanner that knows multi-line strings, inline
tables and arrays of tables) for the line of a dotted key.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from . import safeio
from .errors import Problem
from .source import locate

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
SYNTAX_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)")


def key_path(dotted: str) -> locate.Path:
    """``speakers.1.name`` -> ("speakers", 1, "name")."""
    return tuple(int(p) if p.isdigit() else p for p in dotted.split("."))


@dataclass
class TomlSource:
    path: Path
    data: dict[str, Any]
    text: str
    problems: list[Problem] = field(default_factory=list)

    @cached_property
    def lines(self) -> dict[locate.Path, int]:
        return locate.lines(self.text)

    def line_at(self, path: locate.Path) -> int | None:
        """Line of the key or array item at ``path``; for one that is absent, the line of
        the nearest table or array item around it (None at the top level)."""
        while path:
            line = self.lines.get(path)
            if line is not None:
                return line
            path = path[:-1]
        return None

    def line_of(self, dotted: str) -> int | None:
        """Line where ``dotted`` (``owner.email``, ``speakers.1.name``) is set, if found.

        An item of a list (``categories.0``) is reported at the item's line; a key
        that is absent at its table's header line.
        """
        return self.line_at(key_path(dotted))

    def problem(self, dotted: str, message: str, expected: str | None = None,
                hint: str | None = None) -> None:
        """Record a problem with the value at ``dotted``."""
        self.problems.append(Problem(self.path, f"{dotted}: {message}",
                                     self.line_of(dotted), expected, hint))

    def missing(self, dotted: str, expected: str) -> None:
        self.problems.append(Problem(self.path, f"{dotted} is missing",
                                     self.line_of(dotted), expected))


def load(path: Path) -> tuple[TomlSource | None, Problem | None]:
    """Read and parse; a syntax or encoding error comes back as a Problem, with its line."""
    try:
        text = safeio.read_text(path, "toml")
    except safeio.SourceError as err:
        return None, err.problems[0]
    except OSError as exc:
        return None, Problem(path, f"cannot read file: {exc.strerror}")
    return parse(text, path)


def parse(text: str, path: Path) -> tuple[TomlSource | None, Problem | None]:
    """:func:`load` for text already read; ``path`` names it in messages."""
    try:
        data = tomllib.loads(text)
    except RecursionError:
        return None, Problem(path, "arrays or tables nest too deeply",
                             expected=f"at most {safeio.MAX_DEPTH} levels")
    except tomllib.TOMLDecodeError as exc:
        position = SYNTAX_POSITION.search(str(exc))
        if position is None:
            return None, Problem(path, f"invalid TOML: {exc}")
        message = SYNTAX_POSITION.sub(f" (column {position.group(2)})", str(exc))
        twice = re.match(r"Cannot declare \('([^']+)',?\) twice", str(exc))
        line = int(position.group(1))
        hint = (f"a table is declared once; for a list of tables write [[{twice.group(1)}]]"
                " above each entry") if twice else value_hint(text, line)
        return None, Problem(path, f"invalid TOML: {message}", line, hint=hint)
    return TomlSource(path, data, text), None


#: ``key = value`` on one line, the value unquoted
_ASSIGNMENT = re.compile(r"\s*([A-Za-z0-9_.-]+)\s*=\s*([^\s\"'\[{#][^#]*?)\s*(#.*)?$")
_DATE_LIKE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}([ T]\S+)?")


def value_hint(text: str, line: int) -> str | None:
    """The usual cause of a syntax error on ``line``, for the values show files hold: an
    impossible or mistyped date, a capitalised boolean, text without quotes."""
    lines = text.splitlines()
    m = _ASSIGNMENT.match(lines[line - 1]) if 0 < line <= len(lines) else None
    if m is None:
        return None
    key, value = m.group(1), m.group(2)
    if _DATE_LIKE.fullmatch(value):
        return (f"{value} is not a real date: write it as YYYY-MM-DD (two-digit month and "
                "day), e.g. 2025-05-13, or a date-time such as 2025-05-13T07:00:00+02:00")
    if value in ("True", "False", "TRUE", "FALSE", "yes", "no", "Yes", "No"):
        return f"write {key} = true or {key} = false (lower case, no quotes)"
    if not re.fullmatch(r"[-+]?[\d_.]+([eE][-+]?\d+)?|true|false|inf|nan", value):
        quoted = f"'{value}'" if '"' in value else f'"{value}"'
        return f"text is written in quotes: {key} = {quoted}"
    return None


def get(src: TomlSource, data: dict[str, Any], key: str, dotted: str, kind: type | tuple[type, ...],
        expected: str, required: bool = False, default: Any = None) -> Any:
    """A typed value from ``data``; a wrong type or a missing required key is recorded."""
    if key not in data:
        if required:
            src.missing(dotted, expected)
        return default
    value = data[key]
    if isinstance(value, bool) and kind is not bool and not (
            isinstance(kind, tuple) and bool in kind):
        src.problem(dotted, f"got {value!r}", expected)
        return default
    if not isinstance(value, kind):
        src.problem(dotted, f"got {value!r}", expected)
        return default
    if isinstance(value, str):
        if CONTROL.search(value):
            src.problem(dotted, "contains a control character XML cannot carry", expected)
            return default
        if required and not value.strip():
            src.problem(dotted, "is empty", expected)
            return default
    return value
