"""Writing a build to disk: plan what changes, then apply it, feed.xml last.

The output folder holds a small manifest of the files feedpub wrote there,
so that a transcript or an episode that was removed from the show also
disappears from the output, while files feedpub never wrote are left alone.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from .errors import FeedpubError, Problem
from .writefile import write_atomic

MANIFEST = ".feedpub-files.json"


@dataclass
class Plan:
    """What applying a build would do; empty when the output is up to date."""

    write: dict[Path, bytes] = field(default_factory=dict)  # feed.xml last
    remove: list[Path] = field(default_factory=list)
    manifest: tuple[Path, bytes] | None = None

    def __bool__(self) -> bool:
        return bool(self.write or self.remove)

    def changes(self) -> list[str]:
        return [f"write {p}" for p in self.write] + [f"remove {p}" for p in self.remove]


def read_manifest(output: Path) -> list[str]:
    try:
        names = json.loads((output / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [n for n in names if isinstance(n, str)] if isinstance(names, list) else []


def plan(files: dict[str, bytes], output: Path, extra: dict[Path, bytes]) -> Plan:
    """Compare wanted files (relative to ``output``, feed.xml last) and ``extra`` files
    (absolute, e.g. feedpub.lock) with what is on disk."""
    result = Plan()
    for path, data in [*((output / rel, data) for rel, data in files.items()), *extra.items()]:
        if not same_content(path, data):
            result.write[path] = data
    wanted = set(files)
    for rel in read_manifest(output):
        target = (output / rel).resolve()
        if rel not in wanted and target.is_relative_to(output.resolve()) and target.is_file():
            result.remove.append(output / rel)
    manifest = (json.dumps(sorted(files), indent=0) + "\n").encode("utf-8")
    if not same_content(output / MANIFEST, manifest):
        result.manifest = (output / MANIFEST, manifest)
    return result


def same_content(path: Path, data: bytes) -> bool:
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


def apply(p: Plan) -> None:
    """Write (each file atomically, in order), then remove leftovers, then the manifest."""
    steps = [*p.write.items(), *([p.manifest] if p.manifest else [])]
    for path, data in steps[: len(p.write)]:
        guarded(write_atomic, path, data)
    for path in p.remove:
        guarded(os.unlink, path)
    for path, data in steps[len(p.write):]:
        guarded(write_atomic, path, data)


def guarded(action, path: Path, *args: object) -> None:  # type: ignore[no-untyped-def]
    try:
        action(path, *args)
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise FeedpubError(Problem(path, f"cannot write: {exc.strerror}",
                                   hint="check the output folder's permissions and free space")
                           ) from None
