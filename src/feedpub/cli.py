"""Command line: thin click commands over the library API.

Only this module prints.  Every command maps :class:`FeedpubError` to an
exit code in one place (:func:`main`).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__
from .errors import ExitCode, FeedpubError

CONTEXT = {"help_option_names": ["-h", "--help"]}


def fail(err: FeedpubError) -> None:
    for problem in err.problems:
        click.echo(f"feedpub: error: {problem}", err=True)
    sys.exit(int(err.exit_code))


@click.group(context_settings=CONTEXT)
@click.version_option(__version__, "--version")
@click.option("-C", "directory", type=click.Path(file_okay=False, path_type=Path),
              default=None, help="Run as if started in DIR (the show folder).")
@click.pass_context
def cli(ctx: click.Context, directory: Path | None) -> None:
    """Build, check and publish a podcast feed from podcast.toml and episodes/.

    Example: feedpub -C my-show build --output public/
    """
    ctx.obj = (directory or Path(".")).resolve()


def main() -> None:
    try:
        cli(standalone_mode=True)
    except FeedpubError as err:
        fail(err)
    except KeyboardInterrupt:
        sys.exit(int(ExitCode.INTERRUPTED))
