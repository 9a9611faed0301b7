"""JSON with line numbers: error messages must point at the segment or chapter at fault.

The standard library forgets where each object was; this decoder remembers
the line every JSON object starts on, so a bad segment in a 5,000-line
transcript is reported as ``transcript.json:4012`` rather than "somewhere".
"""

from __future__ import annotations

import bisect
import json
import json.decoder
import json.scanner
from pathlib import Path
from typing import Any

from .errors import Problem


class LinedDict(dict[str, Any]):
    """A JSON object that knows the line its ``{`` was on."""

    line: int = 0


def _decoder(text: str) -> json.JSONDecoder:
    decoder = json.JSONDecoder()
    # offsets of every newline, so a line number is a binary search, not a recount
    newlines = [i for i, c in enumerate(text) if c == "\n"]

    def parse_object(s_and_end: tuple[str, int], *args: Any, **kwargs: Any) -> tuple[Any, int]:
        end = s_and_end[1]
        obj, new_end = json.decoder.JSONObject(  # type: ignore[attr-defined]
            s_and_end, *args, **kwargs)
        lined = LinedDict(obj)
        lined.line = bisect.bisect_left(newlines, end) + 1
        return lined, new_end

    # parse_object and the pure-Python scanner are the stdlib's own extension points (the
    # C scanner cannot be hooked); the tests pin their behaviour.
    decoder.parse_object = parse_object  # type: ignore[attr-defined]
    decoder.scan_once = json.scanner.py_make_scanner(decoder)  # type: ignore[attr-defined]
    return decoder


def loads(text: str, path: Path | str | None) -> tuple[Any, Problem | None]:
    """Parse ``text``; on a syntax error return a Problem located at the bad line."""
    try:
        return _decoder(text).decode(text), None
    except json.JSONDecodeError as exc:
        return None, Problem(path, f"not valid JSON: {exc.msg}", exc.lineno,
                             hint=f"column {exc.colno}")
    except RecursionError:
        return None, Problem(path, "not usable JSON: nested too deeply", 1)


def line_of(obj: object) -> int | None:
    return obj.line if isinstance(obj, LinedDict) else None
