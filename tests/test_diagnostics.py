"""One diagnostic type: build problems and feed findings, each reported at its source."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import click
from click.testing import CliRunner

from feedpub.build import build
from feedpub.cli import Boundary
from feedpub.errors import Diagnostic, ExitCode, Problem, UsageError
from feedpub.validate import Finding

LONG_NOTES = "Des notes trop longues. " * 180  # over Apple's 4,000 bytes


def test_problem_and_finding_are_one_type() -> None:
    problem = Problem(Path("episodes/ep/episode.toml"), "bad date", 2, "YYYY-MM-DD", "fix it")
    assert isinstance(problem, Diagnostic) and problem.severity == "error"
    assert str(problem) == ("episodes/ep/episode.toml:2: bad date (expected YYYY-MM-DD)\n"
                            "  hint: fix it")
    finding = Finding("warning", "https", "plain http", 7, "use https", "feed.xml",
                      "http://x.example/a.mp3")
    assert isinstance(finding, Diagnostic)
    assert (finding.path, finding.source, finding.rule, finding.url) == (
        "feed.xml", "feed.xml", "https", "http://x.example/a.mp3")
    # A validate report line names the severity; the plain form leaves it to the printer.
    assert str(finding) == "feed.xml:7: warning [https] plain http\n  hint: use https"
    assert finding.format() == "feed.xml:7: [https] plain http\n  hint: use https"
    moved = finding.at("episodes/ep/episode.toml", 3)
    assert (moved.path, moved.line, moved.rule, moved.severity) == (
        "episodes/ep/episode.toml", 3, "https", "warning")
    assert finding.as_dict() == {"severity": "warning", "rule": "https", "message": "plain http",
                                 "line": 7, "hint": "use https", "source": "feed.xml",
                                 "url": "http://x.example/a.mp3"}


def test_item_findings_are_reported_at_the_episode_files(make_show) -> None:  # type: ignore[no-untyped-def]
    make_show.episode("ep", title="<b>Bold</b> title", description=LONG_NOTES, audio="ep.flac")
    make_show.episode("other", date="2025-01-02")
    where = {(w.rule, str(w.path), w.line) for w in build(make_show.root).warnings}
    assert ("description-length", "episodes/ep/description.md", None) in where
    assert ("html-in-text", "episodes/ep/episode.toml", 1) in where  # title = … is line 1
    assert ("enclosure-type", "episodes/ep/episode.toml", 3) in where  # audio = … is line 3
    assert not any("other" in path or path.endswith("feed.xml") for _, path, _ in where)


def test_cli_says_warning_once_and_names_the_source(make_show) -> None:  # type: ignore[no-untyped-def]
    make_show.episode("ep", description=LONG_NOTES)
    proc = subprocess.run([sys.executable, "-m", "feedpub.cli", "build", "-q"],
                          cwd=make_show.root, capture_output=True, text=True,
                          env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    assert proc.returncode == 0, proc.stderr
    line = proc.stderr.splitlines()[0]
    assert line.startswith("feedpub: warning: episodes/ep/description.md: "
                           "[description-length] item <description> is ")
    assert line.count("warning") == 1


def crashing_cli() -> click.Group:
    """A command group behind the real boundary, with commands that fail in each way."""
    @click.group(cls=Boundary)
    @click.option("--traceback", is_flag=True)
    def group(traceback: bool) -> None:
        pass

    @group.command()
    def crash() -> None:
        {}["missing"]  # a bug

    @group.command()
    def usage() -> None:
        raise UsageError(Problem(None, "--thing: bad", hint="say it right"))

    @group.command()
    def interrupted() -> None:
        raise KeyboardInterrupt

    @group.command("interrupted-in-clean-up")
    def interrupted_in_clean_up() -> None:
        lock = threading.Lock()
        try:
            raise KeyboardInterrupt
        finally:
            lock.release()  # RuntimeError, as Ctrl-C inside a lock's wait can leave it

    return group


def test_the_boundary_maps_each_kind_of_failure_to_its_exit_code() -> None:
    runner = CliRunner()
    group = crashing_cli()
    crash = runner.invoke(group, ["crash"])
    assert crash.exit_code == ExitCode.INTERNAL == 70
    assert crash.output == ("feedpub: internal error: KeyError('missing'); this is a bug, "
                            "run with --traceback and report it\n")
    traced = runner.invoke(group, ["--traceback", "crash"])
    assert isinstance(traced.exception, KeyError)  # the traceback is not swallowed
    after = runner.invoke(group, ["crash", "--traceback"])  # after the subcommand too
    assert isinstance(after.exception, KeyError)
    usage = runner.invoke(group, ["usage"])
    assert (usage.exit_code, usage.output) == (
        2, "feedpub: error: --thing: bad\n  hint: say it right\n")
    stopped = runner.invoke(group, ["interrupted"])
    assert (stopped.exit_code, stopped.output) == (130, "feedpub: interrupted\n")
    unwinding = runner.invoke(group, ["interrupted-in-clean-up"])
    assert (unwinding.exit_code, unwinding.output) == (130, "feedpub: interrupted\n")
    assert runner.invoke(group, ["nope"]).exit_code == 2  # click's own usage errors


def test_traceback_is_accepted_after_the_command_of_the_real_cli(tmp_path: Path) -> None:
    from feedpub.cli import cli

    runner = CliRunner()
    for args in (["--traceback", "build", "--help"], ["build", "--traceback", "--help"]):
        result = runner.invoke(cli, args)
        assert result.exit_code == 0 and "Usage:" in result.output, (args, result.output)
    # after "--" it is an argument, not the option: validate looks for a feed of that name
    moved = runner.invoke(cli, ["-C", str(tmp_path), "validate", "--", "--traceback"])
    assert moved.exit_code == 2 and "--traceback" in moved.output


def test_counts_in_messages_agree_with_their_noun() -> None:
    from feedpub.wording import counted

    assert [counted(n, "episode") for n in (0, 1, 2)] == ["0 episodes", "1 episode",
                                                           "2 episodes"]
    assert counted(1, "entry", "entries") == "1 entry" and counted(3, "entry", "entries") == \
        "3 entries"
