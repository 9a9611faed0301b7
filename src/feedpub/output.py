"""Publishing a build to a local directory: plan what changes, then apply it, feed last.

The plan follows the build's outputs list (media and artwork, then companions and
pages, then the feed), so a reader of the folder never sees a feed whose files are
missing.  Outputs of the site root go to the folder; outputs of the media root go
there only when the media URL lies under the feed's folder
(:meth:`~feedpub.layout.Layout.media_in_site`, then into that subfolder) -- otherwise
they are for ``feedpub publish`` only.

The output folder holds a small manifest of the files feedpub wrote there,
so that a transcript or an episode that was removed from the show also
disappears from the output, while files feedpub never wrote are left alone.
With each name it records the file's stat fingerprint (size, mtime, ctime, inode)
and SHA-256 as written: a file whose fingerprint is unchanged and whose recorded hash
is the output's is up to date without being read back; any other is compared byte
for byte.  (The first manifests were a list of names: still read.)
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from .errors import FeedpubError, Problem, UsageError
from .layout import Layout
from .model import Output
from .progress import Progress
from .writefile import Batch, copy_atomic, is_temp, write_atomic

MANIFEST = ".feedpub-files.json"
#: present while a build writes to the output folder: made before its first temp file,
#: removed once its manifest is written.  A folder that has it was left by a build that was
#: killed or lost power there, whose temp files may lie in any folder it wrote to.
WRITING = ".feedpub-writing"
#: how a manifest of the current format begins (one line of compact JSON: written at the
#: JSON encoder's C speed, 20,000 files in a few hundredths of a second)
FORMAT_2 = b'{"format":2,'


@dataclass(frozen=True)
class Step:
    """One change: write an output (or the lock's bytes) to ``path``, or remove ``path``."""

    action: Literal["write", "remove"]
    path: Path
    output: Output | None = None
    data: bytes | None = None  # the lock, which is no published output

    def __str__(self) -> str:
        return f"{self.action} {self.path}"


@dataclass
class Plan:
    """What applying a build would do, in order; empty when the output is up to date."""

    steps: list[Step] = field(default_factory=list)
    folders: set[str] = field(default_factory=set)  # written to (relative; "" the top)
    #: the manifest's path and bytes when planned, and its entries: each file found up
    #: to date (fingerprint and hash), each file to write (its hash: the fingerprint is
    #: taken once written, by :meth:`manifest`)
    manifest_file: tuple[Path, bytes | None] | None = None
    entries: dict[str, list[Any]] = field(default_factory=dict)
    pending: dict[str, str] = field(default_factory=dict)
    #: the manifest's entries as read (a manifest that would list the same is not rewritten)
    known: dict[str, list[Any]] | None = None
    #: the last build into the folder did not finish (its marker is there) or was made by
    #: an older feedpub: its temp files may be in any folder (see :func:`temp_folders`)
    unfinished: bool = True
    #: once applied: every file of the manifest with its fingerprint (what the build state
    #: records of the output folder, without a stat more)
    final: dict[str, list[Any]] | None = None

    def __bool__(self) -> bool:
        return bool(self.steps)

    @property
    def write(self) -> list[Path]:
        return [s.path for s in self.steps if s.action == "write"]

    @property
    def remove(self) -> list[Path]:
        return [s.path for s in self.steps if s.action == "remove"]

    def changes(self) -> list[str]:
        return [str(s) for s in self.steps]

    def manifest(self) -> tuple[Path, bytes] | None:
        """The manifest to write once the steps are applied (None: it is up to date)."""
        if self.manifest_file is None:
            return None
        path, old = self.manifest_file
        entries = dict(self.entries)
        for rel, sha256 in self.pending.items():
            try:
                entries[rel] = [*fingerprint(os.stat(path.parent / rel)), sha256]
            except OSError:
                continue  # not written after all (apply stopped): compared next time
        self.final = entries
        if old is not None and not self.pending and entries == self.known \
                and old.startswith(FORMAT_2):
            return None  # the same files with the same fingerprints: as written
        data = (json.dumps({"format": 2, "files": dict(sorted(entries.items()))},
                           separators=(",", ":")) + "\n").encode("utf-8")
        return None if data == old else (path, data)


def read_manifest(output: Path) -> list[str]:
    return list(manifest_entries(read_bytes(output / MANIFEST)))


def read_bytes(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def manifest_entries(data: bytes | None) -> dict[str, list[Any]]:
    """The manifest's files: name -> [size, mtime_ns, ctime_ns, inode, sha256] (or [] when
    not known: a list-of-names manifest, a damaged entry)."""
    try:
        found = json.loads(data) if data is not None else None
    except ValueError:
        return {}
    if isinstance(found, list):  # the first format: names only
        return {n: [] for n in found if isinstance(n, str)}
    files = found.get("files") if isinstance(found, dict) else None
    if not isinstance(files, dict):
        return {}
    return {n: e if valid_entry(e) else [] for n, e in files.items() if isinstance(n, str)}


def valid_entry(entry: object) -> bool:
    return (type(entry) is list and len(entry) == 5 and type(entry[0]) is int
            and type(entry[1]) is int and type(entry[2]) is int and type(entry[3]) is int
            and (entry[4] is None or type(entry[4]) is str))


def fingerprint(st: os.stat_result) -> list[int]:
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


def local_path(out: Output, layout: Layout) -> str | None:
    """Where ``out`` goes in a local output folder (relative), or None if it does not."""
    if out.root == "site":
        return out.path
    media = layout.media_in_site()
    return None if media is None else media + out.path


def check_output_folder(output: Path, sources: list[Path]) -> None:
    """The output folder may not be, lie inside, or contain any of the show's ``sources``
    (episodes/, podcast.toml, feedpub.lock, media_dir): a build would overwrite them."""
    out = output.resolve()
    for source in sources:
        src = source.resolve()
        if out == src or out.is_relative_to(src) or (src.is_relative_to(out) and
                                                      source.exists()):
            how = ("is" if out == src else "is inside" if out.is_relative_to(src)
                   else "contains")
            raise UsageError(Problem(output, f"the output folder {how} {source.name}, a "
                                     "source of the show: a build would overwrite it",
                                     expected="a folder of its own, such as public/",
                                     hint="pass --output public/"))


def no_links_below(output: Path, rel: str) -> None:
    """Writes never go through a symbolic link inside the output folder (a linked
    ``OUT/<slug>`` would send them anywhere)."""
    here = os.fspath(output)
    for part in rel.split("/")[:-1]:
        here = os.path.join(here, part)
        if os.path.islink(here):
            raise FeedpubError(Problem(Path(here), "is a symbolic link inside the output "
                                       "folder", expected="a real folder",
                                       hint="remove the link; feedpub writes only real "
                                            "files and folders under its output"))


def remove_stale_temp_files(output: Path, folders: set[str]) -> int:
    """Delete temp files an interrupted run left in ``folders`` (see :func:`temp_folders`)."""
    removed = 0
    for rel in folders:
        folder = output / rel if rel else output
        try:
            names = [e.name for e in os.scandir(folder) if e.is_file(follow_symlinks=False)]
        except OSError:
            continue
        for name in names:
            if is_temp(name):
                (folder / name).unlink(missing_ok=True)
                removed += 1
    return removed


def plan(outputs: list[Output], layout: Layout, output: Path,
         lock: tuple[Path, bytes] | None, keep: frozenset[str] = frozenset()) -> Plan:
    """Compare the build's ``outputs`` (feed last) and the lock file with what is on disk.

    ``keep``: files the feed still names that this build could not produce (audio that is
    not here, built from the lock): an earlier build's copy is kept, never removed.

    An output the manifest vouches for costs one ``stat``: no path object, no read."""
    result = Plan()
    old = read_bytes(output / MANIFEST)
    known = manifest_entries(old)
    wanted: dict[str, Output] = {}
    media = layout.media_in_site()
    safe = {""}  # folders checked for links (the top: nothing to check)
    for out in outputs:
        if out.root == "site":
            rel = out.path
        elif media is None:
            continue  # for publish only (see local_path)
        else:
            rel = media + out.path
        folder = rel.rpartition("/")[0]
        if folder not in safe:
            no_links_below(output, rel)
            safe.add(folder)
        wanted[rel] = out
    result.folders = {rel.rpartition("/")[0] for rel in wanted}
    base = os.path.join(output, "")
    entries, pending, steps = result.entries, result.pending, result.steps

    def compare(rel: str, out: Output) -> None:
        found = up_to_date(base + rel, out, known.get(rel))
        if found is None:
            steps.append(Step("write", output / rel, out))
            pending[rel] = out.sha256
        else:
            found.append(out.sha256)
            entries[rel] = found

    feed = []
    for rel, out in wanted.items():
        if out.kind == "feed":
            feed.append(rel)
        else:
            compare(rel, out)
    # The lock goes after the companions and before the feed: then every episode a
    # written feed has ever promised is recorded (its guid, its audio's hash), so a
    # crash between the two cannot let a published episode lose its guard.  The other
    # order could leave a feed out whose episode the lock does not know: its guid could
    # then change, or its folder vanish, unnoticed.  A lock ahead of the feed only
    # guards an episode a little early.
    if lock is not None and not same_bytes(lock[0], lock[1]):
        steps.append(Step("write", lock[0], data=lock[1]))
    for rel in feed:
        compare(rel, wanted[rel])
    # Leftovers go after the feed: the old feed may still point at them until then.
    kept = {rel for rel in keep if (output / rel).is_file()}
    stale = [rel for rel in known if rel not in wanted and rel not in kept]
    if stale:
        top = output.resolve()
        for rel in stale:
            target = (output / rel).resolve()
            if target.is_relative_to(top) and target.is_file():
                steps.append(Step("remove", output / rel))
    for rel in kept - set(wanted):
        entry = known.get(rel)
        if not entry:
            try:
                entry = [*fingerprint(os.stat(output / rel)), None]
            except OSError:
                continue
        entries[rel] = entry
    result.manifest_file = (output / MANIFEST, old)
    result.known = known
    result.unfinished = (old is None or not old.startswith(FORMAT_2)
                         or os.path.lexists(output / WRITING))
    return result


def temp_folders(p: Plan) -> set[str]:
    """The folders where a killed build may have left temp files: every folder of the
    plan after a build that did not finish; else the top one (the manifest's) and those
    this build writes to (an interrupt that is not a kill removes its temp files itself)."""
    if p.unfinished:
        return p.folders
    return {"", *(rel.rpartition("/")[0] for rel in p.pending)}


def up_to_date(path: str | Path, out: Output, entry: list[Any] | None) -> list[Any] | None:
    """The fingerprint of the file at ``path`` if it holds ``out``'s bytes, else None.

    Decided without reading when the manifest's ``entry`` has the file's fingerprint and
    the output's hash; otherwise by comparing the bytes."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    size = len(out.content) if out.content is not None else out.size
    if st.st_size != size:
        return None
    found = [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]
    if entry and entry[:4] == found and entry[4] == out.sha256:
        return found
    return found if same_output(Path(path), out) else None


def same_bytes(path: Path, data: bytes) -> bool:
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


def same_output(path: Path, out: Output) -> bool:
    if out.content is not None:
        return same_bytes(path, out.content)
    try:
        if path.stat().st_size != out.size:
            return False
        digest = hashlib.sha256()
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
    except OSError:
        return False
    return digest.hexdigest() == out.sha256


class LocalDirectory:
    """The target of a local publish: atomic writes, clear errors.  Subclass to observe.

    While :attr:`batch` is set (:func:`apply` sets it for the files before the lock), a
    file put is only staged: written to its temp file, made durable and renamed into place
    by the batch's barrier.  Otherwise each write is atomic and durable on its own."""

    batch: Batch | None = None

    def put(self, path: Path, out: Output) -> None:
        content, source = out.content, out.source
        batch = self.batch
        if content is not None:
            guarded(path, lambda: batch.write(path, content) if batch
                    else write_atomic(path, content, sync_folder=True))
        else:
            assert source is not None, out.path
            guarded(path, lambda: batch.copy(source, path) if batch
                    else copy_atomic(source, path))

    def put_bytes(self, path: Path, data: bytes) -> None:
        batch = self.batch
        guarded(path, lambda: batch.write(path, data) if batch
                else write_atomic(path, data, sync_folder=True))

    def remove(self, path: Path) -> None:
        guarded(path, lambda: path.unlink(missing_ok=True))


def apply(p: Plan, target: LocalDirectory | None = None,
          progress: Progress | None = None) -> None:
    """Apply the steps in their order, then write the manifest.

    The files before the lock (media, artwork, companions, pages) are staged in one
    :class:`~feedpub.writefile.Batch` and made durable together by its barrier; then the
    lock and the feed are each written atomically and durably, the feed last; leftovers
    are removed after it.  An error or an interrupt before the barrier leaves every file
    as it was (the staged temp files are removed)."""
    target = target or LocalDirectory()
    progress = progress or Progress()
    marker = p.manifest_file[0].parent / WRITING if p.manifest_file else None
    try:
        # no folder yet: no marker either (killed then, it leaves no manifest: unfinished)
        if marker is not None and p.steps and marker.parent.is_dir():
            guarded(marker, lambda: marker.write_bytes(b""))
        apply_steps(p, target, progress)
    finally:  # done, or failed or interrupted and cleaned up: no temp file of it is left
        if marker is not None and (p.steps or p.unfinished):
            try:
                marker.unlink(missing_ok=True)
            except OSError:
                pass  # the next build searches every folder: slower, not wrong


def apply_steps(p: Plan, target: LocalDirectory, progress: Progress) -> None:
    """:func:`apply` but the marker."""
    if p.steps:
        progress.stage("writing", len(p.steps))
    batch: Batch | None = Batch()
    target.batch = batch
    try:
        for step in p.steps:
            if batch is not None and (step.output is None or step.output.kind == "feed"
                                      or step.action == "remove"):
                target.batch = None
                progress.stage("syncing to disk")
                batch.commit(failed=write_error)
                batch = None
            if step.action == "remove":
                target.remove(step.path)
            elif step.output is not None:
                target.put(step.path, step.output)
            else:
                assert step.data is not None
                target.put_bytes(step.path, step.data)
            progress.advance()
        if batch is not None:
            target.batch = None
            batch.commit(failed=write_error)
            batch = None
    finally:
        target.batch = None
        if batch is not None:
            batch.abort()
    manifest = p.manifest()
    if manifest:
        target.put_bytes(*manifest)


def write_error(path: Path, exc: OSError) -> FeedpubError:
    return FeedpubError(Problem(path, f"cannot write: {exc.strerror}",
                                hint="check the output folder's permissions and free space"))


def guarded(path: Path, action: Callable[[], object]) -> None:
    """Run a file action; an OSError becomes a clear error naming the file."""
    try:
        action()
    except OSError as exc:
        raise write_error(path, exc) from None
