"""Any input to any loader gives a feed or a clear error, never an internal error.

Hypothesis writes arbitrary content into one source file of a good show at a time
(podcast.toml, episode.toml, chapters.toml/.json, a transcript, feedpub.lock) and builds;
the cases it once found, and those of issue 13, are replayed from
``tests/data/loader-regressions.json``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import tomlkit
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from feedpub.build import build, write_outputs
from feedpub.errors import FeedpubError

REGRESSIONS = json.loads((Path(__file__).parent / "data" / "loader-regressions.json")
                         .read_text(encoding="utf-8"))["cases"]
SHOW_KEYS = ["title", "description", "link", "language", "author", "artwork", "categories",
             "explicit", "type", "timezone", "feed_url", "media_base_url", "owner", "podcast",
             "copyright", "titel"]
EPISODE_KEYS = ["title", "date", "audio", "duration", "season", "number", "type", "explicit",
                "guid", "link", "image", "speakers", "transcript_languages", "seasn"]

#: any character a file can hold in UTF-8 (surrogates cannot be encoded)
chars = st.characters(blacklist_categories=("Cs",))
scalars = st.one_of(st.text(chars, max_size=30), st.integers(-10**20, 10**20), st.booleans(),
                    st.floats(allow_nan=True, allow_infinity=True), st.dates(),
                    st.datetimes())
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.text(chars, min_size=1, max_size=8), inner,
                                                 max_size=3)), max_leaves=8)


def toml_of(keys: list[str]) -> st.SearchStrategy[str]:
    """TOML documents with the file's keys (and a misspelt one) holding arbitrary values."""
    return st.dictionaries(st.sampled_from(keys), values, max_size=len(keys)).map(
        lambda d: tomlkit.dumps(d))


raw_text = st.text(chars, max_size=400)
json_like = st.recursive(
    st.one_of(st.none(), st.booleans(), st.floats(), st.integers(), st.text(chars, max_size=20)),
    lambda inner: st.one_of(st.lists(inner, max_size=4),  # keys the loaders look for
                            st.dictionaries(st.sampled_from(
                                ["version", "chapters", "segments", "startTime", "endTime",
                                 "title", "body", "speaker", "episodes", "guid", "audio",
                                 "size", "duration", "mime", "sha256", "file", "kind"]),
                                inner, max_size=5)), max_leaves=12)

FILES = {
    "podcast.toml": toml_of(SHOW_KEYS),
    "episodes/ep/episode.toml": toml_of(EPISODE_KEYS),
    "episodes/ep/chapters.toml": st.lists(st.dictionaries(st.sampled_from(
        ["start", "end", "title", "url", "img", "toc", "x"]), scalars, max_size=4),
        max_size=4).map(lambda items: tomlkit.dumps({"chapters": items})),
    "episodes/ep/chapters.json": json_like.map(json.dumps),
    "episodes/ep/transcript.json": json_like.map(json.dumps),
    "episodes/ep/transcript.srt": raw_text,
    "episodes/ep/transcript.vtt": raw_text.map(lambda t: "WEBVTT\n\n" + t),
    "episodes/ep/transcript.txt": raw_text,
    "feedpub.lock": json_like.map(lambda d: json.dumps({"version": 1, "episodes": d})
                                  if isinstance(d, dict) else json.dumps(d)),
}


@pytest.fixture(scope="module")
def good_show(tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    from conftest import ShowMaker

    maker = ShowMaker(tmp_path_factory.mktemp("good") / "show")
    maker.episode("ep", seconds=3.0)
    write_outputs(build(maker.root), maker.root / "public")
    return maker.root


def builds_or_explains(root: Path, name: str, content: str | bytes) -> None:
    path = root / name
    original = path.read_bytes() if path.exists() else None
    data = content.encode("utf-8") if isinstance(content, str) else content
    path.write_bytes(data)
    try:
        build(root)
    except FeedpubError as err:
        # a clear message, and no Python None leaking into it (unless the input said None)
        assert err.problems and all(str(p) and ("None" not in p.message or b"None" in data)
                                    for p in err.problems)
    finally:
        if original is None:
            path.unlink()
        else:
            path.write_bytes(original)


@pytest.mark.parametrize("name", list(FILES))
def test_any_content_gives_a_feed_or_a_clear_error(good_show: Path, name: str) -> None:
    @settings(max_examples=40, deadline=None, derandomize=True,  # the same cases in every CI
              suppress_health_check=[HealthCheck.function_scoped_fixture,
                                     HealthCheck.too_slow])
    @given(FILES[name])
    def check(content: str) -> None:
        builds_or_explains(good_show, name, content)

    check()


@pytest.mark.parametrize("name,content", [tuple(c) for c in REGRESSIONS])
def test_regressions(good_show: Path, name: str, content: str) -> None:
    builds_or_explains(good_show, name, content)
