"""The feed corpus: ``tests/data/feeds/<behaviour>.xml``, its expected findings beside it.

Each ``<behaviour>.json`` lists every finding the validator must report for its feed
(rule id, severity, line) and nothing else; a case may set ``max_size``,
``size_warning`` or ``against`` (a published feed, ``<name>.published``, that the
feed is compared with).  The feeds were written for this suite from the RSS 2.0
specification, Apple's podcast requirements, the Podcasting 2.0 namespace and the
W3C Feed Validation Service's documentation of each message.  Adding a case is
adding two files.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from feedpub.validate import RULES
from feedpub.validate.compare import compare_feeds
from feedpub.validate.engine import analyse
from feedpub.validate.hosts import ALLOW_TEST_HOSTS

CORPUS = Path(__file__).parent / "data" / "feeds"
CASES = sorted(CORPUS.glob("*.xml"))
NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)

#: rules only a network run can report: the network tests (a real server on 127.0.0.1)
#: cover them, not the corpus
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


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_case(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ALLOW_TEST_HOSTS, raising=False)  # the corpus uses real-looking hosts
    doc = expected(path)
    options = {k: doc[k] for k in ("max_size", "size_warning") if k in doc}
    found, root = analyse(path.read_bytes(), source=path.name, now=NOW, **options)
    if "against" in doc:
        assert root is not None
        found += compare_feeds(root, (CORPUS / doc["against"]).read_bytes(),
                               source=path.name, against=doc["against"])
    got = [{"rule": f.rule, "severity": f.severity, "line": f.line} for f in found]
    assert sorted(got, key=key) == sorted(doc["findings"], key=key), [str(f) for f in found]
    for f in found:
        assert f.rule in RULES
        assert not re.search(r"\bNone\b", f"{f.message} {f.hint or ''}"), str(f)


def test_every_case_says_what_it_shows() -> None:
    for path in CASES:
        assert expected(path)["behaviour"].strip(), path.name


def test_the_corpus_covers_every_offline_rule() -> None:
    covered = {f["rule"] for path in CASES for f in expected(path)["findings"]}
    assert set(RULES) - NETWORK_RULES - covered == set()
    assert NETWORK_RULES <= set(RULES)
