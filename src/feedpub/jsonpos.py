"""JSON with line numbers: error messages must point at the segment or chapter at fault.

The standard library forgets where each object was; :func:`loads` also
returns, for the objects that sit in an array directly under the root object
(a transcript's ``segments``, a chapters file's ``chapters``), the line their
``{`` is on, so a bad segment in a 5,000-line transcript is reported as
``transcript.json:4012`` rather than "somewhere".

Speed: every value is parsed by the standard library's C scanner.  Only the
root object and those arrays are walked here, in Python, to note where each
item starts; anything unusual there (a syntax error above all) is handed to
the stdlib decoder as a whole, whose message and line are the ones reported.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from .errors import Problem

_WS = re.compile(r"[ \t\n\r]*")
_SEPARATOR = re.compile(r"[ \t\n\r]*([,\]])[ \t\n\r]*")


class LinedDict(dict[str, Any]):
    """A JSON object that knows the line its ``{`` was on."""

    line: int = 0


class _Unusual(ValueError):
    """Not the shape the walk handles: the stdlib decoder decides (and names the error)."""


def _walk(text: str) -> Any:
    """The parsed document, with lines on the root object and its arrays' objects."""
    scan = json.JSONDecoder().scan_once  # type: ignore[attr-defined]  # C; one per call (memo)
    counted = [0, 1]  # offset up to which newlines are counted, and the line there

    def line(at: int) -> int:
        """Line of offset ``at``; offsets are asked for in increasing order."""
        counted[1] += text.count("\n", counted[0], at)
        counted[0] = at
        return counted[1]

    def ws(at: int) -> int:
        match = _WS.match(text, at)
        assert match is not None  # the pattern matches the empty string
        return match.end()

    def value(at: int) -> tuple[Any, int]:
        try:
            return scan(text, at)  # type: ignore[no-any-return]
        except StopIteration:
            raise _Unusual(at) from None

    def array(at: int) -> tuple[list[Any], int]:
        items: list[Any] = []
        at = ws(at + 1)
        if text.startswith("]", at):
            return items, at + 1
        separator = _SEPARATOR.match
        while True:  # the hot loop: one C scan and one regex match per item
            item, end = value(at)
            if type(item) is dict:
                lined = LinedDict(item)
                lined.line = line(at)
                item = lined
            items.append(item)
            sep = separator(text, end)
            if sep is None:
                raise _Unusual(end)
            if sep.group(1) == "]":
                return items, sep.end()
            at = sep.end()

    at = ws(0)
    if not text.startswith("{", at):
        doc, at = value(at)
    else:
        doc = LinedDict()
        doc.line = line(at)
        at = ws(at + 1)
        if text.startswith("}", at):
            at += 1
        else:
            while True:
                if not text.startswith('"', at):
                    raise _Unusual(at)
                key, at = value(at)
                at = ws(at)
                if not text.startswith(":", at):
                    raise _Unusual(at)
                at = ws(at + 1)
                doc[key], at = array(at) if text.startswith("[", at) else value(at)
                at = ws(at)
                if text.startswith(",", at):
                    at = ws(at + 1)
                elif text.startswith("}", at):
                    at += 1
                    break
                else:
                    raise _Unusual(at)
    if ws(at) != len(text):
        raise _Unusual(at)
    return doc


def loads(text: str, path: Path | str | None) -> tuple[Any, Problem | None]:
    """Parse ``text``; on a syntax error return a Problem located at the bad line."""
    try:
        try:
            return _walk(text), None
        except ValueError:  # _Unusual, or a JSONDecodeError inside a value
            return json.JSONDecoder().decode(text), None  # (no lines: not seen to happen)
    except json.JSONDecodeError as exc:
        return None, Problem(path, f"not valid JSON: {exc.msg}", exc.lineno,
                             hint=f"column {exc.colno}")
    except RecursionError:
        return None, Problem(path, "not usable JSON: nested too deeply", 1)


def line_of(obj: object) -> int | None:
    return obj.line if isinstance(obj, LinedDict) else None
