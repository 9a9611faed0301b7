"""Where each key and array item of a TOML document was written: path -> line.

tomllib gives values but no positions, and a line-by-line regex cannot see
that a line inside a multi-line string is not an assignment, nor find the keys
of an inline table.  :func:`lines` walks the text once with a small scanner
that knows TOML's lexical rules (strings of the four kinds, arrays and inline
tables over several lines, comments, dotted and quoted keys, arrays of tables).

It runs only on text tomllib has already accepted, so it need not report
syntax errors: on anything unexpected it stops and returns what it found.
"""

from __future__ import annotations

import re

#: a path in the parsed document: table keys, and indexes into arrays
Path = tuple[str | int, ...]

_BARE = re.compile(r"[A-Za-z0-9_-]+")
_ESCAPE = re.compile(r'\\(?:u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)', re.DOTALL)
_SIMPLE = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", '"': '"', "\\": "\\",
           "e": "\x1b"}


class _Stop(Exception):
    """The scanner met something it does not understand (tomllib accepted it anyway)."""


class _Scanner:
    def __init__(self, text: str):
        self.text = text
        self.pos = 0
        self.line = 1
        self.found: dict[Path, int] = {}
        self.array_tables: dict[Path, int] = {}  # [[x]] path -> how many so far

    # -- characters -------------------------------------------------------------
    def peek(self, n: int = 1) -> str:
        return self.text[self.pos:self.pos + n]

    def advance(self, n: int = 1) -> str:
        chunk = self.text[self.pos:self.pos + n]
        self.line += chunk.count("\n")
        self.pos += n
        return chunk

    def skip_blank(self, newlines: bool) -> None:
        """Spaces and tabs; with ``newlines``, also line ends and comments."""
        while self.pos < len(self.text):
            ch = self.text[self.pos]
            if ch in " \t":
                self.advance()
            elif ch == "#" and newlines:
                self.skip_comment()
            elif ch in "\r\n" and newlines:
                self.advance()
            else:
                return

    def skip_comment(self) -> None:
        end = self.text.find("\n", self.pos)
        self.advance((len(self.text) if end < 0 else end) - self.pos)

    # -- keys --------------------------------------------------------------------
    def key(self) -> list[str]:
        """A dotted key: bare, "basic" or 'literal' parts separated by dots."""
        parts = [self.simple_key()]
        while True:
            self.skip_blank(False)
            if self.peek() != ".":
                return parts
            self.advance()
            self.skip_blank(False)
            parts.append(self.simple_key())

    def simple_key(self) -> str:
        ch = self.peek()
        if ch in "\"'":
            return self.string()
        match = _BARE.match(self.text, self.pos)
        if not match:
            raise _Stop
        return self.advance(match.end() - self.pos)

    # -- values ------------------------------------------------------------------
    def string(self) -> str:
        """Any of the four string forms; returns the value (used for quoted keys)."""
        quote = self.peek()
        if self.peek(3) == quote * 3:
            self.advance(3)
            end = self.text.find(quote * 3, self.pos) if quote == "'" else self._basic_end(True)
            if end < 0:
                raise _Stop
            while self.text[end + 3:end + 4] == quote:  # up to two quotes before the closing
                end += 1
            raw = self.advance(end - self.pos)
            self.advance(3)
            return raw if quote == "'" else _unescape(raw)
        self.advance()
        end = self.text.find("'", self.pos) if quote == "'" else self._basic_end(False)
        if end < 0:
            raise _Stop
        raw = self.advance(end - self.pos)
        self.advance()
        return raw if quote == "'" else _unescape(raw)

    def _basic_end(self, multiline: bool) -> int:
        """Index of the closing quote(s) of a basic string, skipping escapes."""
        i = self.pos
        closing = '"""' if multiline else '"'
        while i < len(self.text):
            ch = self.text[i]
            if ch == "\\":
                i += 2
                continue
            if self.text.startswith(closing, i):
                return i
            i += 1
        return -1

    def value(self, path: Path) -> None:
        """Skip one value; record the lines of what it contains under ``path``."""
        ch = self.peek()
        if ch in "\"'":
            self.string()
        elif ch == "[":
            self.array(path)
        elif ch == "{":
            self.inline_table(path)
        else:  # number, boolean, date-time (which may contain one space)
            match = re.compile(r"[^,\]}#\r\n]*").match(self.text, self.pos)
            assert match is not None
            self.advance(len(match.group().rstrip(" \t")))

    def array(self, path: Path) -> None:
        self.advance()  # [
        index = 0
        while True:
            self.skip_blank(True)
            if self.peek() == "]":
                self.advance()
                return
            if not self.peek():
                raise _Stop
            self.found.setdefault(path + (index,), self.line)
            self.value(path + (index,))
            index += 1
            self.skip_blank(True)
            if self.peek() == ",":
                self.advance()

    def inline_table(self, path: Path) -> None:
        self.advance()  # {
        while True:
            self.skip_blank(True)  # TOML 1.1 allows newlines; harmless for 1.0
            if self.peek() == "}":
                self.advance()
                return
            if not self.peek():
                raise _Stop
            self.assignment(path)
            self.skip_blank(True)
            if self.peek() == ",":
                self.advance()

    def assignment(self, table: Path) -> None:
        line = self.line
        keys = self.key()
        full = table
        for part in keys:
            full = full + (part,)
            self.found.setdefault(full, line)
        self.skip_blank(False)
        if self.peek() != "=":
            raise _Stop
        self.advance()
        self.skip_blank(False)
        self.value(full)

    # -- the document ------------------------------------------------------------
    def header(self) -> Path:
        """``[a.b]`` or ``[[a.b]]``: the path of the table the next keys belong to."""
        line = self.line
        double = self.peek(2) == "[["
        self.advance(2 if double else 1)
        self.skip_blank(False)
        keys = self.key()
        self.skip_blank(False)
        if self.advance(2 if double else 1) != ("]]" if double else "]"):
            raise _Stop
        path: Path = ()
        for i, part in enumerate(keys):
            path = path + (part,)
            last = i == len(keys) - 1
            if path in self.array_tables and not (last and double):
                path = path + (self.array_tables[path] - 1,)  # the latest [[...]] of it
        if double:
            index = self.array_tables.get(path, 0)
            self.array_tables[path] = index + 1
            self.found.setdefault(path, line)
            path = path + (index,)
        self.found.setdefault(path, line)
        return path

    def document(self) -> None:
        table: Path = ()
        while True:
            self.skip_blank(True)
            if self.pos >= len(self.text):
                return
            if self.peek() == "[":
                table = self.header()
            else:
                self.assignment(table)
            self.skip_blank(False)
            if self.peek() == "#":
                self.skip_comment()


def _unescape(raw: str) -> str:
    def one(match: re.Match[str]) -> str:
        text = match.group()
        if text[1] in "uU":
            return chr(int(text[2:], 16))
        if text[1] in " \t\r\n":  # line-ending backslash of a multi-line string
            return ""
        return _SIMPLE.get(text[1], text)

    return _ESCAPE.sub(one, raw)


def lines(text: str) -> dict[Path, int]:
    """The line (1-based) of every key, table header and array item in ``text``.

    A key is at the line where the key is written, an array item where it
    starts, a ``[table]`` or ``[[array]]`` entry at its header.  Keys set by a
    dotted key (``a.b = 1``) or a header also give their parents a line.
    """
    scanner = _Scanner(text)
    try:
        scanner.document()
    except (_Stop, IndexError):
        pass
    return scanner.found
