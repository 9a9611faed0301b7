"""Outputs versus what the target's manifest says is published -> ordered actions.

Each target root keeps a manifest (``.feedpub-manifest.json``: path -> size,
SHA-256, kind), written after everything else, so a fresh CI checkout plans
correctly and a rerun uploads only what changed.  A file the manifest does not
know but that is already on the target (an interrupted run, a first publish
to a folder someone filled by hand) is checked byte for byte before it is
skipped or replaced.

Published media and artwork URLs are immutable: apps and
directories keep the bytes they fetched once, and byte-range downloads in
progress break when the file changes.  A different file under a published name
is refused unless ``replace_media`` is given.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Literal

from ..errors import Problem, PublishError
from ..layout import Layout
from ..model import Output
from .targets import Target

MANIFEST = ".feedpub-manifest.json"
Op = Literal["upload", "skip", "delete", "keep", "external"]
TargetName = Literal["site", "media"]

#: upload order: what the feed points at first, the feed itself last
ORDER = {"media": 0, "artwork": 1, "transcript": 2, "chapters": 3, "page": 4, "asset": 5,
         "host-config": 6, "feed": 9}
IMMUTABLE = {"media", "artwork"}


@dataclass(frozen=True)
class Record:
    size: int
    sha256: str
    kind: str

    def as_dict(self) -> dict[str, object]:
        return {"size": self.size, "sha256": self.sha256, "kind": self.kind}


@dataclass
class Manifest:
    files: dict[str, Record] = field(default_factory=dict)

    @classmethod
    def parse(cls, data: bytes | None, where: str) -> Manifest:
        if data is None:
            return cls()
        try:
            raw = json.loads(data)
            files = {str(p): Record(int(r["size"]), str(r["sha256"]), str(r.get("kind", "")))
                     for p, r in raw["files"].items()}
        except (ValueError, KeyError, TypeError, AttributeError):
            raise PublishError(Problem(f"{where}{MANIFEST}", "the target's manifest is "
                                       "unreadable",
                                       hint="delete it to let feedpub check every file on "
                                            "the target again")) from None
        return cls(files)

    def to_bytes(self) -> bytes:
        body = {"version": 1, "generator": "feedpub",
                "files": {p: r.as_dict() for p, r in sorted(self.files.items())}}
        return (json.dumps(body, indent=1, sort_keys=True) + "\n").encode("utf-8")


@dataclass(frozen=True)
class Action:
    op: Op
    target: TargetName
    path: str  # relative to the target's root
    output: Output | None  # None for deletions
    reason: str
    size: int = 0

    def __str__(self) -> str:
        size = f" ({self.size:,} bytes)" if self.op == "upload" else ""
        return f"{self.op:<8} {self.target}:{self.path}{size} — {self.reason}"


@dataclass
class Plan:
    actions: list[Action]
    manifests: dict[TargetName, Manifest]  # what each target's manifest becomes
    manifest_changes: set[TargetName] = field(default_factory=set)

    @property
    def uploads(self) -> list[Action]:
        return [a for a in self.actions if a.op == "upload"]

    @property
    def deletions(self) -> list[Action]:
        return [a for a in self.actions if a.op == "delete"]

    def changes(self) -> bool:
        return bool(self.uploads or self.deletions or self.manifest_changes)

    @property
    def upload_bytes(self) -> int:
        return sum(a.size for a in self.uploads)


def placement(layout: Layout, has_media_target: bool
              ) -> dict[str, tuple[TargetName, str]]:
    """Where each root goes: (target, path prefix)."""
    if has_media_target:
        return {"site": ("site", ""), "media": ("media", "")}
    inside = layout.media_in_site()
    if inside is None:
        return {"site": ("site", "")}
    return {"site": ("site", ""), "media": ("site", inside)}


def make_plan(outputs: list[Output], layout: Layout, targets: dict[TargetName, Target],
              manifests: dict[TargetName, Manifest], *, replace_media: bool = False) -> Plan:
    """Ordered actions; raise PublishError listing every refused change of published bytes."""
    places = placement(layout, "media" in targets)
    new: dict[TargetName, Manifest] = {name: Manifest() for name in targets}
    actions: list[Action] = []
    refused: list[Problem] = []
    for out in sorted(outputs, key=lambda o: ORDER.get(o.kind, 5)):
        if out.root not in places:  # no media target: the audio must be served already
            actions.append(Action("external", "media", out.path, out,
                                  f"no media target: must already be at {out.url}"))
            continue
        name, prefix = places[out.root]
        path = prefix + out.path
        target = targets[name]
        record = manifests[name].files.get(path)
        new[name].files[path] = Record(out.size, out.sha256, out.kind)
        action = _decide(out, name, path, target, record, replace_media, refused)
        actions.append(action)
    # Files published before and no longer produced: companions go (after the feed stops
    # naming them); media stay, since apps that fetched an older feed still download them.
    for name, manifest in manifests.items():
        for path, record in sorted(manifest.files.items()):
            if path in new[name].files:
                continue
            if record.kind in IMMUTABLE or record.kind == "feed":
                # an old feed URL stays: subscribers still poll it (point it elsewhere
                # with itunes:new-feed-url, by hand, before removing it)
                new[name].files[path] = record
                actions.append(Action("keep", name, path, None,
                                      f"published {record.kind}, no longer produced"))
            else:
                actions.append(Action("delete", name, path, None, "no longer produced"))
    if refused:
        raise PublishError(refused)
    changed = {name for name in targets
               if new[name].to_bytes() != manifests[name].to_bytes() or not manifests[name].files}
    return Plan(actions, new, changed)


def _decide(out: Output, name: TargetName, path: str, target: Target, record: Record | None,
            replace_media: bool, refused: list[Problem]) -> Action:
    def upload(reason: str) -> Action:
        return Action("upload", name, path, out, reason, out.size)

    def skip(reason: str) -> Action:
        return Action("skip", name, path, out, reason)

    if record is not None and record.sha256 == out.sha256 and record.size == out.size:
        if out.kind == "feed" and target.verify(path, out) is not None:
            return upload("the feed on the target differs from the manifest")
        return skip("unchanged")
    if record is not None:
        if target.verify(path, out) is None:  # an interrupted run uploaded it already
            return skip("already on the target")
        if out.kind in IMMUTABLE and not replace_media:
            refused.append(_refusal(out, path, name))
            return skip("refused")
        return upload("changed")
    remote = target.stat(path)
    if remote is None:
        return upload("new")
    if remote.size == out.size and target.verify(path, out) is None:
        return skip("already on the target")
    if out.kind in IMMUTABLE and not replace_media:
        refused.append(_refusal(out, path, name))
        return skip("refused")
    return upload("differs from the file on the target")


def _refusal(out: Output, path: str, name: str) -> Problem:
    return Problem(out.source or path, f"{out.url} is already published with other bytes "
                   f"({name}:{path})",
                   hint="apps and directories keep the bytes they fetched, and downloads in "
                        "progress break; publish the new file under a new name, or pass "
                        "--replace-media if the change is intended")
