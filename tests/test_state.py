"""The no-change fast path (.feedpub/cache/state.json): trusted only when nothing changed.

Every test builds a real show with the command, changes one thing, and checks that the
next build notices it (the state no longer vouches for the outputs) and writes exactly
what a clean build of the same show writes.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

import showchanges
from audiofactory import make_audio
from cleancopy import built_clean
from feedpub import state
from feedpub.build import build
from feedpub.cli import cli
from feedpub.output import MANIFEST

TRANSCRIPT = "Speaker #0\nBonjour et bienvenue.\n"


def settle(root: Path) -> None:
    """Wait until the file system's clock has passed what was just written, so that a
    build started now finds its sources older than its stamp (as they are in real use:
    the race the stamp guards against is a file edited while the build reads it)."""
    probe = root.parent / ".settle"
    probe.write_bytes(b"0")
    first = probe.stat().st_ctime_ns
    while probe.stat().st_ctime_ns == first:
        time.sleep(0.002)
        probe.write_bytes(b"1")
    probe.unlink()


def feedpub(root: Path, *args: str) -> str:
    settle(root)
    result = CliRunner().invoke(cli, ["-C", str(root), "build", *args])
    assert result.exit_code == 0, result.output + result.stderr
    return result.stdout


def files(folder: Path) -> dict[str, bytes]:
    """Every file of an output folder (the manifest by its names: it holds fingerprints)."""
    got = {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*")
           if p.is_file() and p.name != MANIFEST}
    manifest = json.loads((folder / MANIFEST).read_text())
    got[MANIFEST] = json.dumps(sorted(manifest["files"] if isinstance(manifest, dict)
                                      else manifest)).encode()
    return got


def clean(root: Path, tmp_path: Path, *args: str) -> dict[str, bytes]:
    """The output of the same show built from a copy with no cache, state or output."""
    def make(copy: Path) -> dict[str, bytes]:
        feedpub(copy, "-q", *args)
        return files(copy / "public")
    return built_clean(root, tmp_path, make)


def mtimes(folder: Path) -> dict[Path, int]:
    return {p: p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}


def fast(root: Path, *, site: bool = False, output: str = "public",
         now: datetime | None = None) -> bool:
    return state.up_to_date(root, (root / output).resolve(), site, now=now) is not None


@pytest.fixture
def show(make_show) -> Path:
    for n in range(3):
        folder = make_show.episode(f"ep-{n}", seconds=2.0, date=f"2025-05-1{n}",
                                   description=f"Notes *{n}* avec https://example.org/{n}")
        (folder / "transcript.txt").write_text(TRANSCRIPT, encoding="utf-8")
    feedpub(make_show.root, "-q", "--no-site")
    assert fast(make_show.root)
    return make_show.root


def test_a_rebuild_with_nothing_changed_writes_nothing_and_loads_no_builder(show: Path
                                                                            ) -> None:
    public = show / "public"
    code = ("import sys\nfrom feedpub.cli import cli\n"
            "cli.main(sys.argv[1:], standalone_mode=False)\n"
            "heavy = ('lxml', 'feedgen', 'jinja2', 'mutagen', 'cmarkgfm', 'nh3', 'babel',"
            " 'feedpub.build', 'feedpub.feed', 'feedpub.site', 'feedpub.validate')\n"
            "print(sorted(m for m in heavy if m in sys.modules))\n")
    env = {**os.environ, "FEEDPUB_ALLOW_TEST_HOSTS": "1"}
    argv = [sys.executable, "-c", code, "-C", str(show), "build", "--no-site"]
    # a new process may have another identity than pytest's (its sys.path): build once
    subprocess.run(argv, capture_output=True, text=True, env=env, check=True)
    before = mtimes(public)
    lock = (show / "feedpub.lock").stat().st_mtime_ns
    settle(show)
    proc = subprocess.run(argv, capture_output=True, text=True, env=env, check=True)
    assert proc.stdout == (f"{public / 'feed.xml'}: 3 episodes, 0 rebuilt, 3 reused, 0 probed, "
                           "0 files written, 0 removed\n"
                           "[]\n"), proc.stderr
    assert mtimes(public) == before
    assert (show / "feedpub.lock").stat().st_mtime_ns == lock
    check = subprocess.run([*argv, "--check"], capture_output=True, text=True, env=env)
    assert check.returncode == 0 and check.stdout == "feed is up to date\n[]\n"


def test_the_fast_path_repeats_the_warnings_and_the_summary(make_show) -> None:
    make_show.episode("ep", seconds=1.0, title="Hello <b>world</b>")
    make_show.episode("later", seconds=1.0, date="2099-01-01")
    settle(make_show.root)
    first = CliRunner().invoke(cli, ["-C", str(make_show.root), "build", "--no-site"])
    assert first.exit_code == 0, first.stderr
    again = CliRunner().invoke(cli, ["-C", str(make_show.root), "build", "--no-site"])
    assert again.stdout.endswith("1 episode (1 scheduled for later), 0 rebuilt, 2 reused, "
                                 "0 probed, 0 files written, 0 removed\n")
    assert "feedpub: warning:" in first.stderr
    assert [line for line in again.stderr.splitlines() if "audio" not in line] == \
        [line for line in first.stderr.splitlines() if "audio" not in line]
    assert "scheduled: later on 2099-01-01" in again.stderr
    quiet = CliRunner().invoke(cli, ["-C", str(make_show.root), "build", "--no-site", "-q"])
    assert "scheduled:" not in quiet.stderr and "feedpub: warning:" in quiet.stderr


def same_size_and_mtime(path: Path, old: str, new: str) -> None:
    assert len(old) == len(new)
    st = path.stat()
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert path.stat().st_size == st.st_size


def edit_episode_in_place(root: Path) -> None:
    same_size_and_mtime(root / "episodes" / "ep-1" / "episode.toml", "Episode", "Epizode")


def add_transcript(root: Path) -> None:
    showchanges.add_transcript(root)


def add_episode(root: Path) -> None:
    showchanges.add_episode(root, seconds=1.0)


def remove_episode(root: Path) -> None:
    shutil.rmtree(root / "episodes" / "ep-2")


def edit_show(root: Path) -> None:
    path = root / "podcast.toml"
    path.write_text(path.read_text().replace("A show made by the test suite.",
                                             "A show, edited."))


def edit_lock(root: Path) -> None:
    path = root / "feedpub.lock"
    data = json.loads(path.read_text())
    path.write_text(json.dumps(data, indent=4) + "\n")  # the build writes its own form again


def delete_output(root: Path) -> None:
    (root / "public" / "ep-0" / "transcript.fr.html").unlink()


def edit_output(root: Path) -> None:
    feed = root / "public" / "feed.xml"
    st = feed.stat()
    feed.write_bytes(feed.read_bytes().replace(b"Test Show", b"Test Shoe"))
    os.utime(feed, ns=(st.st_atime_ns, st.st_mtime_ns))


def replace_audio(root: Path) -> None:
    make_audio(root / "episodes" / "ep-2" / "ep-2.mp3", 3.0)


@pytest.mark.parametrize("change", [edit_episode_in_place, add_transcript, add_episode,
                                    remove_episode, edit_show, edit_lock, delete_output,
                                    edit_output, replace_audio])
def test_each_kind_of_change_is_noticed_and_built_as_a_clean_build(show: Path,
                                                                 tmp_path: Path,
                                                                 change) -> None:
    change(show)
    assert not fast(show), change.__name__
    args = ["-q", "--no-site", *(["--update-lock"] if change in (remove_episode,
                                                                  replace_audio) else [])]
    out = feedpub(show, *args)
    assert not out.endswith(" 0 files written, 0 removed\n"), out
    assert files(show / "public") == clean(show, tmp_path, "-q", "--no-site")
    assert fast(show)  # and the state holds again


def saved_listing(root: Path) -> list[str]:
    data = state.load(root)
    assert data is not None
    [episodes] = [item for item in data["items"] if item[0] == "tree"
                  and item[1].endswith(os.sep + "episodes")]
    return episodes[2:]


def rename_episode_folder_file(root: Path) -> None:
    (root / "episodes" / "ep-1" / "transcript.txt").rename(
        root / "episodes" / "ep-1" / "transcript.fr.txt")


def file_becomes_folder(root: Path) -> None:
    (root / "episodes" / "ep-0" / "extra").write_text("a file of the podcaster's")
    feedpub(root, "-q", "--no-site")
    (root / "episodes" / "ep-0" / "extra").unlink()
    (root / "episodes" / "ep-0" / "extra" / "draft").mkdir(parents=True)
    (root / "episodes" / "ep-0" / "extra" / "draft" / "idea.txt").write_text("later")


@pytest.mark.parametrize("change", [add_episode, remove_episode, add_transcript,
                                    edit_episode_in_place, rename_episode_folder_file,
                                    file_becomes_folder, edit_show])
def test_the_state_saved_from_the_last_listing_is_what_a_fresh_scan_finds(
        show: Path, change, monkeypatch) -> None:
    change(show)
    scanned: list[str] = []
    real_scandir, real_record = os.scandir, state.record

    def record(*args, **kwargs):  # type: ignore[no-untyped-def]
        monkeypatch.setattr(os, "scandir",
                            lambda p=".": scanned.append(os.fspath(p)) or real_scandir(p))
        try:
            return real_record(*args, **kwargs)
        finally:
            monkeypatch.setattr(os, "scandir", real_scandir)

    monkeypatch.setattr(state, "record", record)
    feedpub(show, "-q", "--no-site", *(["--update-lock"] if change is remove_episode else []))
    assert fast(show)
    episodes = str((show / "episodes").resolve())
    fresh, _ = state.scan_items([["tree", episodes]], state.Walk())
    assert sorted(saved_listing(show)) == sorted(fresh[0][2:])
    # saving the state read again only the folders that changed
    walked = [p for p in scanned if p.startswith(episodes)]
    untouched = {"ep-0", "ep-1", "ep-2"} - {"ep-0" if change in (add_transcript,
                                                                  file_becomes_folder) else "",
                                            "ep-1" if change in (edit_episode_in_place,
                                                                 rename_episode_folder_file)
                                            else ""}
    for name in untouched:
        assert os.path.join(episodes, name) not in walked, (name, walked)
    # and every folder it kept from the last listing is still watched
    for n in range(3):
        transcript = show / "episodes" / f"ep-{n}" / "transcript.txt"
        if transcript.exists():
            same_size_and_mtime(transcript, "Bonjour", "Bonsoir")
            assert not fast(show), n
            same_size_and_mtime(transcript, "Bonsoir", "Bonjour")


def test_an_episode_added_stops_the_check_at_the_episodes_folder(show: Path) -> None:
    data = state.load(show)
    assert data is not None
    [(item, digest)] = [(i, d) for i, d in zip(data["items"], data["sources"], strict=True)
                        if i[0] == "tree" and i[1].endswith(os.sep + "episodes")]
    state.Walk().tree(item[1], item[2:], saved=digest)  # unchanged: the whole walk
    add_episode(show)
    with pytest.raises(state.Changed):
        state.Walk().tree(item[1], item[2:], saved=digest)


def test_the_console_script_asks_the_state_once_before_a_build(show: Path, monkeypatch,
                                                               capsys) -> None:
    from feedpub import entry

    edit_show(show)
    settle(show)
    asked: list[Path] = []
    real = state.up_to_date
    monkeypatch.setattr(state, "up_to_date",
                        lambda root, *a, **k: asked.append(root) or real(root, *a, **k))
    monkeypatch.setattr(sys, "argv", ["feedpub", "-C", str(show), "build", "--no-site"])
    with pytest.raises(SystemExit) as done:
        entry.main()
    assert done.value.code in (0, None)
    assert capsys.readouterr().out.endswith(" 1 file written, 0 removed\n")
    assert asked == [show.resolve()]
    assert entry.declined is None  # taken by the command: the next one asks again
    assert fast(show)


def test_a_theme_added_and_the_site_toggled_are_noticed(show: Path, tmp_path: Path) -> None:
    assert not fast(show, site=True)  # built without the site
    feedpub(show, "-q")
    assert fast(show, site=True) and not fast(show, site=False)
    (show / "theme" / "static").mkdir(parents=True)
    (show / "theme" / "static" / "extra.css").write_text("body { color: teal }\n")
    assert not fast(show, site=True)
    feedpub(show, "-q")
    assert (show / "public" / "assets" / "extra.css").is_file() or any(
        p.name == "extra.css" for p in (show / "public").rglob("*"))
    assert files(show / "public") == clean(show, tmp_path, "-q")
    (show / "theme" / "static" / "extra.css").write_text("body { color: navy }\n")
    assert not fast(show, site=True)


def test_another_output_folder_is_another_build(show: Path, tmp_path: Path) -> None:
    assert not fast(show, output="elsewhere")
    out = feedpub(show, "-q", "--no-site", "-o", str(show / "elsewhere"))
    assert "0 files written" not in out
    assert fast(show, output="elsewhere") and not fast(show)  # one state: the last build


def test_an_environment_change_is_noticed(show: Path, monkeypatch) -> None:
    monkeypatch.setenv("FEEDPUB_DOWNLOAD_LIMIT", "1000")
    assert not fast(show)
    monkeypatch.delenv("FEEDPUB_DOWNLOAD_LIMIT")
    assert fast(show)
    monkeypatch.setenv("FEEDPUB_ALLOW_TEST_HOSTS", "0")
    assert not fast(show)


def test_a_scheduled_episode_falls_due(show: Path, make_show, tmp_path: Path) -> None:
    make_show.episode("soon", seconds=1.0, date="2099-03-01")
    out = feedpub(show, "-q", "--no-site")
    assert "(1 scheduled for later)" in out
    assert fast(show)
    assert fast(show, now=datetime(2099, 2, 28, 22, 0, tzinfo=UTC))
    due = datetime(2099, 3, 1, 0, 0, tzinfo=UTC)  # midnight in Paris was an hour before
    assert not fast(show, now=due)
    assert len(build(show, now=due, site=False).episodes) == 4


def edit_state(path: Path, change) -> None:  # type: ignore[no-untyped-def]
    path.write_text(json.dumps(change(json.loads(path.read_text()))))


@pytest.mark.parametrize("damage", [
    lambda path: path.write_text("{not json"),
    lambda path: path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2]),
    lambda path: path.write_text("[]"),
    lambda path: path.write_text(json.dumps({**json.loads(path.read_text()), "until": "x"})),
    lambda path: path.write_text(json.dumps({**json.loads(path.read_text()),
                                             "items": [["tree"]]})),
    lambda path: path.write_text(json.dumps({**json.loads(path.read_text()),
                                             "items": [["glob", "/"]]})),
    lambda path: edit_state(path, lambda d: {**d, "sources": ["0" * 64] * len(d["sources"])}),
    lambda path: edit_state(path, lambda d: {**d, "sources": d["sources"][:-1]}),
    lambda path: edit_state(path, lambda d: {**d, "identity": {**d["identity"], "code": "x"}}),
    lambda path: path.unlink(),
])
def test_a_damaged_truncated_or_missing_state_means_a_normal_build(show: Path, damage
                                                                   ) -> None:
    damage(show / state.STATE)
    assert not fast(show)
    assert "0 files written" in feedpub(show, "--no-site")
    assert fast(show)


def test_a_state_copied_from_another_show_is_not_trusted(show: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    shutil.copytree(show, other)
    assert not fast(other)  # another folder; and every file has other inodes
    data = json.loads((other / state.STATE).read_text())
    data["identity"] = state.identity(other, (other / "public").resolve(), False)
    data["items"] = [[i[0], i[1].replace(str(show), str(other)), *i[2:]] for i in data["items"]]
    (other / state.STATE).write_text(json.dumps(data))
    assert not fast(other)  # same folder names, but not the same files


def test_feedpub_edited_is_another_feedpub(tmp_path: Path) -> None:
    package = Path(state.__file__).parent
    copy = tmp_path / "feedpub"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__"))
    before = state.code_fingerprint(str(copy))
    assert state.code_fingerprint(str(copy)) == before
    same_size_and_mtime(copy / "markup.py", "Markdown", "markdown")
    assert state.code_fingerprint(str(copy)) != before
    (copy / "site" / "templates" / "extra.html").write_text("{{ x }}")
    assert state.code_fingerprint(str(copy)) != before


def test_a_source_changed_during_the_build_leaves_no_state(show: Path) -> None:
    from feedpub.build import write_outputs

    public = (show / "public").resolve()
    stamp = state.begin(show)
    result = build(show, site=False)
    edit_show(show)  # after the build read it: its outputs have the old description
    done = write_outputs(result, public)
    assert not state.record(stamp, result, public, False, done)
    assert not fast(show)
    settle(show)
    stamp = state.begin(show)
    result = build(show, site=False)
    assert state.record(stamp, result, public, False, write_outputs(result, public))
    assert fast(show)


def test_check_and_check_lock_leave_the_state_alone(show: Path) -> None:
    edit_show(show)
    runner = CliRunner()
    result = runner.invoke(cli, ["-C", str(show), "build", "--check", "--no-site"])
    assert result.exit_code == 1
    assert runner.invoke(cli, ["-C", str(show), "build", "--check-lock"]).exit_code == 0
    assert json.loads((show / state.STATE).read_text())["items"]  # the last build's, untouched
    assert not fast(show)


def test_a_failed_build_leaves_no_state(show: Path) -> None:
    (show / "episodes" / "ep-1" / "episode.toml").write_text('title = "broken"\n')
    settle(show)
    result = CliRunner().invoke(cli, ["-C", str(show), "build", "--no-site"])
    assert result.exit_code == 1
    assert not fast(show)


# -- outputs planned from the manifest's fingerprints, without reading them back ------

def test_an_unchanged_output_folder_is_planned_without_reading_a_file(show: Path,
                                                                      monkeypatch) -> None:
    from feedpub import output
    from feedpub.build import plan_outputs

    result = build(show, site=False)
    public = (show / "public").resolve()
    read: list[Path] = []
    real = output.same_output
    monkeypatch.setattr(output, "same_output", lambda p, o: read.append(p) or real(p, o))
    todo = plan_outputs(result, public)
    assert not todo and read == [] and todo.manifest() is None
    manifest = json.loads((public / MANIFEST).read_text())
    assert manifest["format"] == 2
    feed = manifest["files"]["feed.xml"]
    st = (public / "feed.xml").stat()
    assert feed == [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino,
                    result.outputs[-1].sha256]
    os.utime(public / "feed.xml")  # touched: same bytes, compared once, not rewritten
    todo = plan_outputs(result, public)
    assert not todo and read == [public / "feed.xml"] and todo.manifest() is not None


def test_a_manifest_of_the_one_value_a_line_layout_is_trusted_and_rewritten_once(
        show: Path, monkeypatch) -> None:
    from feedpub import output
    from feedpub.build import plan_outputs

    result = build(show, site=False)
    public = (show / "public").resolve()
    files_before = json.loads((public / MANIFEST).read_text())["files"]
    assert (public / MANIFEST).read_bytes().startswith(output.FORMAT_2)
    older = json.dumps({"format": 2, "files": files_before}, indent=0) + "\n"
    (public / MANIFEST).write_text(older)  # as earlier builds wrote it
    read: list[Path] = []
    real = output.same_output
    monkeypatch.setattr(output, "same_output", lambda p, o: read.append(p) or real(p, o))
    todo = plan_outputs(result, public)
    assert not todo and read == []  # its fingerprints vouch for the files
    path, data = todo.manifest() or (None, b"")
    assert path == public / MANIFEST and data.startswith(output.FORMAT_2)
    assert json.loads(data)["files"] == files_before
    (public / MANIFEST).write_bytes(data)
    assert plan_outputs(result, public).manifest() is None  # now as written: left alone


def test_a_manifest_entry_that_lies_is_caught_by_the_fingerprint(show: Path) -> None:
    public = show / "public"
    manifest = json.loads((public / MANIFEST).read_text())
    path = public / "ep-1" / "transcript.fr.txt"
    st = path.stat()
    path.write_bytes(path.read_bytes().replace(b"Bonjour", b"Bonsoir"))  # same size
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    (public / MANIFEST).write_text(json.dumps(manifest))  # the old entry kept
    assert "1 file written" in feedpub(show, "--no-site")
    assert b"Bonjour" in path.read_bytes()


@pytest.mark.parametrize("manifest", ["names", "damaged"])
def test_an_older_or_damaged_manifest_still_plans_right(show: Path, tmp_path: Path,
                                                        manifest: str) -> None:
    public = show / "public"
    names = sorted(json.loads((public / MANIFEST).read_text())["files"])
    (public / "ep-1" / "old.txt").write_text("left by an older build")
    if manifest == "names":
        (public / MANIFEST).write_text(json.dumps([*names, "ep-1/old.txt"]))
    else:
        (public / MANIFEST).write_text(json.dumps(
            {"format": 2, "files": {**{n: [1, "x"] for n in names}, "ep-1/old.txt": 3}}))
    out = feedpub(show, "--no-site")
    assert out.endswith("0 files written, 1 removed\n")
    assert not (public / "ep-1" / "old.txt").exists()
    assert files(public) == clean(show, tmp_path, "-q", "--no-site")
    assert json.loads((public / MANIFEST).read_text())["format"] == 2


def test_a_theme_file_becoming_a_theme_folder_is_noticed(show: Path) -> None:
    (show / "theme").write_text("not a theme yet")
    feedpub(show, "-q")
    assert fast(show, site=True)
    (show / "theme").unlink()
    (show / "theme" / "templates").mkdir(parents=True)
    assert not fast(show, site=True)


def test_the_artwork_and_audio_kept_outside_the_episodes_are_watched(make_show,
                                                                      tmp_path: Path) -> None:
    from test_outputs import tiny_png

    root = make_show.root
    media = tmp_path / "media"
    media.mkdir()
    make_show.edit_show('timezone = "Europe/Paris"',
                        f'timezone = "Europe/Paris"\nmedia_dir = "{media}"')
    make_show.edit_show('artwork = "https://media.example.org/cover.jpg"',
                        'artwork = "art/cover.png"')
    (root / "art").mkdir()
    (root / "art" / "cover.png").write_bytes(tiny_png())
    make_show.episode("ep", seconds=None, audio="ep.mp3")
    make_audio(media / "ep.mp3", 1.0)
    feedpub(root, "-q", "--no-site")
    assert fast(root)
    (root / "art" / "notes.txt").write_text("beside the cover")  # its folder's names
    assert not fast(root)
    feedpub(root, "-q", "--no-site")
    assert fast(root)
    (root / "art" / "cover.png").write_bytes(tiny_png() + b"\0")
    assert not fast(root)
    feedpub(root, "-q", "--no-site")
    make_audio(media / "ep.opus", 1.0)  # an alternate encoding appears beside the audio
    assert not fast(root)
    assert files(root / "public") != clean(root, tmp_path, "-q", "--no-site")
    feedpub(root, "-q", "--no-site")
    assert files(root / "public") == clean(root, tmp_path, "-q", "--no-site")


def test_installing_or_removing_a_package_is_another_identity(show: Path, tmp_path: Path,
                                                              monkeypatch) -> None:
    packages = tmp_path / "lib" / "site-packages"
    packages.mkdir(parents=True)
    monkeypatch.setattr(sys, "path", [*sys.path, str(packages)])
    public = (show / "public").resolve()
    settle(packages)
    before = state.identity(show, public, False)
    assert state.identity(show, public, False) == before
    (packages / "nh3-9.9.dist-info").mkdir()  # what an upgrade of nh3 leaves behind
    assert state.identity(show, public, False) != before


def test_the_console_script_answers_before_loading_click(show: Path) -> None:
    env = {**os.environ, "FEEDPUB_ALLOW_TEST_HOSTS": "1"}
    feed = show / "public" / "feed.xml"
    argv = [sys.executable, "-X", "importtime", "-m", "feedpub", "-C", str(show), "build",
            "--no-site", "-o", "public"]
    subprocess.run(argv, capture_output=True, env=env, check=True)  # this process's identity
    settle(show)
    proc = subprocess.run(argv, capture_output=True, text=True, env=env, check=True)
    assert proc.stdout == (f"{feed}: 3 episodes, 0 rebuilt, 3 reused, 0 probed, "
                           "0 files written, 0 removed\n")
    loaded = [line.rsplit("|", 1)[-1].strip() for line in proc.stderr.splitlines()
              if line.startswith("import time:")]
    assert "feedpub.state" in loaded and "click" not in loaded and "feedpub.cli" not in loaded
    check = subprocess.run([*argv, "--check"], capture_output=True, text=True, env=env)
    assert (check.returncode, check.stdout) == (0, "feed is up to date\n")
    edit_show(show)  # then the command runs as always
    check = subprocess.run([*argv, "--check"], capture_output=True, text=True, env=env)
    assert check.returncode == 1 and "out of date: write" in check.stdout
    assert "click" in check.stderr


@pytest.mark.parametrize("argv,parsed", [
    (["build"], (None, None, False, True, False)),
    (["-C", "show", "build", "-o", "out", "-q", "--no-site", "--check"],
     ("show", "out", True, False, True)),
    (["build", "--output=a", "--quiet", "--output", "b"], (None, "b", True, True, False)),
    (["build", "-o"], None),  # click says what is missing
    (["build", "--update-lock"], None),
    (["build", "--traceback"], None),
    (["build", "-qo", "x"], None),
    (["-C", "a", "-C", "b", "build"], None),
    (["--help"], None),
    (["status"], None),
    ([], None),
])
def test_only_a_plain_build_takes_the_shortcut(argv: list[str], parsed) -> None:
    from feedpub.entry import plain_build

    assert plain_build(argv) == (None if parsed is None else tuple(parsed))


def test_a_dangling_link_in_an_episode_folder_has_its_own_fingerprint(show: Path) -> None:
    link = show / "episodes" / "ep-0" / "old-take.wav"
    link.symlink_to(show / "nowhere.wav")
    assert not fast(show)  # a name added to the folder
    feedpub(show, "-q", "--no-site")
    assert fast(show)
    link.unlink()
    link.symlink_to(show / "elsewhere.wav")
    assert not fast(show)


def test_the_console_script_in_process(show: Path, monkeypatch, capsys) -> None:
    from feedpub import entry

    settle(show)
    monkeypatch.setattr(sys, "argv", ["feedpub", "-C", str(show), "build", "--no-site"])
    entry.main()
    out = capsys.readouterr()
    assert out.out.endswith(" 3 episodes, 0 rebuilt, 3 reused, 0 probed, 0 files written, "
                            "0 removed\n")
    monkeypatch.setattr(sys, "argv", ["feedpub", "-C", str(show), "build", "--no-site",
                                      "--check-lock"])
    with pytest.raises(SystemExit) as done:  # not a plain build: the commands run it
        entry.main()
    assert done.value.code == 0 and "feedpub.lock is up to date" in capsys.readouterr().out


@pytest.mark.parametrize("how", ["absolute", "dotdot"])
def test_audio_named_by_a_path_out_of_the_episodes_folder_is_watched(make_show, tmp_path: Path,
                                                                     how: str) -> None:
    root = make_show.root
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    make_audio(elsewhere / "ep.mp3", 1.0)
    name = str(elsewhere / "ep.mp3") if how == "absolute" else "../../../elsewhere/ep.mp3"
    make_show.episode("ep", seconds=None, audio=name)
    assert (root / "episodes" / "ep" / name).resolve() == (elsewhere / "ep.mp3").resolve()
    feedpub(root, "-q", "--no-site")
    assert fast(root)
    make_audio(elsewhere / "ep.mp3", 2.0)
    assert not fast(root)
    feedpub(root, "-q", "--no-site", "--update-lock")
    assert fast(root)
    make_audio(elsewhere / "ep.opus", 1.0)  # an alternate beside it: its folder's names
    assert not fast(root)


@pytest.mark.parametrize(("audio", "inside"), [
    ("ep.mp3", True), ("sub/ep.mp3", True), ("ep..mp3", True), ("../ep.mp3", False),
    ("a/../../ep.mp3", False), ("/srv/ep.mp3", False), ("~/ep.mp3", False),
    ("https://example.org/ep.mp3", False), ("", False)])
def test_which_audio_names_stay_inside_the_walked_folders(audio: str, inside: bool) -> None:
    assert state.in_a_tree(audio) is inside
