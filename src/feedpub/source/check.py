"""Check a parsed TOML file against its :mod:`~feedpub.source.schema`.

:func:`check` walks the schema's tables over the data, records every problem
in the :class:`~feedpub.tomlsrc.TomlSource` (each at its line), and returns
the values with defaults filled in: a dict per table, a list of dicts per
array of tables.  A value with a problem comes back as the field's default,
so the caller can go on and report the problems of later fields too.
"""

from __future__ import annotations

import difflib
import math
from datetime import date
from typing import Any

from ..tomlsrc import CONTROL, TomlSource
from .schema import Field, FileSchema, Table

#: how close an unknown key must be to a known one to be suggested (difflib ratio)
SUGGEST_CUTOFF = 0.75


def check(schema: FileSchema, src: TomlSource) -> dict[str, Any]:
    """The checked values of the whole file (problems go to ``src.problems``)."""
    return _table(schema, schema.tables[""], src.data, "", src)


def _dotted(prefix: str, key: str | int) -> str:
    return f"{prefix}.{key}" if prefix else str(key)


def _table(schema: FileSchema, table: Table, data: dict[str, Any], prefix: str,
           src: TomlSource) -> dict[str, Any]:
    children = schema.children(table.name)
    known = [f.key for f in table.fields] + [c.key for c in children]
    for key in data:
        if key not in known:
            unknown(schema, table, key, _dotted(prefix, key), src)
    out: dict[str, Any] = {}
    for f in table.fields:
        out[f.key] = _field(f, data, _dotted(prefix, f.key), src)
    for child in children:
        dotted = _dotted(prefix, child.key)
        raw = data.get(child.key)
        if child.array:
            out[child.key] = _array(schema, child, raw, dotted, src)
        elif raw is None:
            if child.required:
                src.missing(dotted, f"a {child.header} table")
            out[child.key] = defaults(schema, child)
        elif not isinstance(raw, dict):
            src.problem(dotted, "must be a table", f"a {child.header} table")
            out[child.key] = defaults(schema, child)
        else:
            out[child.key] = _table(schema, child, raw, dotted, src)
    return out


def _array(schema: FileSchema, table: Table, raw: Any, dotted: str,
           src: TomlSource) -> list[dict[str, Any]]:
    if raw is None:
        if table.required:
            src.missing(dotted, f"{table.header} tables")
        return []
    if isinstance(raw, dict):  # [speakers] written where [[speakers]] was meant
        src.problem(dotted, f"is one table [{table.name}], not a list of tables",
                    f"{table.header} tables",
                    hint=f"write {table.header} (two brackets) above each entry")
        return []
    if not isinstance(raw, list):
        src.problem(dotted, f"got {raw!r}", f"{table.header} tables")
        return []
    items = []
    for i, item in enumerate(raw):
        if isinstance(item, dict):
            items.append(_table(schema, table, item, f"{dotted}.{i}", src))
        else:
            src.problem(f"{dotted}.{i}", "must be a table",
                        ", ".join(f.key for f in table.fields))
    return items


def defaults(schema: FileSchema, table: Table) -> dict[str, Any]:
    """The values of an absent table: every field's default, empty arrays of tables."""
    out: dict[str, Any] = {f.key: f.default for f in table.fields}
    for child in schema.children(table.name):
        out[child.key] = [] if child.array else defaults(schema, child)
    return out


def type_ok(f: Field, value: Any) -> bool:
    if isinstance(value, bool):
        return f.kind == "bool"
    if f.kind == "text":
        return isinstance(value, str)
    if f.kind == "bool":
        return False
    if f.kind == "int":
        return isinstance(value, int)
    if f.kind in ("number", "duration", "time"):
        return (isinstance(value, (int, float)) or (f.kind != "number" and isinstance(value, str)))
    if f.kind == "texts":
        return isinstance(value, list)
    if f.kind == "date":
        return isinstance(value, (str, date))  # datetime is a date
    raise AssertionError(f.kind)


def _field(f: Field, data: dict[str, Any], dotted: str, src: TomlSource) -> Any:
    if f.key not in data:
        if f.required:
            src.missing(dotted, f.what)
        return f.default
    value = data[f.key]
    if not type_ok(f, value) or (f.kind == "number" and not math.isfinite(value)):
        src.problem(dotted, f"got {value!r}", f.what)
        return f.default
    if f.kind == "texts":
        return _texts(f, value, dotted, src)
    if isinstance(value, str) and not _text_ok(f, value, dotted, src):
        return f.default
    for rule in f.rules:
        refusal = rule(value)
        if refusal is not None:
            src.problem(dotted, refusal.message, refusal.expected, refusal.hint)
            return f.default
    return value


def _text_ok(f: Field, value: str, dotted: str, src: TomlSource) -> bool:
    if CONTROL.search(value):
        src.problem(dotted, "contains a control character XML cannot carry", f.what)
        return False
    if f.required and not value.strip():
        src.problem(dotted, "is empty", f.what)
        return False
    return True


def _texts(f: Field, value: list[Any], dotted: str, src: TomlSource) -> list[str]:
    if f.nonempty and not value:
        src.problem(dotted, "is empty", f.what)
    good = []
    for i, item in enumerate(value):
        where = f"{dotted}.{i}"
        if not isinstance(item, str):
            src.problem(where, f"got {item!r}", f.what)
            continue
        if CONTROL.search(item):
            src.problem(where, "contains a control character XML cannot carry", f.what)
            continue
        refusal = next((r for rule in f.rules if (r := rule(item)) is not None), None)
        if refusal is not None:
            src.problem(where, refusal.message, refusal.expected, refusal.hint)
            continue
        good.append(item)
    return good


def unknown(schema: FileSchema, table: Table, key: str, dotted: str, src: TomlSource) -> None:
    """An unknown key is an error; say which known key was probably meant."""
    suggestion = suggest(schema, table, key)
    if suggestion:
        src.problem(dotted, f"unknown key (did you mean {suggestion}?)")
    else:
        keys = [f.key for f in table.fields] + [c.key for c in schema.children(table.name)]
        where = "at the top level" if not table.name else f"in {table.header}"
        src.problem(dotted, "unknown key", f"one of the keys {where}: " + ", ".join(keys))


def _qualified(table: Table, key: str) -> str:
    if not table.name:
        return f"{key!r} at the top level (before any [table])"
    return f"'{table.header} {key}'"


def suggest(schema: FileSchema, table: Table, key: str) -> str | None:
    """``titel`` -> ``'title'``; a top-level ``locked`` -> ``'[podcast] locked'``."""
    others = [t for t in schema if t.name != table.name]
    for other in others:  # the right key in the wrong table
        if other.field(key) is not None:
            return _qualified(other, key)
    own = [f.key for f in table.fields] + [c.key for c in schema.children(table.name)]
    close = difflib.get_close_matches(key.lower(), own, n=1, cutoff=SUGGEST_CUTOFF)
    if close:
        return repr(close[0])
    for other in others:
        close = difflib.get_close_matches(key.lower(), [f.key for f in other.fields], n=1,
                                          cutoff=SUGGEST_CUTOFF)
        if close:
            return _qualified(other, close[0])
    return None
