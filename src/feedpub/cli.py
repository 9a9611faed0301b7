"""Command line: thin click commands over the library API.

Only this module prints.  Commands raise; :class:`Boundary` (the group's
``invoke``) is the one place where errors become messages and exit codes:
each :class:`FeedpubError` class has its ``exit_code``, an interrupt is 130 and
anything else is a bug of ours (:attr:`ExitCode.INTERNAL`).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from . import __version__
from .errors import ExitCode, Failed, FeedpubError, Problem, Terminated, UsageError
from .progress import Progress
from .wording import build_summary, counted

if TYPE_CHECKING:
    from .build import BuildResult

CONTEXT = {"help_option_names": ["-h", "--help"]}
INTERNAL = "this is a bug, run with --traceback and report it"


def print_problems(err: FeedpubError) -> None:
    for problem in err.problems:
        click.echo(f"feedpub: {problem.severity}: {problem}", err=True)


def fail(err: FeedpubError) -> NoReturn:
    """Hand ``err`` to the boundary (for commands that catch it to add context)."""
    raise err


class Boundary(click.Group):
    """The one place where errors become messages and exit codes."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """``--traceback`` is the group's, but is accepted after the subcommand too
        (``feedpub build --traceback``): it is moved before it (not past a ``--``)."""
        end = args.index("--") if "--" in args else len(args)
        if "--traceback" in args[1:end] and any(p.name == "traceback" for p in self.params):
            args = ["--traceback"] + [a for i, a in enumerate(args)
                                      if i >= end or a != "--traceback"]
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except FeedpubError as err:
            print_problems(err)
            code = err.exit_code
        except KeyboardInterrupt:
            click.echo("feedpub: interrupted", err=True)
            code = ExitCode.INTERRUPTED
        except Terminated:
            click.echo("feedpub: terminated", err=True)
            code = ExitCode.TERMINATED
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise  # click's own: --help, usage errors
        except Exception as err:  # a bug of ours: say so briefly unless asked for details
            if ctx.params.get("traceback"):
                raise
            if interrupted(err):  # e.g. a lock's clean-up failing as Ctrl-C unwound it
                click.echo("feedpub: interrupted", err=True)
                raise click.exceptions.Exit(int(ExitCode.INTERRUPTED)) from None
            click.echo(f"feedpub: internal error: {err!r}; {INTERNAL}", err=True)
            code = ExitCode.INTERNAL
        raise click.exceptions.Exit(int(code))


def interrupted(err: BaseException) -> bool:
    """Whether ``err`` was raised while a Ctrl-C was unwinding the stack: Python's own
    clean-up code (a lock released in a ``finally``) can fail then, and that is no bug."""
    seen: set[int] = set()
    cause: BaseException | None = err
    while cause is not None and id(cause) not in seen:
        if isinstance(cause, KeyboardInterrupt):
            return True
        seen.add(id(cause))
        cause = cause.__cause__ or cause.__context__
    return False


@click.group(cls=Boundary, context_settings=CONTEXT)
@click.version_option(__version__, "--version", message="feedpub %(version)s")
@click.option("--traceback", is_flag=True, hidden=True, help="Show tracebacks of internal errors.")
@click.option("-C", "directory", type=click.Path(file_okay=False, path_type=Path),
              default=None, help="Run as if started in DIR (the show folder).")
@click.pass_context
def cli(ctx: click.Context, traceback: bool, directory: Path | None) -> None:
    """Build, check and publish a podcast feed from podcast.toml and episodes/.

    Example: feedpub -C my-show build --output public/
    """
    ctx.obj = (directory or Path(".")).resolve()
    ctx.meta["feedpub.started_in"] = os.getcwd()  # GitHub annotations are relative to it
    if directory is not None and ctx.obj.is_dir():
        # As git -C and make -C: every relative path given after -C is read from DIR.
        # (Restored when the command ends, for callers that run commands in-process.)
        previous = os.getcwd()
        os.chdir(ctx.obj)
        ctx.call_on_close(lambda: os.chdir(previous))


def show_root(ctx: click.Context) -> Path:
    root: Path = ctx.obj
    return root


def progress_printer(enabled: bool):  # type: ignore[no-untyped-def]
    def say(message: str) -> None:
        if enabled:
            click.echo(message, err=True)
    return say


@cli.command()
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder to write feed.xml and companion files to (default: public/).")
@click.option("--check", is_flag=True,
              help="Write nothing; exit 1 if any output or feedpub.lock would change.")
@click.option("--check-lock", is_flag=True,
              help="Write nothing; exit 1 if feedpub.lock would change (works without "
              "public/: for pre-commit).")
@click.option("--update-lock", is_flag=True,
              help="Accept changed audio, guids and removed episodes, and record them.")
@click.option("--measure", is_flag=True,
              help="Download audio whose facts an import declared, measure it, and record "
              "the real size, type and duration (every difference is printed).")
@click.option("-q", "--quiet", is_flag=True, help="Only errors and warnings.")
@click.option("--no-site", is_flag=True, help="Only the feed and its files: no web pages.")
@click.pass_context
def build(ctx: click.Context, output: Path | None, check: bool, check_lock: bool,
          update_lock: bool, measure: bool, quiet: bool, no_site: bool) -> None:
    """Build feed.xml (and transcript files) from podcast.toml and episodes/.

    Nothing is written unless every check passes; feed.xml is replaced atomically.

    Example: feedpub build --output public/
    """
    from . import state
    from .entry import answer, take_declined

    root = show_root(ctx)
    output = (output if output is not None else root / "public").resolve()
    asked = take_declined() == (root, output, not no_site)  # by the console script, just now
    if not (check_lock or update_lock or measure or asked):
        # nothing changed since the last written build: say what it said, import nothing
        # (the console script asks before loading click: feedpub.entry)
        said = answer(root, output, site=not no_site, check=check, quiet=quiet)
        if said is not None:
            for line in said[1]:
                click.echo(line, err=True)
            for line in said[0]:
                click.echo(line)
            return
    from .build import build as run_build
    from .build import plan_outputs, write_outputs
    from .build.pipeline import few_collections

    stamp = state.begin(root) if not (check or check_lock) else None
    progress = BuildProgress(enabled=not quiet)
    try:
        result = run_build(root, update_lock=update_lock, progress=progress,
                           site=not no_site, measure=measure, check_all=check)
    finally:
        progress.end()
    for line in result.measured:
        click.echo(f"feedpub: measured: {line}", err=True)
    for warning in result.warnings:
        click.echo(f"feedpub: {warning.severity}: {warning}", err=True)
    if check_lock:
        lock = result.lock.path
        if not lock.is_file() or lock.read_text(encoding="utf-8") != result.lock.to_json():
            click.echo(f"out of date: {lock.name}")
            click.echo(f"run 'feedpub build' and commit {lock.name}", err=True)
            raise Failed()
        click.echo(f"{lock.name} is up to date")
        return
    if check:
        todo = plan_outputs(result, output)
        for change in todo.changes():
            click.echo(f"out of date: {change}")
        if todo:
            click.echo("run 'feedpub build' and commit the result", err=True)
            raise Failed()
        click.echo("feed is up to date")
        return
    try:
        done = write_outputs(result, output, progress=progress)
    finally:
        progress.end()
    if stamp is not None:
        with few_collections():
            state.record(stamp, result, output, not no_site, done)
    stats = result.stats
    click.echo(build_summary(output / result.outputs[-1].path, len(result.episodes),
                             len(result.scheduled), stats.rebuilt, stats.reused, stats.probed,
                             len(done.write), len(done.remove)))


class BuildProgress(Progress):
    """A build's progress: on a terminal one line redrawn in place (stage, count, rate);
    in a log (stderr not a terminal) only the notes; with ``--quiet`` nothing."""

    REDRAW = 0.1  # seconds between two redraws of the line

    def __init__(self, enabled: bool, tty: bool | None = None) -> None:
        self.enabled = enabled
        self.tty = enabled and (sys.stderr.isatty() if tty is None else tty)
        self.name, self.total, self.done = "", 0, 0
        self.started = self.drawn_at = 0.0
        self.drawn = False

    def __call__(self, message: str) -> None:
        if self.enabled:
            self.end()
            click.echo(message, err=True)

    def stage(self, name: str, total: int = 0) -> None:
        import time

        self.name, self.total, self.done = name, total, 0
        self.started = time.monotonic()
        self._draw(force=True)

    def advance(self, count: int = 1) -> None:
        self.done += count
        self._draw(force=self.done >= self.total)

    def _draw(self, force: bool) -> None:
        if not self.tty:
            return
        import shutil
        import time

        now = time.monotonic()
        if not force and now - self.drawn_at < self.REDRAW:
            return
        self.drawn_at = now
        text = f"feedpub: {self.name}"
        if self.total:
            text += f" {self.done:,}/{self.total:,}"
            elapsed = now - self.started
            if self.done and elapsed > 0.2:
                text += f" ({self.done / elapsed:,.0f}/s)"
        else:
            text += "…"
        width = shutil.get_terminal_size().columns - 1
        click.echo(f"\r{text[:width]}\x1b[K", err=True, nl=False)
        self.drawn = True

    def end(self) -> None:
        if self.drawn:
            click.echo("\r\x1b[K", err=True, nl=False)
            self.drawn = False


@cli.command()
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="The build's output folder to compare with (default: public/).")
@click.pass_context
def status(ctx: click.Context, output: Path | None) -> None:
    """What is scheduled, and what the next build would change; writes nothing.

    Episodes dated in the future are left out of the feed until they are due.

    Example: feedpub status
    """
    from .build import build as run_build
    from .build import plan_outputs, when

    root = show_root(ctx)
    output = (output if output is not None else root / "public").resolve()
    result = run_build(root)
    for built in result.scheduled:
        click.echo(f"scheduled: {built.slug} on {when(result.show, built)}")
    click.echo(f"{counted(len(result.episodes), 'episode')} in the feed, "
               f"{len(result.scheduled)} scheduled")
    changes = plan_outputs(result, output).changes()
    for change in changes:
        click.echo(f"next build: {change}")
    if not changes:
        click.echo(f"{output}: up to date")


@cli.command()
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder the build is written to and served from (default: public/).")
@click.option("-p", "--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port on 127.0.0.1 (0: any free port).")
@click.option("--preview", is_flag=True,
              help="Serve a build held in memory whose feed, page and audio URLs point at "
              "this server (subscribe to it from an app on this machine); writes nothing.")
@click.option("--no-watch", is_flag=True, help="Do not rebuild when a file of the show changes.")
@click.pass_context
def serve(ctx: click.Context, output: Path | None, port: int, preview: bool,
          no_watch: bool) -> None:
    """Serve the built show on 127.0.0.1, with ranges and the hosts' headers.

    Rebuilds when a file of the show changes.  Stop with Ctrl-C.

    Example: feedpub serve --preview --port 8000
    """
    import time

    from .site.serve import Preview

    root = show_root(ctx)
    output = (output if output is not None else root / "public").resolve()
    server = Preview(root, output, preview=preview, port=port, report=progress_printer(True))
    url = server.start(watch=not no_watch)
    click.echo(f"serving {url}  (feed: {server.feed_url}; Ctrl-C to stop)")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


@cli.command()
@click.argument("title")
@click.option("--slug", default=None, help="Folder name (default: made from the title).")
@click.option("--date", "date_text", default=None,
              help="Publication date, as episode.toml takes it (default: today).")
@click.option("--audio", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The audio file: measured now, its duration written.")
@click.option("--from-template", "template", default=None, metavar="EPISODE",
              help="Start from an episode's type, explicit, season, image and speakers.")
@click.pass_context
def new(ctx: click.Context, title: str, slug: str | None, date_text: str | None,
        audio: Path | None, template: str | None) -> None:
    """Create episodes/<slug>/ from a template, numbered after the last episode.

    Prints the folder, then (on stderr) what is left to fill in.

    Example: feedpub new "Tech entre les lignes" --date 2025-05-13 --audio ~/ep12.mp3
    """
    from .scaffold import create_episode

    try:
        made = create_episode(show_root(ctx), title, slug, date_text=date_text, audio=audio,
                              template=template)
    except FeedpubError as err:
        fail(err)
    click.echo(str(made.folder))
    for step in made.next_steps:
        click.echo(f"next: {step}", err=True)


@cli.command("import")
@click.argument("source", metavar="FEED_URL_OR_FILE")
@click.argument("directory", metavar="[DIR]", required=False, default=None,
                type=click.Path(file_okay=False, path_type=Path))
@click.option("--force", is_flag=True,
              help="Overwrite files that differ from the feed (local edits are lost).")
@click.option("--i-own-this-feed", "i_own", is_flag=True,
              help="Import a feed that says podcast:locked yes (only your own show).")
@click.option("--download-audio", is_flag=True,
              help="Fetch the media into the episode folders (resumable, size and duration "
              "checked); by default the audio stays where it is hosted.")
@click.option("--dry-run", is_flag=True, help="Write nothing; report what would change.")
@click.pass_context
def import_cmd(ctx: click.Context, source: str, directory: Path | None, force: bool,
               i_own: bool, download_audio: bool, dry_run: bool) -> None:
    """Turn an existing show's RSS feed into podcast.toml and episodes/, every guid kept.

    DIR defaults to the show folder (-C DIR, or the current folder).  A rerun adds
    new episodes only; files that differ from the feed are kept unless --force.

    Example: feedpub import https://feeds.example.org/show.xml my-show
    """
    from .importer import Options, import_show

    root = (directory or show_root(ctx)).resolve()
    try:
        report = import_show(source, root, Options(force=force, i_own_this_feed=i_own,
                                                   download_audio=download_audio,
                                                   dry_run=dry_run),
                             progress=progress_printer(True))
    except FeedpubError as err:
        fail(err)
    from .importer.read_feed import grouped

    for line in grouped(report.notes):
        click.echo(f"feedpub: warning: {line}", err=True)
    verb = "would be" if dry_run else "was" if len(report.created) == 1 else "were"
    for label in report.kept:
        click.echo(f"differs from the feed, kept: {label} (use --force to overwrite)")
    for label in report.overwritten:
        click.echo(f"{'would overwrite' if dry_run else 'overwritten'}: {label}")
    click.echo(f"{root}: {counted(len(report.created), 'episode')} {verb} added, "
               f"{report.unchanged} unchanged, {len(report.skipped)} skipped, "
               f"{counted(len(report.notes), 'warning')}")


@cli.group()
def transcript() -> None:
    """Work on transcript files outside a build.

    Example: feedpub transcript convert transcript.srt transcript.vtt
    """


@transcript.command("convert")
@click.argument("src", metavar="IN", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("dst", metavar="OUT", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--language", default=None,
              help="Language of the transcript, e.g. fr (default: from IN's name, "
              "transcript.fr.srt).")
def transcript_convert(src: Path, dst: Path, language: str | None) -> None:
    """Convert a transcript; formats come from the extensions.

    Reads .txt (speaker-labelled), .srt, .vtt and .json; writes .vtt, .srt,
    .json, .html and .txt.  Untimed input can only become .html or .txt.

    Example: feedpub transcript convert transcript.srt transcript.fr.vtt --language fr
    """
    from .transcripts.convert import convert

    try:
        writer, count = convert(src, dst, language)
    except FeedpubError as err:
        fail(err)
    plural = "" if count == 1 else "s"
    click.echo(f"{dst}: {count} segment{plural} written as {writer.name.upper()} "
               f"({writer.mime})")


@cli.group()
def audio() -> None:
    """Check the episodes' audio against the apps' guidance.

    Example: feedpub audio check
    """


@audio.command("check")
@click.argument("slugs", metavar="[EPISODE]...", nargs=-1)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True, help="A table for people, or JSON.")
@click.option("--jobs", type=click.IntRange(min=1), default=None,
              help="Files decoded at once (default: one per core).")
@click.option("--strict", is_flag=True, help="Exit 1 when any episode gets a warning.")
@click.pass_context
def audio_check(ctx: click.Context, slugs: tuple[str, ...], fmt: str, jobs: int | None,
                strict: bool) -> None:
    """Loudness (EBU R128), true peak, bitrate, sample rate, tags and silence per episode.

    Targets default to Apple's guidance (-16 LUFS stereo, -19 mono, peaks under
    -1 dBTP) and can be changed in podcast.toml under [audio].

    Example: feedpub audio check ep-12 --format json
    """
    import json

    from .audiocheck import check_show, table

    try:
        report = check_show(show_root(ctx), slugs, jobs)
    except FeedpubError as err:
        fail(err)
    if fmt == "json":
        click.echo(json.dumps(report.to_json(), indent=2, ensure_ascii=False))
    else:
        click.echo(table(report))
    for problem in report.problems:
        click.echo(f"feedpub: error: {problem.relative_to(show_root(ctx))}", err=True)
    if report.problems or (strict and report.warnings()):
        raise Failed()


@audio.command("encode")
@click.argument("slugs", metavar="EPISODE...", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["opus", "mp3"]), default="opus",
              show_default=True, help="Encoding to make.")
@click.option("--bitrate", "kbps", type=click.IntRange(8, 320), default=64, show_default=True,
              help="Bitrate in kbps.")
@click.option("--mono/--keep-channels", default=False,
              help="Downmix to one channel (speech needs no more).")
@click.option("--force", is_flag=True, help="Replace an encoding made before.")
@click.pass_context
def audio_encode(ctx: click.Context, slugs: tuple[str, ...], fmt: str, kbps: int, mono: bool,
                 force: bool) -> None:
    """Make a lighter encoding beside the original, normalised to the loudness target.

    The file (ep.opus, or ep.64k.mp3 beside an MP3) is tagged with the episode's title,
    the show and the number, and is published by the next build as a
    podcast:alternateEnclosure. The original is never changed.

    Example: feedpub audio encode ep-12 --format opus --bitrate 48 --mono
    """
    from .audioencode import encode_show

    root = show_root(ctx)
    try:
        done = encode_show(root, slugs, fmt, kbps, 1 if mono else None, force)
    except FeedpubError as err:
        fail(err)
    for e in done:
        loud = "silent" if e.after.loudness is None else f"{e.after.loudness:.1f} LUFS"
        peak = "" if e.after.true_peak is None else f", peak {e.after.true_peak:.1f} dBTP"
        click.echo(f"{e.path.relative_to(root) if e.path.is_relative_to(root) else e.path}: "
                   f"{e.after.codec} {e.after.channels} ch, {loud}{peak} "
                   f"(gain {e.gain:+.1f} dB), {e.path.stat().st_size:,} bytes")


@cli.command()
@click.argument("feed", required=False, default=None)
@click.option("--offline", is_flag=True,
              help="Only the rules that need no network (no media, artwork or CORS checks).")
@click.option("--against", "against", metavar="URL_OR_FILE", default=None,
              help="Compare with the published feed: lost episodes, changed guids, URLs, dates.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "github"]),
              default="text", show_default=True,
              help="Output: human text, JSON, or GitHub workflow annotations.")
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too.")
@click.option("--sources", is_flag=True,
              help="Check the feed the show builds now, in memory, even if public/feed.xml "
              "exists (for pre-commit: what is about to be committed).")
@click.option("--timeout", type=click.FloatRange(min=0.01), default=10.0, show_default=True,
              help="Seconds to wait for each connection and each read.")
@click.option("--max-size", "max_size", type=click.IntRange(min=1), default=None,
              help="Refuse feeds larger than this many bytes (default: 512 MiB).")
@click.option("--ignore", "ignore", metavar="RULE", multiple=True,
              help="Leave out findings of this rule id (repeat, or separate with commas), "
              "e.g. --ignore feed-too-large.")
@click.pass_context
def validate(ctx: click.Context, feed: str | None, offline: bool, against: str | None,
             fmt: str, strict: bool, sources: bool, timeout: float, max_size: int | None,
             ignore: tuple[str, ...]) -> None:
    """Check a feed before upload: RSS, Apple, Podcasting 2.0 and the live URLs.

    FEED is a path or an http(s) URL; default: public/feed.xml of the show or,
    if the show has not been built, the feed a build would write (in memory).
    Exit status: 0 clean, 1 errors (or warnings with --strict), 2 usage.

    Example: feedpub validate --offline --format github public/feed.xml
    """
    import os

    from .validate.output import render
    from .validate.runner import RunOptions, is_url, run, run_data
    from .validate.xmlsafe import DEFAULT_MAX_SIZE

    build_root: Path | None = None
    if sources and feed is not None:
        raise UsageError("--sources checks the show's own build: give no FEED with it")
    if sources:
        build_root = show_root(ctx)
    elif feed is None:
        root = show_root(ctx)
        feed = str(root / "public" / "feed.xml")
        if not Path(feed).is_file() and (root / "podcast.toml").is_file():
            build_root = root  # nothing built yet: check what a build would write
        elif not Path(feed).is_file():
            raise UsageError(Problem(None, f"{feed} does not exist",
                                     hint="run 'feedpub build' first, or name a feed file or URL"))
    elif not is_url(feed) and not Path(feed).is_file():
        raise UsageError(f"{feed}: no such file (FEED is a path or an http(s) URL)")
    if against is not None and not is_url(against) and not Path(against).is_file():
        raise UsageError(f"--against {against}: no such file (give the published feed's URL "
                         "or a saved copy)")
    from .validate import RULES

    ignored = frozenset(r.strip() for value in ignore for r in value.split(",") if r.strip())
    unknown = sorted(ignored - set(RULES))
    if unknown:
        raise UsageError(Problem(None, f"--ignore: unknown rule id(s) {', '.join(unknown)}",
                                 hint="the rule ids are listed in the README (Validating a feed)"))
    options = RunOptions(offline=offline, against=against, timeout=timeout,
                         max_size=max_size or DEFAULT_MAX_SIZE, ignore=ignored)
    if build_root is None:
        assert feed is not None
        report = run(feed, options)
    else:
        from .build.locate import locate_report

        result = build_in_memory(build_root)
        report = locate_report(run_data(result.feed, "feed.xml (built in memory)", options),
                               result.feed, result.episodes, build_root)
    color = fmt == "text" and sys.stdout.isatty() and "NO_COLOR" not in os.environ
    # GitHub reads annotation paths from the checkout: where feedpub was started, not -C
    checkout = os.environ.get("GITHUB_WORKSPACE") or ctx.meta.get("feedpub.started_in")
    click.echo(render(report, fmt, color=color, checkout=checkout))
    if report.failed(strict):
        raise Failed()


@cli.command()
@click.argument("old", required=False, default=None)
@click.argument("new", required=False, default=None)
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json"]),
              default="text", show_default=True,
              help="Output: human text, Markdown (job summaries, review comments) or JSON.")
@click.option("--strict", is_flag=True,
              help="Exit 1 when a change is dangerous (guid, enclosure, date, removal).")
@click.option("--timeout", type=click.FloatRange(min=0.01), default=10.0, show_default=True,
              help="Seconds to wait for each connection and each read of a URL.")
@click.pass_context
def diff(ctx: click.Context, old: str | None, new: str | None, fmt: str, strict: bool,
         timeout: float) -> None:
    """Show what would change in the feed: episodes added, changed, removed.

    OLD and NEW are feed files, build folders or http(s) URLs. OLD defaults to
    the live feed at podcast.toml's feed_url (not there yet: everything is new),
    NEW to the feed the show builds now (in memory; nothing is written).

    Example: feedpub diff --format markdown >> "$GITHUB_STEP_SUMMARY"
    """
    from .diff import diff_feeds, read_feed
    from .diffreport import render

    root = show_root(ctx)
    try:
        new_data: bytes | None = build_in_memory(root).feed if new is None else \
            read_feed(new, timeout=timeout)
        new_source = "the show as built now" if new is None else new
        if old is None:
            from .config import load_show

            old = load_show(root).feed_url
            old_data = read_feed(old, timeout=timeout, missing_ok=True)
        else:
            old_data = read_feed(old, timeout=timeout, missing_ok=Path(old).is_dir())
        assert new_data is not None  # only a URL given as OLD may be missing
        result = diff_feeds(old_data, new_data, old_source=old, new_source=new_source)
    except FeedpubError as err:
        fail(err)
    click.echo(render(result, fmt))
    if strict and result.dangerous:
        raise Failed()


@cli.command()
@click.argument("directory", required=False, default=".",
                type=click.Path(file_okay=False, path_type=Path))
@click.option("-y", "--yes", is_flag=True,
              help="Ask nothing: defaults for what is not given (title from DIR's name, "
              "language from $LANG, the system's time zone).")
@click.option("--title", default=None, help="The show's title.")
@click.option("--language", default=None, help="ISO 639 code: en, fr, en-us…")
@click.option("--author", default=None, help="Author (person or network); also the owner.")
@click.option("--email", default=None, help="Owner e-mail address.")
@click.option("--feed-url", default=None, help="Public https URL of feed.xml.")
@click.option("--media-base-url", default=None,
              help="Public URL of the audio folder (default: media/ beside the feed).")
@click.option("--category", default=None,
              help="Apple category, by name ('Arts > Books') or number in the list.")
@click.option("--timezone", default=None, help="IANA time zone (default: the system's).")
@click.option("--description", default=None, help="Description of the show.")
@click.option("--link", default=None, help="The show's website (default: the feed's folder).")
@click.option("--artwork", default=None,
              help="Cover art URL or file (default: a placeholder artwork.png to replace).")
@click.option("--explicit", is_flag=True, help="The show is explicit.")
@click.option("--ci", "forge", type=click.Choice(["github", "gitlab", "forgejo"]),
              default=None, help="Also write CI files for this forge.")
@click.option("--feedpub-spec", default=None, metavar="REQUIREMENT",
              help="What CI installs (default: the git commit this feedpub came from), "
              "e.g. 'feedpub @ git+https://…/feedpub.git@v0.3.0'.")
@click.option("--force", is_flag=True, help="Overwrite files that exist.")
def init(directory: Path, yes: bool, forge: str | None, feedpub_spec: str | None,
         force: bool, description: str | None, link: str | None, artwork: str | None,
         explicit: bool, **given: str | None) -> None:
    """Start a show in DIR (default: here): podcast.toml, episodes/, CI files.

    Asks for what it cannot guess, or, with --yes, takes every answer as an option.

    Example: feedpub init --yes --title "My Show" --language en --author "Ada"
    --email ada@example.org --feed-url https://feeds.example.org/feed.xml
    --category Technology --ci github my-show
    """
    from . import ci as ci_files
    from . import init as setup

    root = directory.resolve()
    answers: dict[str, str] = {}
    missing = []
    try:
        for name, question in setup.QUESTIONS:
            value = given.get(name)
            default = setup.default_for(name, root, answers)
            if value is None and yes:
                value = default
            if value is not None:
                answers[name] = setup.check_answer(name, value)
            elif yes:
                missing.append("--" + name.replace("_", "-"))
            else:
                answers[name] = ask(name, question, default)
        if missing:
            raise UsageError(Problem(None, f"--yes needs {', '.join(missing)}",
                                     hint="give them as options, or leave out --yes to be "
                                          "asked"))
        plan = setup.plan_show(root, setup.Answers(
            **answers, description=description or "", link=link or "",
            artwork=artwork or "", explicit=explicit), forge, feedpub_spec)
        written = setup.write_show(plan, force)
    except FeedpubError as err:
        fail(err)
    for path in written:
        click.echo(f"wrote {path}")
    if forge and plan.feedpub_spec and ci_files.is_local(plan.feedpub_spec):
        click.echo(f"feedpub: warning: CI will install {plan.feedpub_spec}, a repository on "
                   "this machine only; pass --feedpub-spec with a URL CI can reach", err=True)
    if not artwork:
        click.echo(f"replace {root / setup.ARTWORK} with your cover art (square JPEG or PNG, "
                   "1400-3000 px)")
    click.echo(f'next: cd {root} && feedpub new "Episode title"')


def ask(name: str, question: str, default: str | None) -> str:
    """One interactive question, asked again until the answer is usable."""
    from . import init as setup

    if name == "category":
        for n, choice in enumerate(setup.category_choices(), start=1):
            click.echo(f"{n:4}. {choice}")

    def check(value: str) -> str:
        try:
            return setup.check_answer(name, value)
        except FeedpubError as err:
            raise click.BadParameter("; ".join(str(p) for p in err.problems)) from None

    answer: str = click.prompt(question, default=default, value_proc=check)
    return answer


@cli.command()
@click.argument("target", required=False, default=None)
@click.option("--media-target", "media", metavar="URL", default=None,
              help="Where the audio goes when it is not served from the feed's folder.")
@click.option("--endpoint-url", default=None, help="S3 endpoint of a non-AWS provider.")
@click.option("--region", default=None, help="S3 region.")
@click.option("--path-style/--virtual-host", "path_style", default=None,
              help="S3 addressing: bucket in the path (some providers need it).")
@click.option("--dry-run", is_flag=True,
              help="Print the plan; upload nothing; exit 1 if anything would change.")
@click.option("--replace-media", is_flag=True,
              help="Allow other bytes under a published media, artwork or transcript URL.")
@click.option("--allow-removal", is_flag=True, help="Allow episodes to leave the feed.")
@click.option("--allow-change", is_flag=True,
              help="Allow changed guids, enclosure URLs, pubDates and feed URL.")
@click.option("--offline", is_flag=True,
              help="No live checks, no live feed comparison, no notifications.")
@click.option("--no-notify", is_flag=True, help="Do not ping Podcast Index, WebSub, Podping.")
@click.option("--no-site", is_flag=True, help="Leave out the site's pages (feed and files only).")
@click.option("--timeout", type=click.FloatRange(min=0.01), default=10.0, show_default=True,
              help="Seconds per connection and read of the live checks.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Report as text or JSON (on stdout).")
@click.option("-q", "--quiet", is_flag=True, help="Only errors and warnings.")
@click.pass_context
def publish(ctx: click.Context, target: str | None, media: str | None,
            endpoint_url: str | None, region: str | None, path_style: bool | None,
            dry_run: bool, replace_media: bool, allow_removal: bool, allow_change: bool,
            offline: bool, no_notify: bool, no_site: bool, timeout: float, fmt: str,
            quiet: bool) -> None:
    """Upload the show: media first, each file verified, live-checked, the feed last.

    TARGET is a folder, sftp://user@host[:port]/path or s3://bucket/prefix
    (default: [publish] site in podcast.toml).  Credentials come from the SSH
    agent or ~/.ssh, and from AWS_* variables or ~/.aws, never from options.
    Exit status: 0 published (or nothing to do), 1 --dry-run found changes or the
    show has errors, 2 usage, 3 the publish failed or was refused.

    Example: feedpub publish s3://show-feed --endpoint-url https://s3.fr-par.scw.cloud
    """
    import json

    from .publish import PublishOptions, scrub
    from .publish import publish as run_publish

    opts = PublishOptions(site=target, media=media, endpoint_url=endpoint_url, region=region,
                          path_style=path_style, dry_run=dry_run, replace_media=replace_media,
                          allow_removal=allow_removal, allow_change=allow_change,
                          offline=offline, notify=not no_notify, pages=not no_site,
                          timeout=timeout)
    progress = PublishProgress(enabled=not quiet and fmt == "text")
    try:
        report = run_publish(show_root(ctx), opts, progress)
    except FeedpubError as err:
        progress.end()
        # no secret in any message: every text goes through scrub()
        scrubbed = type(err)([p.changed(message=scrub(p.message), hint=p.hint and scrub(p.hint))
                              for p in err.problems])
        raise scrubbed from None
    progress.end()
    for warning in report.warnings:
        click.echo(scrub(f"feedpub: warning: {warning}"), err=True)
    if fmt == "json":
        click.echo(json.dumps(report.as_dict(), indent=2))
    elif dry_run:
        for action in report.plan.actions:
            if action.op != "skip" or not quiet:
                click.echo(scrub(str(action)))
        plan = report.plan
        click.echo(f"plan: {len(plan.uploads)} to upload ({plan.upload_bytes:,} bytes), "
                   f"{len(plan.deletions)} to delete"
                   + (", manifest to write" if plan.manifest_changes else ""))
    elif not quiet:
        uploaded = [a for a in report.done if a.op == "upload"]
        deleted = [a for a in report.done if a.op == "delete"]
        click.echo(scrub(f"published to {', '.join(report.targets.values())}: "
                         f"{counted(len(uploaded), 'file')} uploaded "
                         f"({report.uploaded_bytes:,} bytes), "
                         f"{len(deleted)} deleted"
                         + (f", notified {', '.join(report.notified)}"
                            if report.notified else "")))
    if dry_run and report.plan.changes():
        raise Failed()


class PublishProgress:
    """Files and bytes on a terminal (one redrawn line); nothing extra in CI logs."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.tty = enabled and sys.stderr.isatty()
        self.files = self.total = self.done_files = self.done_bytes = 0
        self.drawn = False

    def step(self, text: str) -> None:
        if self.tty:
            self._clear()
            click.echo(f"feedpub: {text}", err=True)

    def begin(self, files: int, total_bytes: int) -> None:
        self.files, self.total = files, total_bytes

    def advance(self, action: Any) -> None:
        self.done_files += 1
        self.done_bytes += getattr(action, "size", 0)
        if self.tty:
            share = self.done_bytes / self.total if self.total else 1.0
            bar = "#" * int(share * 30)
            click.echo(f"\r[{bar:<30}] {self.done_files}/{counted(self.files, 'file')}, "
                       f"{self.done_bytes:,}/{self.total:,} bytes", err=True, nl=False)
            self.drawn = True

    def _clear(self) -> None:
        if self.drawn:
            click.echo("", err=True)
            self.drawn = False

    def end(self) -> None:
        self._clear()


def build_in_memory(root: Path) -> BuildResult:
    """The build of the show, its feed in memory (the build refuses a feed with errors)."""
    from .build import build as run_build

    return run_build(root, site=False)  # only the feed is checked: no pages needed


def main() -> None:
    """The console script: click parses, :class:`Boundary` maps errors to exit codes."""
    import signal

    def terminate(*_: object) -> None:
        raise Terminated()

    signal.signal(signal.SIGTERM, terminate)
    cli.main(prog_name="feedpub")


if __name__ == "__main__":
    main()
