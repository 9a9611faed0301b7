"""``feedpub diff`` output: text for terminals, Markdown for job summaries and review
comments, JSON for scripts."""

from __future__ import annotations

import json
from typing import Any

from .diff import EpisodeChange, FeedDiff, FieldChange, Kind
from .wording import counted

WIDTH = 100  # longest value shown in text and Markdown (JSON has them whole)
NONE = "(none)"


def shorten(old: str | None, new: str | None, width: int = WIDTH) -> tuple[str, str]:
    """Both values cut to ``width``, starting a little before their first difference."""
    if old is None or new is None:
        return (_cut(old, width), _cut(new, width))
    same = 0
    for a, b in zip(old, new):
        if a != b:
            break
        same += 1
    start = max(0, same - 20) if max(len(old), len(new)) > width else 0
    return _cut(old, width, start), _cut(new, width, start)


def _cut(value: str | None, width: int, start: int = 0) -> str:
    if value is None:
        return NONE
    text = " ".join(value.split())  # one line
    if start:
        text = "…" + " ".join(value[start:].split())
    return text if len(text) <= width else text[:width - 1] + "…"


def counts(d: FeedDiff) -> dict[str, int]:
    return {"added": len(d.of_kind("added")), "changed": len(d.of_kind("changed")),
            "removed": len(d.of_kind("removed")), "unchanged": d.unchanged,
            "channel_changes": len(d.channel),
            "dangerous": sum(c.dangerous for c in d.channel)
            + sum(e.dangerous for e in d.episodes)}


def headline(d: FeedDiff) -> str:
    n = counts(d)
    if d.empty:
        return f"no changes ({counted(n['unchanged'], 'episode')} unchanged)"
    parts = [f"{n[k]} {k}" for k in ("added", "changed", "removed") if n[k]]
    if n["channel_changes"]:
        parts.append(f"{n['channel_changes']} channel field(s) changed")
    parts.append(f"{n['unchanged']} unchanged")
    text = ", ".join(parts)
    if n["dangerous"]:
        text += f"; {n['dangerous']} DANGEROUS (apps already have these)"
    return text


def _intro(d: FeedDiff, arrow: str = "->") -> str:
    if d.published:
        return f"{d.old_source} {arrow} {d.new_source}"
    return f"{d.old_source} is not published yet: every episode of {d.new_source} is new"


# -- text --------------------------------------------------------------------------------

def _text_field(c: FieldChange, indent: str) -> list[str]:
    old, new = shorten(c.old, c.new)
    mark = "! " if c.dangerous else "  "
    lines = [f"{indent}{mark}{c.field}: {old} -> {new}"]
    if c.dangerous:
        lines.append(f"{indent}    DANGEROUS [{c.rule}]: {c.hint}")
    return lines


def _text_episode(e: EpisodeChange) -> list[str]:
    sign = {"added": "+", "changed": "~", "removed": "-"}[e.kind]
    lines = [f"  {sign} {e.title!r}"]
    if e.kind == "changed":
        for c in e.fields:
            lines += _text_field(c, "      ")
        return lines
    facts = ", ".join(f"{c.field} {_cut(c.new if e.kind == 'added' else c.old, WIDTH)}"
                      for c in e.fields)
    lines.append(f"        {facts}")
    if e.rule:
        lines.append(f"      ! DANGEROUS [{e.rule}]: {e.hint}")
    return lines


def render_text(d: FeedDiff) -> str:
    lines = [f"feed diff: {_intro(d)}"]
    if d.channel:
        lines.append("channel:")
        for c in d.channel:
            lines += _text_field(c, "  ")
    kinds: tuple[Kind, ...] = ("added", "changed", "removed")
    for kind in kinds:
        group = d.of_kind(kind)
        if group:
            lines.append(f"{kind} ({len(group)}):")
            for e in group:
                lines += _text_episode(e)
    lines.append(headline(d))
    return "\n".join(lines)


# -- Markdown ----------------------------------------------------------------------------

_ESCAPE = str.maketrans({c: "\\" + c for c in "\\`*_[]<>|~&#!"})


def md(text: str) -> str:
    """Plain text safe inside a Markdown table cell: no markup, no HTML, one line."""
    return " ".join(text.split()).translate(_ESCAPE)


def _md_cells(c: FieldChange) -> tuple[str, str]:
    old, new = shorten(c.old, c.new)
    return md(old), md(new)


def render_markdown(d: FeedDiff) -> str:
    out = ["### Feed changes", "", md(_intro(d, "→")), "", f"**{md(headline(d))}**", ""]
    if d.dangerous:
        out += ["> ⚠️ **Dangerous** rows change episodes or a show that apps already have: "
                "they may download episodes again, re-sort them or lose them.", ""]
    if d.channel:
        out += ["| Channel field | Before | After |", "|---|---|---|"]
        for c in d.channel:
            old, new = _md_cells(c)
            name = f"⚠️ **{md(c.field)}**" if c.dangerous else md(c.field)
            out.append(f"| {name} | {old} | {new} |")
        out.append("")
    if d.episodes:
        out += ["| Change | Episode | Field | Before | After |", "|---|---|---|---|---|"]
        for e in d.episodes:
            out += _md_episode_rows(e)
        out.append("")
    notes = sorted({(c.rule, c.hint) for c in d.channel if c.rule and c.hint}
                   | {(c.rule, c.hint) for e in d.episodes for c in e.fields
                      if c.rule and c.hint}
                   | {(e.rule, e.hint) for e in d.episodes if e.rule and e.hint})
    for rule, hint in notes:
        out.append(f"- `{rule}`: {md(hint)}")
    return "\n".join(out).rstrip() + "\n"


def _md_episode_rows(e: EpisodeChange) -> list[str]:
    title = md(e.title) or md(NONE)
    if e.kind != "changed":
        facts = md(", ".join(f"{c.field} {_cut(c.new if e.kind == 'added' else c.old, 60)}"
                             for c in e.fields))
        if e.kind == "added":
            return [f"| ➕ added | {title} | new episode | | {facts} |"]
        return [f"| ⚠️ **removed** | {title} | whole episode | {facts} | {md(NONE)} |"]
    rows = []
    for c in e.fields:
        old, new = _md_cells(c)
        change = "⚠️ **changed**" if c.dangerous else "✏️ changed"
        rows.append(f"| {change} | {title} | {md(c.field)} | {old} | {new} |")
    return rows


# -- JSON --------------------------------------------------------------------------------

def _field_json(c: FieldChange) -> dict[str, Any]:
    return {"field": c.field, "old": c.old, "new": c.new, "dangerous": c.dangerous,
            "rule": c.rule, "hint": c.hint}


def as_json(d: FeedDiff) -> dict[str, Any]:
    return {
        "old": d.old_source, "new": d.new_source, "published": d.published,
        "summary": counts(d),
        "channel": [_field_json(c) for c in d.channel],
        "episodes": [{"change": e.kind, "title": e.title, "guid": e.guid,
                      "dangerous": e.dangerous, "rule": e.rule, "hint": e.hint,
                      "fields": [_field_json(c) for c in e.fields]} for e in d.episodes],
    }


def render(d: FeedDiff, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(as_json(d), ensure_ascii=False, indent=2)
    if fmt == "markdown":
        return render_markdown(d)
    return render_text(d)
