"""``feedpub publish``: build, plan, guard, upload in the only safe order, check, notify.

1. Build in memory (nothing is uploaded from a show with errors).
2. Plan against each target's manifest; refuse changed bytes under published names.
3. Guard: compare with the live feed and the feed recorded on the target.
4. Upload media, artwork, transcripts, chapters, pages; verify each one.
5. Live checks of the new and changed files' public URLs.
6. Upload the feed, atomically; fetch it back from its public URL and compare.
7. Delete files no longer produced; write each target's manifest, last.
8. Notify Podcast Index, the feed's WebSub hubs, Podping.

Any failure before step 6 leaves the published feed untouched.  An interrupted
run (Ctrl-C, kill -9, a lost connection) is finished by running it again: files
are uploaded under a temporary name and renamed, the manifest is written last,
and files already on the target are checked byte for byte and not sent again.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeVar

from ..errors import FeedpubError, Problem, PublishError
from ..layout import Layout
from ..model import Output, Show
from ..validate.findings import Collector
from ..validate.netchecks import CHECKS, check_targets
from ..validate.netchecks import Target as UrlTarget
from ..validate.network import NetOptions, fetch
from . import guard
from .config import NotifyOptions, PublishConfig, TargetConfig, TargetOptions, publish_config
from .notify import notify
from .plan import MANIFEST, Action, Manifest, Plan, TargetName, make_plan
from .targets import Target, cache_control, content_type, open_target

T = TypeVar("T")


@dataclass(frozen=True)
class PublishOptions:
    site: str | None = None  # target URLs from the command line override podcast.toml
    media: str | None = None
    endpoint_url: str | None = None  # for S3 targets given on the command line
    region: str | None = None
    path_style: bool | None = None
    dry_run: bool = False
    replace_media: bool = False
    allow_removal: bool = False
    allow_change: bool = False
    offline: bool = False  # no live feed guard, no live checks, no notifications
    pages: bool = True  # the site's pages (feedpub.site) go with the feed
    notify: bool = True
    timeout: float = 10.0
    attempts: int = 4
    backoff: float = 1.0


class Progress(Protocol):
    """What a publish reports while it runs; the CLI draws it, tests may record it."""

    def step(self, text: str) -> None: ...

    def begin(self, files: int, total_bytes: int) -> None: ...

    def advance(self, action: Action) -> None: ...


class NoProgress:
    def step(self, text: str) -> None:
        pass

    def begin(self, files: int, total_bytes: int) -> None:
        pass

    def advance(self, action: Action) -> None:
        pass


@dataclass
class PublishReport:
    targets: dict[str, str]
    plan: Plan
    done: list[Action] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    notified: list[str] = field(default_factory=list)
    dry_run: bool = False

    @property
    def uploaded_bytes(self) -> int:
        return sum(a.size for a in self.done if a.op == "upload")

    def as_dict(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "targets": self.targets,
            "changes": self.plan.changes(),
            "actions": [{"op": a.op, "target": a.target, "path": a.path, "size": a.size,
                         "reason": a.reason, "url": a.output.url if a.output else None}
                        for a in self.plan.actions],
            "uploaded": len([a for a in self.done if a.op == "upload"]),
            "uploaded_bytes": self.uploaded_bytes,
            "deleted": len([a for a in self.done if a.op == "delete"]),
            "warnings": [scrub(w) for w in self.warnings],
            "notified": self.notified,
        }


# -- secrets --------------------------------------------------------------------------

_SECRET_NAME = re.compile(r"SECRET|TOKEN|PASSWORD|PASSPHRASE|ACCESS_KEY", re.IGNORECASE)


def scrub(text: str) -> str:
    """``text`` with the value of every secret-looking environment variable masked."""
    for name, value in os.environ.items():
        if _SECRET_NAME.search(name) and len(value) >= 6 and value in text:
            text = text.replace(value, "***")
    return text


# -- retries --------------------------------------------------------------------------


def transient(err: BaseException) -> bool:
    """Worth another try: lost connections and server-side hiccups, not refusals."""
    if isinstance(err, (PermissionError, FileNotFoundError, IsADirectoryError)):
        return False
    name = type(err).__name__
    if name in ("NoCredentialsError", "PartialCredentialsError", "AuthenticationException",
                "BadHostKeyException", "ParamValidationError"):
        return False
    response = getattr(err, "response", None)
    if isinstance(response, dict):
        status = response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        code = response.get("Error", {}).get("Code", "")
        return bool(status >= 500 or code in ("SlowDown", "RequestTimeout", "Throttling"))
    return isinstance(err, (OSError, EOFError)) or name in (
        "SSHException", "EndpointConnectionError", "ConnectionClosedError", "ReadTimeoutError",
        "ConnectTimeoutError")


def describe(err: BaseException) -> str:
    text = str(err) or type(err).__name__
    return scrub(f"{type(err).__name__}: {text}" if type(err).__name__ not in text else text)


def retry(what: str, action: Callable[[], T], opts: PublishOptions,
          reset: Callable[[], None] | None = None, hint: str | None = None) -> T:
    delay = opts.backoff
    for attempt in range(1, opts.attempts + 1):
        try:
            return action()
        except FeedpubError:
            raise
        except Exception as err:
            if not transient(err) or attempt == opts.attempts:
                tries = f" after {attempt} attempts" if attempt > 1 else ""
                raise PublishError(Problem(what, f"failed{tries}: {describe(err)}",
                                           hint=hint)) from None
        time.sleep(delay)
        delay *= 2
        if reset is not None:
            try:
                reset()
            except Exception:
                pass  # the next attempt reports the failure
    raise AssertionError("unreachable")


# -- outputs ------------------------------------------------------------------------


def build_outputs(root: Path, pages: bool = True) -> tuple[Show, list[Output]]:
    """The build's outputs, in publishing order (media and artwork first, the feed last)."""
    from ..build import build

    result = build(root, site=pages)
    return result.show, list(result.outputs)


# -- the run ------------------------------------------------------------------------


def _target_config(cli_url: str | None, configured: TargetConfig | None,
                   opts: PublishOptions) -> TargetConfig | None:
    if cli_url is None:
        return configured
    base = configured.options if configured and configured.url == cli_url else TargetOptions()
    return TargetConfig(cli_url, TargetOptions(
        endpoint_url=opts.endpoint_url or base.endpoint_url,
        region=opts.region or base.region,
        path_style=base.path_style if opts.path_style is None else opts.path_style,
        acl=base.acl))


def open_targets(root: Path, config: PublishConfig, opts: PublishOptions
                 ) -> dict[TargetName, Target]:
    site = _target_config(opts.site, config.site, opts)
    media = _target_config(opts.media, config.media, opts)
    if site is None:
        raise PublishError(Problem(root / "podcast.toml", "no publish target",
                                   expected='[publish] site = "sftp://user@host/path" or '
                                            '"s3://bucket/prefix", or a TARGET argument'))
    targets: dict[TargetName, Target] = {}
    try:
        for name, conf in (("site", site), ("media", media)):
            if conf is not None:
                targets[name] = retry(  # type: ignore[index]
                    f"connecting to {_display(conf.url)}",
                    functools.partial(open_target, conf.url, conf.options, root), opts)
    except BaseException:
        for t in targets.values():
            t.close()
        raise
    return targets


def _display(url: str) -> str:
    return re.sub(r"//[^@/]*@", "//", url) if "://" in url else url


def publish(root: Path, opts: PublishOptions, progress: Progress | None = None
            ) -> PublishReport:
    """Publish the show in ``root``; raise PublishError (exit 3) saying what is left."""
    progress = progress or NoProgress()
    progress.step("building")
    show, outputs = build_outputs(root, opts.pages)
    config = publish_config(show.settings)
    layout = show.layout
    feed = next(o for o in outputs if o.kind == "feed")
    net = NetOptions(timeout=opts.timeout)
    targets = open_targets(root, config, opts)
    try:
        return _publish(show, layout, outputs, feed, targets, config.notify, opts, net,
                        progress)
    finally:
        for t in targets.values():
            t.close()


def _publish(show: Show, layout: Layout, outputs: list[Output], feed: Output,
             targets: dict[TargetName, Target], notify_opts: NotifyOptions,
             opts: PublishOptions, net: NetOptions, progress: Progress) -> PublishReport:
    progress.step("planning")
    manifests = {name: Manifest.parse(retry(f"reading {t.display}{MANIFEST}",
                                            functools.partial(t.read, MANIFEST), opts),
                                      t.display)
                 for name, t in targets.items()}
    plan = make_plan(outputs, layout, targets, manifests, replace_media=opts.replace_media)
    report = PublishReport({n: t.display for n, t in targets.items()}, plan,
                           dry_run=opts.dry_run)
    _check_sources(plan)
    external = [a for a in plan.actions if a.op == "external"]
    if external and opts.offline:
        report.warnings.append(
            f"{len(external)} audio file(s) not uploaded and not checked: {show.media_base_url} "
            "is not under the feed's folder and no media target is set ([publish] media or "
            "--media-target); they must already be served there")
    progress.step("comparing with the published feed")
    old_feeds = [p for p, r in manifests["site"].files.items() if r.kind == "feed"]
    report.warnings += _guard(feed, old_feeds, targets["site"], opts, net)
    if opts.dry_run:
        return report

    uploads = plan.uploads
    progress.begin(len(uploads), plan.upload_bytes)
    before_feed = [a for a in uploads if a.output is not None and a.output.kind != "feed"]
    for action in before_feed:
        _upload(action, targets[action.target], opts)
        report.done.append(action)
        progress.advance(action)
    if not opts.offline:
        progress.step("checking the new files' public URLs")
        report.warnings += _live_check(plan, net)
    feed_action = next((a for a in uploads if a.output is not None and a.output.kind == "feed"),
                       None)
    if feed_action is not None:
        _upload(feed_action, targets["site"], opts)
        report.done.append(feed_action)
        progress.advance(feed_action)
    live_problem = None
    if not opts.offline:
        progress.step("fetching the live feed back")
        live_problem = _live_feed_matches(feed, opts, net)
    for action in plan.deletions:
        target = targets[action.target]
        retry(f"deleting {target.display}{action.path}",
              functools.partial(target.delete, action.path), opts,
              getattr(target, "reset", None))
        report.done.append(action)
    for name in sorted(plan.manifest_changes):
        target = targets[name]
        data = plan.manifests[name].to_bytes()
        retry(f"writing {target.display}{MANIFEST}",
              functools.partial(target.put_bytes, MANIFEST, data, "application/json",
                                "no-cache"), opts, getattr(target, "reset", None))
    if live_problem is not None:
        raise PublishError(live_problem)
    if feed_action is not None and opts.notify and not opts.offline:
        progress.step("notifying")
        result = notify(show.feed_url, feed.read(), dataclasses.replace(
            notify_opts, attempts=opts.attempts, backoff=opts.backoff, timeout=opts.timeout))
        report.notified = result.sent
        report.warnings += result.warnings
    return report


def _check_sources(plan: Plan) -> None:
    """Every file to upload is here (a CI checkout may lack audio the target already has)."""
    missing = [Problem(a.output.source, "not found here, and the target does not have it yet",
                       hint="publish from a machine that has the audio (or set media_dir)")
               for a in plan.uploads
               if a.output is not None and a.output.content is None
               and (a.output.source is None or not a.output.source.is_file())]
    if missing:
        raise PublishError(missing)


def _guard(feed: Output, old_feeds: list[str], site: Target, opts: PublishOptions,
           net: NetOptions) -> list[str]:
    """Compare with the live feed and with the feeds recorded on the target (the feed's
    path, and any feed published under another name before)."""
    olds: list[guard.Old] = []
    reason = None
    if not opts.offline:
        live, reason = guard.live_feed(feed.url, net)
        if live is not None:
            olds.append(live)
    recorded = None
    for path in dict.fromkeys([feed.path, *old_feeds]):
        data = retry(f"reading {site.display}{path}", functools.partial(site.read, path), opts)
        if path == feed.path:
            recorded = data
        if data is not None and not any(o.data == data for o in olds):
            olds.append(guard.Old(f"published record {site.display}{path}", data))
    warnings = []
    if reason and recorded is not None:
        warnings.append(f"live feed {feed.url} unreachable ({reason}); compared with the "
                        "feed recorded on the target")
    findings = guard.check(feed.read(), olds, allow_removal=opts.allow_removal,
                           allow_change=opts.allow_change)
    return warnings + [f"{f.message}" for f in findings if f.severity != "info"]


def _upload(action: Action, target: Target, opts: PublishOptions) -> None:
    out = action.output
    assert out is not None
    where = f"{target.display}{action.path}"
    hint = ("the published feed is untouched; fix the cause and run 'feedpub publish' again "
            "(files already uploaded are not sent twice)" if out.kind != "feed" else None)

    def send() -> None:
        if out.content is not None:
            target.put_bytes(action.path, out.content, content_type(out), cache_control(out))
        else:
            assert out.source is not None
            with open(out.source, "rb") as fh:
                target.put(action.path, out, fh)
        wrong = target.verify(action.path, out)
        if wrong is not None:
            raise OSError(f"verification failed: {wrong}")

    retry(f"uploading {out.source or out.path} to {where}", send, opts,
          getattr(target, "reset", None), hint)


def _live_check(plan: Plan, net: NetOptions) -> list[str]:
    """validate's host checks on the public URLs of the files the new feed adds."""
    fresh = [a.output for a in plan.actions if a.output is not None
             and a.output.kind in CHECKS
             and (a.op in ("upload", "external") or a.reason == "already on the target")]
    targets = [UrlTarget(o.kind, o.url, None, o.mime, o.size if o.kind == "media" else None)
               for o in fresh]
    findings = check_targets(targets, net, "publish")
    errors = [f for f in findings if f.severity == "error"]
    if errors:
        raise PublishError([Problem(f.url, f"[{f.rule}] {f.message}", hint=f.hint)
                            for f in errors] + [Problem(
                                None, "the feed was not uploaded: the published feed is "
                                "untouched (the files above are uploaded but not announced)",
                                hint="fix the host, then run 'feedpub publish' again")])
    return [f.message for f in findings if f.severity == "warning"]


def _live_feed_matches(feed: Output, opts: PublishOptions, net: NetOptions) -> Problem | None:
    delay = opts.backoff
    got = None
    for attempt in range(opts.attempts):
        if attempt:
            time.sleep(delay)
            delay *= 2
        out = Collector(feed.url)
        got = fetch(feed.url, out, net, what="live feed")
        if got.data == feed.read():
            return None
    what = "is unreachable" if got is None or got.data is None else \
        "serves other bytes than the uploaded feed"
    return Problem(feed.url, f"the live feed {what} after the upload",
                   hint="the upload itself succeeded; check that the web server serves the "
                        "target folder at this URL, and any cache in front of it")
