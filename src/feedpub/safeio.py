"""Reading the show's source files: regular files only, bounded, decoded with precise errors.

A named pipe given as ``description.md`` would block a plain ``open()`` for ever and
``/dev/zero`` would fill memory, so every source file is checked by type before it is
opened (and again on the open descriptor, which is opened non-blocking), and read up
to a limit per kind of file.  Text must be UTF-8; a byte-order mark, UTF-16/32 or a NUL
byte is named as such, with its line, instead of surfacing as a parser's puzzle.
"""

from __future__ import annotations

import os
import re
import stat
from itertools import accumulate
from pathlib import Path

from .errors import FeedpubError, Problem

MIB = 1024 * 1024
#: the largest file of each kind that is read (bytes); documented in the README
LIMITS: dict[str, int] = {
    "toml": 1 * MIB,  # podcast.toml, episode.toml, chapters.toml
    "notes": 1 * MIB,  # description.md / description.html
    "transcript": 32 * MIB,
    "chapters": 8 * MIB,  # chapters.json
    "lock": 256 * MIB,  # feedpub.lock: a few hundred bytes per episode
}
#: how deeply TOML tables and JSON arrays/objects may nest in a source file
MAX_DEPTH = 64


class SourceError(FeedpubError):
    """A source file that cannot be read as what it should be."""


def _kind_of(mode: int) -> str:
    for test, name in ((stat.S_ISFIFO, "named pipe"), (stat.S_ISCHR, "character device"),
                       (stat.S_ISBLK, "block device"), (stat.S_ISSOCK, "socket"),
                       (stat.S_ISDIR, "folder")):
        if test(mode):
            return name
    return "special file"


def read_bytes(path: Path, kind: str) -> bytes:
    """The file's bytes; FileNotFoundError passes through (callers say what was expected)."""
    limit = LIMITS[kind]
    st = os.stat(path)  # follows symlinks: a link to /dev/zero is a device
    if not stat.S_ISREG(st.st_mode):
        raise SourceError(Problem(path, f"is a {_kind_of(st.st_mode)}, not a regular file",
                                  expected="a regular file",
                                  hint="replace it with a regular file (links to files are fine)"))
    if st.st_size > limit:
        raise SourceError(too_large(path, kind, st.st_size))
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):  # swapped for a pipe since the check
            raise SourceError(Problem(path, "is not a regular file", expected="a regular file"))
        chunks = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    finally:
        os.close(fd)
    if size > limit:
        raise SourceError(too_large(path, kind, size))
    return b"".join(chunks)


def too_large(path: Path, kind: str, size: int) -> Problem:
    limit = LIMITS[kind]
    return Problem(path, f"is {size:,} bytes; a {kind} file may have at most {limit:,}",
                   expected=f"at most {limit // MIB} MiB", hint="is this the right file?")


def decode(path: Path, data: bytes, *, bom_ok: bool = False) -> str:
    """UTF-8 text, or a SourceError naming the encoding problem and its line."""
    if data.startswith(b"\xef\xbb\xbf"):
        if not bom_ok:
            raise SourceError(Problem(path, "starts with a UTF-8 byte-order mark", 1,
                                      expected="UTF-8 without a byte-order mark",
                                      hint="remove the byte-order mark (save as UTF-8 "
                                           "without BOM)"))
        data = data[3:]
    wide = utf16_or_32(data)
    if wide:
        raise SourceError(Problem(path, f"is {wide} text", 1, expected="UTF-8 text",
                                  hint="save it as UTF-8"))
    nul = data.find(b"\x00")
    if nul >= 0:
        raise SourceError(Problem(path, "contains a NUL byte", data[:nul].count(b"\n") + 1,
                                  expected="text without NUL bytes",
                                  hint="the file may be binary or damaged"))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        found = guess_encoding(data)
        raise SourceError(Problem(path, f"file is not UTF-8 (looks like {found})", line,
                                  expected="UTF-8 text",
                                  hint=f"convert it, e.g. iconv -f {found} -t UTF-8")) from None


def read_text(path: Path, kind: str, *, bom_ok: bool = False) -> str:
    return decode(path, read_bytes(path, kind), bom_ok=bom_ok)


def utf16_or_32(data: bytes) -> str | None:
    """'UTF-16' or 'UTF-32' for text in those encodings, with or without a byte-order mark."""
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "UTF-32"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "UTF-16"
    head = data[:64]
    if len(head) >= 8 and head.count(0) >= len(head) // 2:
        # ASCII text in UTF-16 leaves one byte column of zeros in two, UTF-32 three in four
        columns = sum(1 for i in range(4) if not any(head[i::4]))
        return "UTF-32" if columns >= 3 else "UTF-16"
    return None


def guess_encoding(data: bytes) -> str:
    try:
        data.decode("cp1252")
        return "Windows-1252"
    except UnicodeDecodeError:
        return "Latin-1"


#: C0 controls other than tab, line feed and carriage return
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def control_characters(text: str) -> list[tuple[int, str]]:
    """(line, character) of the first C0 control on each line other than tab and the line
    ends: XML cannot carry them, so a feed or a page could not either."""
    if not _CONTROL.search(text):  # the usual case, in one C-speed scan
        return []
    found = []
    for number, line in enumerate(text.split("\n"), start=1):
        for ch in line:
            if ord(ch) < 32 and ch not in "\t\r":
                found.append((number, f"U+{ord(ch):04X}"))
                break
    return found


#: a JSON string as :func:`deepest_line` reads one: escapes skip any character (a newline
#: too), and a string never closed runs to the end of the text (so a match never fails:
#: linear time, whatever the text); and the runs of anything but a bracket
JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*(?:"|\\?\Z)', re.DOTALL)
NOT_BRACKET = re.compile(r"[^\[\]{}]+")
STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def json_depth_ok(text: str, limit: int = MAX_DEPTH) -> int | None:
    """None when brackets nest at most ``limit`` deep (outside strings), else the line where
    the limit is passed: checked before parsing, so deep input never recurses.

    The brackets outside strings are counted at the regex engine's speed (a lock of
    10,000 episodes holds millions of characters); only text that may nest too deep is
    walked character by character, to find the line."""
    if "\\" not in text:  # no escapes: every quote opens or closes a string
        return deepest_line(text, limit) if _deeper(text.translate(_SYNTAX), limit) else None
    brackets = NOT_BRACKET.sub("", JSON_STRING.sub("", text))
    if len(brackets) <= limit or max(accumulate(map(STEP.__getitem__, brackets))) <= limit:
        return None
    return deepest_line(text, limit)


#: what is left of JSON text without escapes for :func:`_deeper`: quotes and brackets
_SYNTAX = {c: None for c in range(128) if chr(c) not in '[]{}"'}


def _deeper(syntax: str, limit: int) -> bool:
    """Whether brackets outside strings nest deeper than ``limit`` in text of quotes and
    brackets (and the non-ASCII characters the table keeps, which count for nothing)."""
    depth = 0
    in_string = False
    for ch in syntax:
        if ch == '"':
            in_string = not in_string
        elif in_string:
            continue
        elif ch in "[{":
            depth += 1
            if depth > limit:
                return True
        elif ch in "]}":
            depth -= 1
    return False


def deepest_line(text: str, limit: int) -> int | None:
    """The line where brackets outside strings first nest deeper than ``limit``."""
    depth = 0
    line = 1
    in_string = escaped = False
    for ch in text:
        if ch == "\n":
            line += 1
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > limit:
                return line
        elif ch in "]}":
            depth -= 1
    return None


#: names Windows reserves for devices, with or without an extension
WINDOWS_RESERVED = frozenset(["con", "prn", "aux", "nul", *(f"com{n}" for n in range(1, 10)),
                              *(f"lpt{n}" for n in range(1, 10))])


def not_portable(name: str) -> str | None:
    """Why a clone of the show would fail on Windows with this file or folder name, or None."""
    if name.split(".")[0].lower() in WINDOWS_RESERVED:
        return f"{name!r} is a device name on Windows"
    if name.endswith((".", " ")):
        return f"{name!r} ends with {'a dot' if name.endswith('.') else 'a space'}"
    return None
