"""jsonpos: the stdlib's C parser for the values, lines for the items of top-level arrays."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from feedpub import jsonpos

SCALARS = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
           | st.text(max_size=8))
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3)
                      | st.dictionaries(st.text(max_size=5), inner, max_size=3), max_leaves=8)
ITEMS = st.lists(st.dictionaries(st.text(max_size=5), VALUES, max_size=4) | VALUES, max_size=6)
SPACE = st.sampled_from(["", " ", "\n", "\r\n", "\t ", "\n\n  "])


@given(ITEMS, SPACE, SPACE, st.text(max_size=5))
def test_values_are_the_stdlibs_and_array_items_know_their_line(
        items: list[object], before: str, after: str, key: str) -> None:
    # one item per line, from line 3 on (json.dumps escapes newlines inside strings)
    body = ",\n".join(json.dumps(item) for item in items)
    text = (f'{before}{{"version": "1.0",{after}\n"{json.dumps(key)[1:-1]}": [\n{body}{after}]'
            f'{after}}}{before}')
    data, problem = jsonpos.loads(text, "t.json")
    assert problem is None and data == json.loads(text)
    assert jsonpos.line_of(data) == 1 + before.count("\n")
    got = data[key]
    first = 3 + before.count("\n") + after.count("\n")
    for n, item in enumerate(got):
        expected = first + n if isinstance(item, dict) else None
        assert jsonpos.line_of(item) == expected


def stdlib_error(text: str) -> tuple[str, int, str] | None:
    try:
        json.JSONDecoder().decode(text)
    except json.JSONDecodeError as exc:
        return f"not valid JSON: {exc.msg}", exc.lineno, f"column {exc.colno}"
    return None


@given(st.lists(st.dictionaries(st.text(max_size=3), SCALARS, max_size=3), max_size=4),
       st.integers(0, 200), st.sampled_from(["", ",", "]", "}", "x", '"', "\n", ":"]))
def test_a_broken_file_gets_the_stdlibs_message_and_line(items: list[object], cut: int,
                                                         junk: str) -> None:
    whole = json.dumps({"version": "1.0", "segments": items}, indent=1)
    text = whole[:cut] + junk + whole[cut:]
    data, problem = jsonpos.loads(text, "t.json")
    error = stdlib_error(text)
    if error is None:
        assert problem is None and data == json.loads(text)
    else:
        assert problem is not None and data is None
        assert (problem.message, problem.line, problem.hint) == error


def test_known_errors_and_shapes() -> None:
    trailing = '{"segments": [{"a": 1},\n]}'
    problem = jsonpos.loads(trailing, "t.json")[1]
    assert problem is not None and problem.line == 2
    assert (problem.message, problem.line, problem.hint) == stdlib_error(trailing)
    assert jsonpos.loads('[{"a": 1}]', None) == ([{"a": 1}], None)
    assert jsonpos.line_of(jsonpos.loads('[{"a": 1}]', None)[0][0]) is None
    assert jsonpos.loads("[" * 100_000, "deep.json")[1].message == (
        "not usable JSON: nested too deeply")
    data, _ = jsonpos.loads('{"a": {"b": [{"c": 1}]},\n "s": [\n{}, 3, {"d": NaN}]}', None)
    assert [jsonpos.line_of(x) for x in data["s"]] == [3, None, 3]
    assert jsonpos.line_of(data["a"]) is None  # only items of the root's arrays are lined
