"""Parse untrusted feed bytes without letting the feed attack the validator.

A feed fetched from the internet may carry entity bombs ("billion laughs"),
external entities that read local files (XXE), or simply be gigabytes long.
We cap the input size before parsing and leave the rest to libxml2's own
guards, as lxml's parser options configure them: no entity substitution, no
DTD loading, no network, and its resource limits on (``huge_tree`` off: entity
amplification, node size and depth are bounded).  A document whose DOCTYPE
declares entities, or that trips an entity guard, is refused with
``xml-entities``: a finding, never a crash or a hang.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from lxml import etree

from .findings import Collector

#: 512 MiB: a 100,000-episode feed is about 230 MB, so this leaves headroom.
DEFAULT_MAX_SIZE = 512 * 1024 * 1024

_DECL = re.compile(rb"""<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")
_UTF8_NAMES = {"utf-8", "utf8"}


def quoteattr(value: str) -> str:
    """An XML attribute value, escaped and quoted exactly as ``xml.sax.saxutils.quoteattr``
    does, without importing that module (it loads ``urllib.request``, ``http.client`` and
    ``ssl``: a tenth of what a rebuild imports)."""
    value = value.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")
    value = value.replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")
    if '"' not in value:
        return f'"{value}"'
    if "'" not in value:
        return f"'{value}'"
    return '"{}"'.format(value.replace('"', "&quot;"))


def make_parser() -> etree.XMLParser:
    """A fresh hardened parser (lxml parsers must not be shared across threads)."""
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
        huge_tree=False, remove_blank_text=False, recover=False,
    )


#: libxml2 errors that mean an entity guard stopped the parse
_ENTITY_GUARDS = {"ERR_ENTITY_LOOP", "ERR_ENTITY_PE_INTERNAL"}


def _entity_guard(log: etree._ListErrorLog) -> bool:
    """Did one of libxml2's entity guards stop the parse (amplification, loops)?

    A bare ``&`` or an undefined ``&nbsp;`` is no such thing: a plain XML mistake.
    """
    for e in log:
        text = e.message.lower()
        if e.type_name in _ENTITY_GUARDS or "amplification" in text or (
                e.type_name == "ERR_RESOURCE_LIMIT" and "entit" in text):
            return True
    return False


def declared_encoding(data: bytes) -> str | None:
    """The encoding named in the XML declaration, if any (ASCII-compatible files only)."""
    m = _DECL.match(data[:256].lstrip(codecs.BOM_UTF8))
    return m.group(1).decode("ascii") if m else None


def _utf8_error(data: bytes, chunk: int = 1 << 20) -> int | None:
    """Offset of the first invalid UTF-8 byte, or None; never copies the whole file."""
    if data.isascii():
        return None
    view = memoryview(data)
    start, size = 0, len(data)
    while start < size:
        end = min(start + chunk, size)
        back = 0
        while end < size and back < 3 and 0x80 <= data[end] <= 0xBF:
            end -= 1  # do not split a multi-byte character between chunks
            back += 1
        try:
            codecs.utf_8_decode(view[start:end], None, True)
        except UnicodeDecodeError as err:
            return start + err.start
        start = end
    return None


_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def _wide_encoding(data: bytes) -> str | None:
    """The UTF-16/UTF-32 codec of ``data``, with or without a byte-order mark, or None.

    Without a BOM the NUL bytes give it away: XML text (and so a feed) never contains
    U+0000, while UTF-16 puts a NUL beside every ASCII character and UTF-32 three.
    """
    for bom, codec in _BOMS:  # UTF-32 first: its LE BOM starts with UTF-16's
        if data.startswith(bom):
            return codec
    sample = data[:512]
    if b"\x00" not in sample:
        return None  # the common case, decided by one scan of 512 bytes
    sample = sample[:len(sample) - len(sample) % 4]
    if len(sample) < 4:
        return None
    quads = [sample[i::4].count(0) / (len(sample) // 4) for i in range(4)]
    if quads[1] > 0.9 and quads[2] > 0.9 and quads[3] > 0.9 and quads[0] < 0.5:
        return "utf-32-le"
    if quads[0] > 0.9 and quads[1] > 0.9 and quads[2] > 0.9 and quads[3] < 0.5:
        return "utf-32-be"
    even, odd = (quads[0] + quads[2]) / 2, (quads[1] + quads[3]) / 2
    if odd > 0.5 and even < 0.1:
        return "utf-16-le"
    if even > 0.5 and odd < 0.1:
        return "utf-16-be"
    return None


def _check_encoding(data: bytes, out: Collector) -> bool:
    """Report encoding problems; return False when the bytes cannot be parsed at all."""
    wide = _wide_encoding(data)
    if wide in ("utf-16", "utf-32"):
        out.error("xml-encoding", "the feed is UTF-16/UTF-32; Apple Podcasts requires UTF-8",
                  line=1, hint="re-save the file as UTF-8 without a byte-order mark")
        return True
    if wide is not None:
        name = wide.upper().replace("-LE", " little-endian").replace("-BE", " big-endian")
        out.error("xml-encoding", f"the feed is {name} without a byte-order mark; Apple "
                  "Podcasts requires UTF-8", line=1,
                  hint="re-save the file as UTF-8 (readers cannot even guess UTF-16 without "
                       "a byte-order mark)")
        return False
    declared = declared_encoding(data)
    if declared is None or declared.lower() in _UTF8_NAMES:
        error = _utf8_error(data)
        if error is not None:
            line = data.count(b"\n", 0, error) + 1
            bad = data[error:error + 4]
            label = f"declared {declared}" if declared else "UTF-8 by default (no declaration)"
            out.error("xml-encoding",
                      f"bytes {bad!r} are not valid UTF-8, but the feed is {label}",
                      line=line,
                      hint="the file is probably Latin-1/Windows-1252: re-encode it as UTF-8")
            return False
        return True
    try:
        codecs.lookup(declared)
    except LookupError:
        out.error("xml-encoding", f"unknown encoding {declared!r} in the XML declaration",
                  line=1, hint='declare encoding="UTF-8" and save the file as UTF-8')
        return False
    message = f"the feed declares encoding {declared!r}; Apple Podcasts requires UTF-8"
    if not data.isascii() and _utf8_error(data) is None:
            message += (f"; its bytes are valid UTF-8, so the {declared!r} declaration is "
                        "wrong and readers will show garbled accents")
    out.error("xml-encoding", message, line=1,
              hint='convert the file to UTF-8 and declare encoding="UTF-8"')
    return True


def _syntax_error(err: etree.XMLSyntaxError, log: etree._ListErrorLog, out: Collector) -> None:
    # the parser's own log: err.error_log can also hold earlier parses' messages
    if _entity_guard(log):
        _refuse_entities(out)
        return
    entries = [e for e in log if e.level >= etree.ErrorLevels.ERROR][:5]
    if not entries:
        out.error("xml-malformed", str(err), line=err.lineno or None)
        return
    for e in entries:
        msg = e.message.strip()
        where = f"{msg} (column {e.column})"
        if e.domain_name == "NAMESPACE":
            out.error("xml-namespace", where, line=e.line,
                      hint="declare the prefix on <rss>, e.g. xmlns:itunes="
                           '"http://www.itunes.com/dtds/podcast-1.0.dtd"')
        elif "encoding" in msg.lower():
            out.error("xml-encoding", where, line=e.line,
                      hint="save the file as UTF-8 and declare encoding=\"UTF-8\"")
        elif "Entity" in msg and "not defined" in msg:
            out.error("xml-malformed", where, line=e.line,
                      hint="HTML entities like &nbsp; are not XML: use the character itself, "
                           "a numeric reference (&#160;) or wrap the text in CDATA")
        elif "xmlParseEntityRef" in msg or "EntityRef" in msg:
            out.error("xml-malformed", where, line=e.line,
                      hint="escape a bare & as &amp; (or wrap HTML in CDATA)")
        else:
            out.error("xml-malformed", where, line=e.line)


def parse(data: bytes, out: Collector,
          max_size: int = DEFAULT_MAX_SIZE) -> etree._Element | None:
    """Parse ``data`` safely; report problems to ``out``; None when unusable."""
    if len(data) > max_size:
        out.error("xml-too-large",
                  f"the feed is {len(data):,} bytes, over the {max_size:,}-byte limit; "
                  "it was not parsed", hint="raise the limit with --max-size if this is expected")
        return None
    if not data.strip():
        out.error("xml-malformed", "the feed is empty", line=1)
        return None
    if not _check_encoding(data, out):
        return None
    parser = make_parser()
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as err:
        _syntax_error(err, parser.error_log, out)
        return None
    return _after_parse(root, out)


def _after_parse(root: etree._Element, out: Collector) -> etree._Element | None:
    docinfo = root.getroottree().docinfo
    if docinfo.doctype:
        dtd = docinfo.internalDTD
        declares = dtd is not None and any(True for _ in dtd.iterentities())
        if declares:
            _refuse_entities(out)
            return None
    return root


#: how much of a file parse_file reads itself to check the declaration and encoding
_HEAD = 64 * 1024


def parse_file(path: Path, out: Collector,
               max_size: int = DEFAULT_MAX_SIZE) -> tuple[etree._Element | None, int]:
    """:func:`parse` for a file, letting libxml2 read it: (root or None, size in bytes).

    Only the head of the file is read in Python (declaration, BOM).  The common
    case, a UTF-8 feed, never holds a second copy of the file in memory; every
    unusual case falls back to :func:`parse` on the whole bytes, so the findings
    are exactly those of :func:`validate_bytes`.
    """
    size = path.stat().st_size
    if size > max_size:
        out.error("xml-too-large", f"the feed is {size:,} bytes, over the {max_size:,}-byte "
                  "limit; it was not read", hint="raise the limit with --max-size")
        return None, size
    with path.open("rb") as f:
        head = f.read(_HEAD)
    declared = declared_encoding(head)
    unusual = (size <= _HEAD or not head.strip() or _wide_encoding(head) is not None
               or (declared is not None and declared.lower() not in _UTF8_NAMES))
    if unusual:
        return parse(path.read_bytes(), out, max_size), size
    parser = make_parser()
    try:
        root = etree.parse(str(path), parser).getroot()
    except etree.XMLSyntaxError as err:
        if any("encoding" in e.message.lower() or "utf-8" in e.message.lower()
               for e in parser.error_log):
            return parse(path.read_bytes(), out, max_size), size  # exact byte and line
        _syntax_error(err, parser.error_log, out)
        return None, size
    except OSError:  # libxml2 reports some decoding failures as read errors
        return parse(path.read_bytes(), out, max_size), size
    return _after_parse(root, out), size


def _refuse_entities(out: Collector) -> None:
    out.error("xml-entities", "the DOCTYPE declares entities; the feed was not parsed "
              "(entity bombs and external entities are attacks on feed readers)", line=1,
              hint="remove the <!DOCTYPE ...> block; RSS needs no DTD")
