"""The console script (and ``python -m feedpub``): a no-change build answered before click.

With nothing changed since the last written build, ``feedpub build`` should cost
Python's start-up and one ``stat`` per file (:mod:`feedpub.state`); loading click and
the commands' module alone costs more than that.  :func:`main` reads the arguments of
such a run -- ``[-C DIR] build [-o DIR | --output DIR] [-q] [--no-site] [--check]``,
nothing else -- and asks the saved state.  Any other command line, any doubt of the
state, even an error of this shortcut, hands over to :mod:`feedpub.cli`, which parses
everything again and runs the command as always.  :func:`answer` is also what the
``build`` command says when it takes the shortcut itself (run through click), so both
print the same lines.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NamedTuple


class PlainBuild(NamedTuple):
    directory: str | None
    output: str | None
    quiet: bool
    site: bool
    check: bool


def plain_build(argv: list[str]) -> PlainBuild | None:
    """The options of a plain ``feedpub build`` command line, or None for any other."""
    args = list(argv)
    directory = None
    if len(args) >= 2 and args[0] == "-C":
        directory, args = args[1], args[2:]
    if args[:1] != ["build"]:
        return None
    output, quiet, site, check = None, False, True, False
    rest = iter(args[1:])
    for arg in rest:
        if arg in ("-q", "--quiet"):
            quiet = True
        elif arg == "--no-site":
            site = False
        elif arg == "--check":
            check = True
        elif arg in ("-o", "--output"):
            output = next(rest, None)
            if output is None:
                return None  # click says what is missing
        elif arg.startswith("--output="):
            output = arg.removeprefix("--output=")
        else:
            return None
    return PlainBuild(directory, output, quiet, site, check)


def folders(run: PlainBuild) -> tuple[Path, Path]:
    """The show folder and the output folder, as the ``build`` command resolves them
    (``-C DIR`` makes relative paths after it relative to DIR, as git -C does)."""
    root = Path(run.directory or ".").resolve()
    if run.output is None:
        return root, (root / "public").resolve()
    output = Path(run.output)
    if run.directory is not None and root.is_dir():
        output = root / output
    return root, output.resolve()


def answer(root: Path, output: Path, *, site: bool, check: bool, quiet: bool
           ) -> tuple[list[str], list[str]] | None:
    """What ``build`` prints (stdout lines, stderr lines) when the saved state vouches
    for the outputs in ``output``; None when a build must run."""
    from . import state
    from .wording import build_summary

    saved = state.up_to_date(root, output, site=site)
    if saved is None:
        return None
    err = [] if quiet else list(saved["progress"])
    err += [f"feedpub: {warning}" for warning in saved["warnings"]]
    if check:
        return ["feed is up to date"], err
    episodes, scheduled = saved["episodes"], saved["scheduled"]
    return [build_summary(saved["feed"], episodes, scheduled, 0, episodes + scheduled, 0,
                          0, 0)], err


INTERRUPTED = 130  # errors.ExitCode.INTERRUPTED, without importing it before the shortcut


#: the show folder, output folder and site option this process already asked the saved
#: state about, and was told to build (:func:`main`): the ``build`` command it hands over
#: to does not walk the sources a second time
declined: tuple[Path, Path, bool] | None = None


def take_declined() -> tuple[Path, Path, bool] | None:
    """What :func:`main` was told to build, once (the next command asks again)."""
    global declined
    found, declined = declined, None
    return found


def main() -> None:
    """Answer a no-change ``feedpub build`` from the saved state, else run the command."""
    global declined
    said = None
    try:
        run = plain_build(sys.argv[1:])
        if run is not None:
            root, output = folders(run)
            said = answer(root, output, site=run.site, check=run.check, quiet=run.quiet)
            if said is None:
                declined = (root, output, run.site)
    except KeyboardInterrupt:
        print("feedpub: interrupted", file=sys.stderr)
        end_by_sigint()
    except Exception:  # a shortcut only: the command decides
        said = None
    if said is None:
        from .cli import main as run_command

        try:
            run_command()
        except SystemExit as done:
            if done.code == INTERRUPTED:
                end_by_sigint()
            raise
        return
    out, err = said
    for line in err:
        print(line, file=sys.stderr)
    for line in out:
        print(line)


def end_by_sigint() -> None:
    """End as a program stopped by Ctrl-C should: killed by SIGINT, after the usual
    clean-up. The shell says 130 either way, but only this stops a shell loop around
    feedpub; and Python itself at times ends a process this way after a caught
    KeyboardInterrupt, so the ending no longer depends on where the signal fell."""
    import atexit
    import os
    import signal

    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    atexit._run_exitfuncs()
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    os.kill(os.getpid(), signal.SIGINT)
    raise SystemExit(INTERRUPTED)  # only where SIGINT cannot end a process
