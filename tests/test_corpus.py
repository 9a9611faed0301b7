"""The feed corpus: ``tests/data/feeds/<behaviour>.xml``, its expected findings beside it.

Each ``<behaviour>.json`` lists every finding the validator must report for its feed
(rule id, severity, line) and nothing else; a case may set ``max_size``,
``size_warning``, ``against`` (a published feed, ``<name>.published``, that the
feed is compared with) or ``ignore`` (rule ids dropped, as ``--ignore`` does).

A case with a ``served`` table is run with the network checks against a real HTTP
server on 127.0.0.1 that answers each path as the table says (anything else is a
404); ``{port}`` in the feed and in the table is replaced by the server's port.
Each path maps to ``status``, ``content_type``, ``headers``, ``location`` (a
redirect), ``head_status``, ``ranges`` (``real``, ``ignore``, ``fake``, ``whole``),
``gzip``, ``delay`` (seconds) and one body: ``text`` (with ``encoding``, UTF-8 by
default), ``bytes`` (that many bytes, the same on every run) or ``image``
(``size``, ``mode``, ``format``, ``noise``: a real image made with Pillow) or
``feed`` (true: the case's own feed).  Such a case may set ``timeout`` (seconds, per
connection and read; 2 by default) and ``fetch`` (a served path: the feed is
validated by its URL, as ``feedpub validate http://…`` does, fetch checks included).

The feeds were written for this suite from the RSS 2.0 specification, Apple's
podcast requirements, the Podcasting 2.0 namespace and the W3C Feed Validation
Service's documentation of each message.  Adding a case is adding two files.
"""

from __future__ import annotations

import io
import json
import random
import re
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from feedpub.validate import RULES
from feedpub.validate.compare import compare_feeds
from feedpub.validate.engine import analyse
from feedpub.validate.hosts import ALLOW_TEST_HOSTS
from feedpub.validate.netchecks import check_feed_urls
from feedpub.validate.network import NetOptions
from feedpub.validate.runner import RunOptions, run
from validate_httpserver import Resource, image_bytes, running

CORPUS = Path(__file__).parent / "data" / "feeds"
CASES = sorted(CORPUS.glob("*.xml"))
NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)

README = Path(__file__).parent.parent / "README.md"

#: rules only a network run can report: the cases with a ``served`` table cover them
NETWORK_RULES = frozenset((
    "http-unreachable", "http-status", "http-redirect", "dead-redirector", "http-head",
    "http-range", "content-type", "content-encoding", "cors", "artwork-format",
    "artwork-size", "artwork-color", "artwork-bytes", "transcript-content",
    "chapters-content", "alternate-integrity",
))


def expected(path: Path) -> dict[str, Any]:
    return json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def key(finding: dict[str, Any]) -> tuple[str, str, int]:
    return (finding["rule"], finding["severity"], finding["line"] or 0)


def _body(spec: dict[str, Any], seed: str) -> bytes:
    """The body a served path answers with (see the module docstring)."""
    if "text" in spec:
        return str(spec["text"]).encode(spec.get("encoding", "utf-8"))
    if "bytes" in spec:
        return random.Random(seed).randbytes(int(spec["bytes"]))
    if "image" in spec:
        image = spec["image"]
        mode = image.get("mode", "RGB")
        width, height = image.get("size", [1400, 1400])
        if image.get("noise"):  # a photograph's worth of detail: compresses badly
            bands = len(mode) if mode != "P" else 1
            img = Image.frombytes(mode, (width, height),
                                  random.Random(seed).randbytes(width * height * bands))
            buf = io.BytesIO()
            img.save(buf, format=image.get("format", "JPEG"), quality=95)
            return buf.getvalue()
        return image_bytes((width, height), mode, image.get("format", "JPEG"))
    return b""


@contextmanager
def serving(served: dict[str, dict[str, Any]], feed: bytes) -> Iterator[int]:
    """A real HTTP server on 127.0.0.1 answering as a case's ``served`` table says
    (``"feed": true`` serves the case's own feed)."""
    with running() as server:
        assert server.httpd is not None
        port = server.httpd.server_address[1]
        fields = ("status", "content_type", "headers", "ranges", "gzip", "delay", "head_status")
        for path, spec in served.items():
            options = {k: spec[k] for k in fields if k in spec}
            if "location" in spec:
                options["location"] = spec["location"].replace("{port}", str(port))
            body = with_port(feed, port) if spec.get("feed") else _body(spec, path)
            server.add(path, Resource(body=body, **options))
        yield port


def with_port(data: bytes, port: int) -> bytes:
    return data.replace(b"{port}", str(port).encode())


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_case(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    doc = expected(path)
    if "served" in doc:  # the feed's URLs are on the loopback server
        monkeypatch.setenv(ALLOW_TEST_HOSTS, "1")
    else:  # the corpus uses real-looking hosts
        monkeypatch.delenv(ALLOW_TEST_HOSTS, raising=False)
    options = {k: doc[k] for k in ("max_size", "size_warning") if k in doc}
    data = path.read_bytes()
    timeout = float(doc.get("timeout", 2.0))
    with serving(doc["served"], data) if "served" in doc else nullcontext() as port:
        if "fetch" in doc:  # the feed itself is fetched from the server, as `validate URL`
            found = run(f"http://127.0.0.1:{port}{doc['fetch']}",
                        RunOptions(now=NOW, timeout=timeout, workers=4)).findings
        else:
            found, root = analyse(with_port(data, port) if port else data,
                                  source=path.name, now=NOW, **options)
        if port and "fetch" not in doc:
            assert root is not None
            found += check_feed_urls(root, NetOptions(timeout=timeout, workers=4), path.name)
    if "against" in doc:
        assert root is not None
        found += compare_feeds(root, (CORPUS / doc["against"]).read_bytes(),
                               source=path.name, against=doc["against"])
    found = [f for f in found if f.rule not in doc.get("ignore", ())]
    got = [{"rule": f.rule, "severity": f.severity, "line": f.line} for f in found]
    assert sorted(got, key=key) == sorted(doc["findings"], key=key), [str(f) for f in found]
    for f in found:
        assert f.rule in RULES
        assert not re.search(r"\bNone\b", f"{f.message} {f.hint or ''}"), str(f)


def test_every_case_says_what_it_shows() -> None:
    for path in CASES:
        assert expected(path)["behaviour"].strip(), path.name


def test_the_corpus_covers_every_rule() -> None:
    covered = {f["rule"] for path in CASES for f in expected(path)["findings"]}
    assert set(RULES) - covered == set()
    served = {f["rule"] for path in CASES if "served" in expected(path)
              for f in expected(path)["findings"]}
    assert NETWORK_RULES - served == set()  # network rules are seen in network runs
    assert NETWORK_RULES <= set(RULES)


def test_every_rule_in_the_readme_has_a_case() -> None:
    text = README.read_text(encoding="utf-8")
    section = text[text.index("\n### Rules\n"):]
    section = section[:section.index("\n### ", 1)]
    named = set(re.findall(r"^\| `([a-z0-9-]+)` \|", section, re.M))
    assert len(named) > 90 and named == set(RULES)  # the tables list the registry
    covered = {f["rule"] for path in CASES for f in expected(path)["findings"]}
    assert named - covered == set()
