"""Full-text search over the episode pages, fully static: a Pagefind index.

Pagefind (the ``pagefind-bin`` package ships its binary) indexes the rendered pages and
makes its bundle (index fragments, WebAssembly and a small search UI), which goes into
``pagefind/`` of the site.  Only the parts of the episode pages marked
``data-pagefind-body`` are indexed: title, notes, transcript.

The binary runs in its service mode (``pagefind --service``, the protocol of Pagefind's
own Node and Python APIs: base64 JSON messages, each ended by a comma, on stdin and
stdout): the pages are sent from memory, in path order, and the bundle comes back in
one message.  No temporary site is written and read back, which on a slow disk cost
twice Pagefind's own time.  Pagefind cannot update an index: every run indexes every
page it is given.
"""

from __future__ import annotations

import base64
import binascii
import importlib
import json
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from ..errors import FeedpubError, Problem
from ..layout import Layout
from ..model import Output
from . import hostconfig

#: parts of Pagefind's bundle the pages never load (its other two UIs)
UNUSED = ("pagefind-component-ui.", "pagefind-modular-ui.")
TIMEOUT = 600  # seconds


def executable() -> Path:
    try:
        found: Path = importlib.import_module("pagefind_bin").get_executable()
        return found
    except (ImportError, OSError) as err:
        raise not_run(err) from None


def not_run(err: object) -> FeedpubError:
    return FeedpubError(Problem("site search", f"Pagefind did not run: {err}",
                                hint="reinstall feedpub (it needs pagefind-bin), "
                                     "or build with --no-site"))


def message(message_id: int, payload: dict[str, Any]) -> bytes:
    body = json.dumps({"message_id": message_id, "payload": payload}).encode("utf-8")
    return base64.b64encode(body) + b","


def replies(stream: IO[bytes]) -> Iterator[dict[str, Any]]:
    """The service's messages, as they arrive."""
    buffer = bytearray()
    while True:
        chunk = stream.read1(1 << 20)  # type: ignore[attr-defined]
        if not chunk:
            return
        seen = len(buffer)  # no comma before: a bundle of 100 MB is scanned once
        buffer += chunk
        while (end := buffer.find(b",", seen)) >= 0:
            raw = bytes(buffer[:end])
            del buffer[: end + 1]
            seen = 0
            try:
                found = json.loads(base64.b64decode(raw, validate=True))
            except (binascii.Error, ValueError):
                continue  # not a message of the protocol
            if isinstance(found, dict) and isinstance(found.get("payload"), dict):
                yield found


def bundle_files(pages: list[Output], language: str) -> list[tuple[str, bytes]]:
    """Pagefind's bundle of ``pages``: (path inside the bundle, bytes) of every file."""
    with tempfile.TemporaryFile() as errors:
        try:
            proc = subprocess.Popen([str(executable()), "--service"], stdin=subprocess.PIPE,
                                    stdout=subprocess.PIPE, stderr=errors)
        except OSError as err:
            raise not_run(err) from None
        timer = threading.Timer(TIMEOUT, proc.kill)
        timer.start()
        try:
            files = converse(proc, pages, language)
        finally:
            timer.cancel()
            if proc.stdin is not None and not proc.stdin.closed:
                try:
                    proc.stdin.close()
                except OSError:
                    pass
            proc.kill()
            proc.wait()
        if files is None:
            errors.seek(0)
            said = errors.read().decode("utf-8", "replace").strip()
            raise FeedpubError(Problem("site search", "Pagefind failed: "
                                       + (said[-500:] or "it stopped before the index was "
                                                         f"made (timeout {TIMEOUT} s)")))
        return files


def converse(proc: subprocess.Popen[bytes], pages: list[Output],
             language: str) -> list[tuple[str, bytes]] | None:
    """Send the pages and ask for the bundle; None if the service failed (its stderr
    says why), a FeedpubError if it answered with an error."""
    assert proc.stdin is not None and proc.stdout is not None
    stdin = proc.stdin
    incoming = replies(proc.stdout)
    config = {"force_language": language.split("-")[0].lower()}
    try:
        stdin.write(message(0, {"type": "NewIndex", "config": config}))
        stdin.flush()
    except OSError:
        return None
    first = next(incoming, None)
    if first is None:
        return None
    index_id = check(first).get("index_id")
    if not isinstance(index_id, int):
        return None
    last = len(pages) + 1
    unreadable: list[str] = []

    def send() -> None:  # in a thread: the replies must be read while pages go in
        try:
            for n, page in enumerate(sorted(pages, key=lambda p: p.path), start=1):
                try:
                    text = page.read().decode("utf-8")
                except (OSError, UnicodeError) as err:
                    unreadable.append(f"{page.path}: {err}")
                    stdin.close()  # the service ends at the end of its input: the reader too
                    return
                stdin.write(message(n, {"type": "AddFile", "index_id": index_id,
                                        "file_path": page.path, "url": None,
                                        "file_contents": text}))
            stdin.write(message(last, {"type": "GetFiles", "index_id": index_id}))
            stdin.flush()
        except OSError:
            pass  # the service stopped: the reader sees the end of its output

    writer = threading.Thread(target=send, daemon=True)
    writer.start()
    try:
        for reply in incoming:
            payload = check(reply)
            if reply.get("message_id") == last and payload.get("type") == "GetFiles":
                files = payload.get("files")
                if not isinstance(files, list):
                    return None
                return [(f["path"], base64.b64decode(f["content"])) for f in files]
    finally:
        writer.join(timeout=5)
    if unreadable:
        raise FeedpubError(Problem("site search", "a page could not be read to index it: "
                                   + unreadable[0]))
    return None


def check(reply: dict[str, Any]) -> dict[str, Any]:
    payload: dict[str, Any] = reply["payload"]
    if payload.get("type") == "Error":
        raise FeedpubError(Problem("site search", "Pagefind failed: "
                                   + str(payload.get("message", ""))[-500:]))
    return payload


def index(pages: list[Output], layout: Layout, language: str) -> list[Output]:
    """The search bundle's files as outputs under the layout's ``pagefind/`` folder."""
    bundle = layout.search_bundle()
    out = []
    for name, data in sorted(bundle_files(pages, language)):
        rel = bundle + name.lstrip("/")
        if not name.rpartition("/")[2].startswith(UNUSED):
            out.append(Output.of_bytes("asset", rel, layout.url(rel),
                                       hostconfig.content_type(rel, layout), data, "page"))
    return out
