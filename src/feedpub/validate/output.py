"""Render a report as text (people), JSON (tools) or GitHub workflow annotations (CI)."""

from __future__ import annotations

import json
import os

from .findings import Finding, Report

FORMATS = ("text", "json", "github")


def render(report: Report, fmt: str = "text", color: bool = False,
           checkout: str | None = None) -> str:
    """``checkout``: the folder annotation paths are relative to (default: the cwd)."""
    if fmt == "json":
        return render_json(report)
    if fmt == "github":
        return render_github(report, checkout)
    return render_text(report, color)


def summary(report: Report) -> str:
    info = report.count("info")
    parts = [f"{report.errors} error{'s' * (report.errors != 1)}",
             f"{report.warnings} warning{'s' * (report.warnings != 1)}"]
    if info:
        parts.append(f"{info} info")
    return ", ".join(parts)


_COLORS = {"error": "\033[31m", "warning": "\033[33m", "info": "\033[36m"}


def render_text(report: Report, color: bool = False) -> str:
    lines = []
    for f in report.sorted():
        text = str(f)
        if color:
            text = text.replace(f"{f.severity} [", f"{_COLORS[f.severity]}{f.severity}\033[0m [",
                                1)
        lines.append(text)
    lines.append(f"{report.source}: {summary(report)}")
    return "\n".join(lines)


def render_json(report: Report) -> str:
    return json.dumps({
        "source": report.source,
        "summary": {"errors": report.errors, "warnings": report.warnings,
                    "info": report.count("info")},
        "findings": [f.as_dict() for f in report.sorted()],
    }, indent=2, ensure_ascii=False)


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _repo_relative(path: str, checkout: str | None = None) -> str:
    """GitHub attaches annotations only to paths relative to the checkout.

    A relative ``path`` is read from the cwd (the show folder under ``-C``)."""
    try:
        rel = os.path.relpath(os.path.abspath(path), checkout or os.getcwd())
    except ValueError:  # another drive on Windows
        return path
    if rel.startswith(".."):
        return path  # outside the checkout: GitHub cannot attach it anyway
    return rel.replace(os.sep, "/")


#: how the CLI names a feed it built in memory (there is no file to annotate)
IN_MEMORY_SUFFIX = "(built in memory)"


def is_file_source(source: str | None) -> bool:
    """A source GitHub can attach an annotation to: a path, not a URL or an in-memory build."""
    return bool(source) and not (source or "").startswith(("http://", "https://")) \
        and not (source or "").endswith(IN_MEMORY_SUFFIX)


def annotation(f: Finding, checkout: str | None = None) -> str:
    """One ``::error file=…,line=…,title=…::message`` workflow command."""
    level = {"error": "error", "warning": "warning", "info": "notice"}[f.severity]
    props = []
    if f.source and is_file_source(f.source):
        props.append(f"file={_escape_property(_repo_relative(f.source, checkout))}")
    if f.line is not None:
        props.append(f"line={f.line}")
    props.append(f"title={_escape_property(f.rule or '')}")
    message = f.message + (f"\nhint: {f.hint}" if f.hint else "")
    return f"::{level} {','.join(props)}::{_escape_data(message)}"


def render_github(report: Report, checkout: str | None = None) -> str:
    lines = [annotation(f, checkout) for f in report.sorted()]
    lines.append(f"{report.source}: {summary(report)}")
    return "\n".join(lines)
