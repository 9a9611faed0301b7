"""The bytes of a feed on their way to the XML parser, made safe and forgiving.

Real feeds break XML in a few well-known ways that a strict parser refuses
outright.  This filter works on the stream (constant memory, any size):

* whitespace (or a BOM) before ``<?xml`` is dropped, with a warning;
* HTML entities that XML does not define (``&nbsp;``, ``&eacute;``), outside
  CDATA sections and comments, become character references, with a warning;
  a name that is no HTML entity either stays visible as text (``&foo;``);
* a DOCTYPE that declares entities (entity bombs, ``SYSTEM`` file or network
  entities) is refused before anything is parsed; UTF-16/32 feeds are refused
  with a clear message (the filter reads ASCII-compatible bytes).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.entities import html5

XML_ENTITIES = {"amp", "lt", "gt", "quot", "apos"}
TOKEN = re.compile(rb"<!\[CDATA\[|\]\]>|<!--|-->|&([A-Za-z][A-Za-z0-9]{0,31});")
HOLD = 40  # longer than any token, so none is split between two chunks
PROLOG_LIMIT = 64 * 1024


class UnsafeFeed(Exception):
    """The feed is refused before parsing; the message says why."""


class SafeStream:
    """A file-like object for ``lxml.etree.iterparse`` over filtered chunks."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._out = bytearray()
        self._carry = b""
        self._started = False
        self._in_cdata = False
        self._in_comment = False
        self._done = False
        self.line = 1  # lines passed so far (for the first-entity warning)
        self.bytes_read = 0
        self.entities: dict[str, int] = {}  # HTML entity -> times replaced
        self.unknown: dict[str, int] = {}  # undefined names kept as text
        self.first_entity_line: int | None = None
        self.leading_whitespace = False
        self.line_offset = 0  # line breaks dropped before the XML declaration

    # -- the file protocol lxml uses -------------------------------------------------
    def read(self, size: int = -1) -> bytes:
        want = size if size and size > 0 else 1 << 20
        while len(self._out) < want and not self._done:
            self._pull()
        data = bytes(self._out[:want])
        del self._out[:want]
        return data

    def _pull(self) -> None:
        try:
            chunk = next(self._chunks)
        except StopIteration:
            self._done = True
            chunk = b""
        self.bytes_read += len(chunk)
        buf = self._carry + chunk
        if not self._started:
            if not self._done and len(buf) < PROLOG_LIMIT and _root_start(
                    buf.lstrip(b"\xef\xbb\xbf \t\r\n")) is None:
                self._carry = buf  # wait for the whole prolog
                return
            buf = self._start(buf)
        if self._done:
            self._out += self._filter(buf, len(buf))
            self._carry = b""
        else:
            cut = max(len(buf) - HOLD, 0)
            done = self._filter(buf, cut)
            self._out += done
            self._carry = buf[self._consumed:]

    def _start(self, buf: bytes) -> bytes:
        self._started = True
        if buf.startswith((b"\xff\xfe", b"\xfe\xff")) or buf[:4] in (
                b"\x00\x00\x00<", b"<\x00\x00\x00") or buf[:2] in (b"\x00<", b"<\x00"):
            raise UnsafeFeed("the feed is UTF-16 or UTF-32; feedpub reads UTF-8 (and other "
                             "ASCII-based encodings) only: convert it, e.g. with iconv")
        bom = b"\xef\xbb\xbf" if buf.startswith(b"\xef\xbb\xbf") else b""
        rest = buf[len(bom):]
        stripped = rest.lstrip(b" \t\r\n")
        if stripped is not rest and len(stripped) != len(rest):
            self.leading_whitespace = True
            self.line_offset = rest[: len(rest) - len(stripped)].count(b"\n")
            rest = stripped
        self._check_doctype(rest)
        return bom + rest

    @staticmethod
    def _check_doctype(prolog: bytes) -> None:
        root = _root_start(prolog)
        head = prolog[:root] if root is not None else prolog[:PROLOG_LIMIT]
        at = head.find(b"<!DOCTYPE")
        if at < 0:
            return
        if root is None:
            raise UnsafeFeed("the feed's DOCTYPE is longer than 64 KiB; refused (an entity "
                             "bomb or an external entity is the usual reason)")
        if b"<!ENTITY" in head[at:]:
            raise UnsafeFeed("the feed's DOCTYPE declares entities (an entity bomb or an "
                             "external file/network entity); refused before parsing")

    _consumed = 0

    def _filter(self, buf: bytes, cut: int) -> bytes:
        """Rewrite ``buf`` up to ``cut`` (or past a token that starts before it)."""
        out = bytearray()
        pos = 0
        for match in TOKEN.finditer(buf):
            if match.start() >= cut:
                break
            token = match.group(0)
            out += buf[pos:match.start()]
            pos = match.end()
            if self._in_comment:
                out += token
                if token == b"-->":
                    self._in_comment = False
                continue
            if self._in_cdata:
                out += token
                if token == b"]]>":
                    self._in_cdata = False
                continue
            if token == b"<![CDATA[":
                self._in_cdata = True
                out += token
            elif token == b"<!--":
                self._in_comment = True
                out += token
            elif token.startswith(b"&"):
                out += self._entity(match.group(1).decode("ascii"), buf, match.start())
            else:
                out += token
        end = max(cut, pos)
        out += buf[pos:end]
        self.line += buf[:end].count(b"\n")
        self._consumed = end
        return bytes(out)

    def _entity(self, name: str, buf: bytes, at: int) -> bytes:
        if name in XML_ENTITIES:
            return f"&{name};".encode("ascii")
        chars = html5.get(name + ";")
        if self.first_entity_line is None:
            self.first_entity_line = self.line + self.line_offset + buf[:at].count(b"\n")
        if chars is None:
            self.unknown[name] = self.unknown.get(name, 0) + 1
            return f"&amp;{name};".encode("ascii")
        self.entities[name] = self.entities.get(name, 0) + 1
        return "".join(f"&#{ord(c)};" for c in chars).encode("ascii")

    def warnings(self) -> list[str]:
        """What was repaired, in words (for the import's warnings)."""
        found = []
        if self.leading_whitespace:
            found.append("text before the XML declaration was ignored")
        if self.entities:
            names = ", ".join(f"&{n};" for n in sorted(self.entities))
            found.append(f"HTML entities that XML does not define ({names}, first at line "
                         f"{self.first_entity_line}) were read as the characters they name")
        if self.unknown:
            names = ", ".join(f"&{n};" for n in sorted(self.unknown))
            found.append(f"undefined entities ({names}) are no HTML entity either; kept as "
                         "visible text")
        return found


def _root_start(prolog: bytes) -> int | None:
    """Offset of the root element's start tag (after the XML declaration, comments, DOCTYPE)."""
    pos = 0
    while True:
        at = prolog.find(b"<", pos)
        if at < 0 or at + 1 >= len(prolog):
            return None
        nxt = prolog[at + 1:at + 2]
        if nxt == b"?":
            end = prolog.find(b"?>", at)
            if end < 0:
                return None
            pos = end + 2
        elif prolog.startswith(b"<!--", at):
            end = prolog.find(b"-->", at)
            if end < 0:
                return None
            pos = end + 3
        elif prolog.startswith(b"<!DOCTYPE", at):
            depth = 0
            i = at
            while i < len(prolog):
                c = prolog[i:i + 1]
                if c == b"[":
                    depth += 1
                elif c == b"]":
                    depth -= 1
                elif c == b">" and depth <= 0:
                    break
                i += 1
            else:
                return None
            pos = i + 1
        else:
            return at
