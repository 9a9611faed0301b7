"""Whatever bytes arrive, the offline validator answers with findings, never a traceback."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from feedpub.validate import RULES, validate_bytes
from validate_feeds import NOW, make_feed

CLEAN = make_feed(n_items=2).encode()
SNIPPETS = [b"<", b">", b"&", b"&amp;", b"]]>", b"<![CDATA[", b"\x00", b"\xff\xfe", b"\xe9",
            b"<item>", b"</item>", b"<podcast:guid>", b'"', b"<!DOCTYPE rss>", b"<!--",
            b"<itunes:category text=\"X\">", b"isPermaLink=\"maybe\"", b"\n", b"\t"]


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(CLEAN)
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data)))
        if draw(st.booleans()):
            cut = draw(st.integers(0, 40))
            del data[at:at + cut]
        else:
            data[at:at] = draw(st.sampled_from(SNIPPETS) | st.binary(max_size=8))
    return bytes(data)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutated_feeds_never_crash(data: bytes) -> None:
    findings = validate_bytes(data, now=NOW)
    assert all(f.rule in RULES and f.severity in ("error", "warning", "info") for f in findings)
    assert all(f.line is None or 1 <= f.line <= data.count(b"\n") + 1 for f in findings)
