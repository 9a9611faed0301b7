"""pre-commit hooks, run for real by pre-commit from this repository's own git history, in a
show repository as it really is (public/ not committed); --sources, --check-lock; the wheel."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from conftest import REPO, ShowMaker


def git(*args: str, cwd: Path) -> str:
    proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, "GIT_AUTHOR_NAME": "T", "GIT_AUTHOR_EMAIL":
                               "t@example.org", "GIT_COMMITTER_NAME": "T",
                               "GIT_COMMITTER_EMAIL": "t@example.org"})
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


def feedpub(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "feedpub", *args], capture_output=True,
                          text=True, cwd=cwd)


def show_repo(where: Path) -> ShowMaker:
    maker = ShowMaker(where)
    maker.episode("ep-1", seconds=2.0, title="First")
    (where / ".gitignore").write_text("public/\n", encoding="utf-8")
    assert feedpub("build", "-q", cwd=where).returncode == 0  # writes feedpub.lock too
    git("init", "-q", "-b", "main", cwd=where)
    git("add", "-A", cwd=where)
    git("commit", "-q", "-m", "show", cwd=where)
    return maker


def test_validate_sources_ignores_a_stale_public_folder(tmp_path: Path) -> None:
    maker = show_repo(tmp_path / "show")
    root = maker.root
    (root / "episodes" / "ep-1" / "episode.toml").write_text(
        'title = "First"\ndate = "31/02/2025"\naudio = "ep-1.mp3"\n', encoding="utf-8")
    stale = feedpub("validate", "--offline", cwd=root)  # public/feed.xml: the old build
    assert stale.returncode == 0
    proc = feedpub("validate", "--offline", "--sources", cwd=root)
    assert proc.returncode == 1
    assert "episodes/ep-1/episode.toml:2: date: '31/02/2025' is not a real date" in proc.stderr
    bad = feedpub("validate", "--sources", "public/feed.xml", cwd=root)
    assert bad.returncode == 2 and "give no FEED with it" in bad.stderr


def test_check_lock_needs_no_public_folder(tmp_path: Path) -> None:
    maker = show_repo(tmp_path / "show")
    clone = tmp_path / "clone"
    git("clone", "-q", str(maker.root), str(clone), cwd=tmp_path)
    assert not (clone / "public").exists()
    ok = feedpub("build", "--check-lock", "-q", cwd=clone)
    assert (ok.returncode, ok.stdout) == (0, "feedpub.lock is up to date\n")
    assert feedpub("build", "--check", "-q", cwd=clone).returncode == 1  # why it was dropped
    ShowMaker.episode(maker, "ep-2", seconds=2.0, title="Second", date="2025-05-20")
    stale = feedpub("build", "--check-lock", "-q", cwd=maker.root)
    assert stale.returncode == 1
    assert stale.stdout == "out of date: feedpub.lock\n"
    assert "run 'feedpub build' and commit feedpub.lock" in stale.stderr
    assert not (maker.root / "public" / "ep-2").exists()  # nothing written


@pytest.fixture(scope="module")
def pre_commit(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """pre-commit itself, installed with pip from the registry into its own venv."""
    where = tmp_path_factory.mktemp("pre-commit") / "venv"
    venv.create(where, with_pip=True)
    proc = subprocess.run([str(where / "bin" / "python"), "-m", "pip", "install", "-q",
                           "pre-commit>=3"], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return where / "bin" / "pre-commit"


def run_hooks(pre_commit: Path, repo: Path, home: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(pre_commit), "run", "--all-files", "--color", "never"],
                          cwd=repo, capture_output=True, text=True, timeout=600,
                          env={**os.environ, "PRE_COMMIT_HOME": str(home)})


def test_hooks_from_this_repository_pass_a_clean_show_and_stop_a_broken_one(
        tmp_path: Path, pre_commit: Path) -> None:
    # the hooks as committed: a clone of this repository, at its current commit
    feedpub_clone = tmp_path / "feedpub"
    git("clone", "-q", str(REPO), str(feedpub_clone), cwd=tmp_path)
    rev = git("rev-parse", "HEAD", cwd=REPO)
    maker = show_repo(tmp_path / "show")
    config = f"""\
repos:
  - repo: {feedpub_clone}
    rev: {rev}
    hooks:
      - id: feedpub-validate
      - id: feedpub-build-check
"""
    (maker.root / ".pre-commit-config.yaml").write_text(config, encoding="utf-8")
    git("add", "-A", cwd=maker.root)
    git("commit", "-q", "-m", "hooks", cwd=maker.root)
    # a fresh clone of the show: no public/, as on any other machine
    show = tmp_path / "show-clone"
    git("clone", "-q", str(maker.root), str(show), cwd=tmp_path)
    assert not (show / "public").exists()
    home = tmp_path / "pre-commit-home"
    clean = run_hooks(pre_commit, show, home)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    lines = clean.stdout.splitlines()
    assert any(ln.startswith("feedpub validate (offline rules, the show as it would build)")
               and ln.endswith("Passed") for ln in lines), clean.stdout
    assert any(ln.startswith("feedpub.lock is committed with the episodes")
               and ln.endswith("Passed") for ln in lines), clean.stdout
    assert not (show / "public").exists()  # the hooks write nothing
    # a broken episode.toml fails with its message
    (show / "episodes" / "ep-1" / "episode.toml").write_text(
        'title = "First"\ndate = "31/02/2025"\naudio = "ep-1.mp3"\n', encoding="utf-8")
    git("add", "-A", cwd=show)
    broken = run_hooks(pre_commit, show, home)
    assert broken.returncode == 1
    assert "episodes/ep-1/episode.toml:2: date: '31/02/2025' is not a real date" in broken.stdout
    assert any(ln.startswith("feedpub validate") and ln.endswith("Failed")
               for ln in broken.stdout.splitlines())


def test_the_package_builds_as_a_wheel_with_its_templates(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w",
                           str(tmp_path), str(REPO)], capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr
    from feedpub import __version__

    (wheel,) = tmp_path.glob("feedpub-*.whl")
    assert wheel.name.startswith(f"feedpub-{__version__}-py3-none-any")
    names = set(zipfile.ZipFile(wheel).namelist())
    for forge in ("github", "forgejo", "gitlab"):
        assert f"feedpub/templates/ci/{forge}.yml" in names
    assert "feedpub/cli.py" in names and "feedpub/entry.py" in names
    entry = zipfile.ZipFile(wheel).read(
        f"feedpub-{__version__}.dist-info/entry_points.txt").decode()
    assert "feedpub = feedpub.entry:main" in entry  # the no-change shortcut, then cli.main
    # it installs and runs: a fresh venv (seeing this one's dependencies, not its feedpub)
    target = tmp_path / "venv"
    venv.create(target, with_pip=False)
    site = next(target.glob("lib/python*/site-packages"))
    ours = [p for p in sys.path if p.endswith("site-packages") and Path(p).is_dir()]
    (site / "_test_venv.pth").write_text("\n".join(ours) + "\n", encoding="utf-8")
    installed = subprocess.run([str(target / "bin" / "python"), "-m", "pip", "install", "-q",
                                "--no-deps", str(wheel)], capture_output=True, text=True)
    assert installed.returncode == 0, installed.stderr
    run = subprocess.run([str(target / "bin" / "feedpub"), "--version"], capture_output=True,
                         text=True)
    assert run.stdout == f"feedpub {__version__}\n"
    where = subprocess.run([str(target / "bin" / "python"), "-c",
                            "import feedpub.ci; print(feedpub.ci.__file__); "
                            "print(feedpub.ci.template('gitlab')[:9])"],
                           capture_output=True, text=True, cwd=tmp_path)
    assert where.stdout == f"{site / 'feedpub' / 'ci.py'}\n# feedpub\n", where.stderr


def test_readme_snippet_names_a_commit_with_these_hooks() -> None:
    import re

    import yaml

    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("### In a show's repository: pre-commit\n", 1)[1]
    snippet = yaml.safe_load(re.search(r"```yaml\n(.*?)```", section, re.S).group(1))  # type: ignore[union-attr]
    (repo,) = snippet["repos"]
    assert [h["id"] for h in repo["hooks"]] == ["feedpub-validate", "feedpub-build-check"]
    rev = str(repo["rev"])
    assert re.fullmatch(r"[0-9a-f]{40}", rev), rev  # a commit: it cannot move
    hooks = yaml.safe_load(git("show", f"{rev}:.pre-commit-hooks.yaml", cwd=REPO))
    entries = {h["id"]: h["entry"] for h in hooks}
    assert entries == {"feedpub-validate": "feedpub validate --offline --sources",
                       "feedpub-build-check": "feedpub build --check-lock --quiet"}
    assert git("merge-base", "--is-ancestor", rev, "HEAD", cwd=REPO) == ""
