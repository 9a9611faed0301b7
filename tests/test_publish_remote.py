"""feedpub publish to real servers on 127.0.0.1: OpenSSH's SFTP and moto's S3.

Each test runs on both targets.  A real HTTPS web host serves what the target
holds at the show's public URLs (so the live checks and the guard run for real)
and records the notification pings; HTTPS_PROXY points at a trap, so nothing
can leave the machine unnoticed.  The servers' own logs give the upload order.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests
from lxml import etree

from audiofactory import make_audio
from conftest import SAMPLE_SLUG
from feedpub.build import build, write_outputs
from feedpub.errors import PublishError
from feedpub.publish import PublishOptions, PublishReport, publish
from publish_servers import (
    SSHD,
    S3Server,
    SSHServer,
    Trap,
    WebHost,
    bucket_backend,
    folder_backend,
    s3_server,
    sshd,
    web_host,
)

pytestmark = pytest.mark.skipif(not Path(SSHD).exists(), reason="needs openssh-server "
                                "(scripts/test.sh installs it)")

SEED_GUID = "6f1c2d0e-5b1a-4c1e-9a55-8d2b7e3f4a10"
SHOW_GUID = "91dea5cb-1893-5784-8614-dc1028fd38eb"
NEW = "second-episode"
SECRETS = {"AWS_ACCESS_KEY_ID": "AKIAFEEDPUBTEST7Q2X", "AWS_SECRET_ACCESS_KEY":
           "feedpub-test-secret-Zx81-qw9", "PODPING_TOKEN": "podping-token-55x1-test"}
_buckets = itertools.count(1)


@pytest.fixture(scope="session")
def ca(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, Path]]:
    import trustme

    authority = trustme.CA()
    pem = tmp_path_factory.mktemp("ca") / "ca.pem"
    authority.cert_pem.write_to_path(str(pem))
    yield authority, pem


@pytest.fixture(scope="module")
def ssh_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SSHServer]:
    with sshd(tmp_path_factory.mktemp("sshd")) as server:
        yield server


@pytest.fixture(scope="module")
def s3() -> Iterator[S3Server]:
    os.environ.setdefault("AWS_ACCESS_KEY_ID", SECRETS["AWS_ACCESS_KEY_ID"])
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", SECRETS["AWS_SECRET_ACCESS_KEY"])
    with s3_server() as server:
        yield server


@pytest.fixture
def trap() -> Iterator[Trap]:
    t = Trap()
    yield t
    t.close()
    assert t.hits == [], f"requests tried to leave the machine: {t.hits}"


@dataclass
class Stage:
    """A show, its target and the web host serving it, for one kind of target."""

    kind: str
    show: Path
    web: WebHost
    server: Any
    bucket: str = ""
    www: Path | None = None
    seen: int = 0  # server requests before the current step
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def feed_url(self) -> str:
        return self.web.url("/site/feed.xml")

    def uploads(self) -> list[str]:
        """Paths (site/feed.xml, media/x.mp3) as the server received them, in order."""
        if self.kind == "sftp":
            assert self.www is not None
            return [str(Path(p).relative_to(self.www)) for op, p in self.server.requests()
                    if op == "rename" and p.startswith(str(self.www))]
        prefix = f"/{self.bucket}/"
        return [p[len(prefix):] for m, p in self.server.proxy.requests
                if m in ("PUT", "POST") and p.startswith(prefix) and p != prefix]

    def server_log(self) -> list[Any]:
        """Every write request the server logged (opens and renames; PUTs and POSTs)."""
        if self.kind == "sftp":
            return list(self.server.requests())
        return [r for r in self.server.proxy.requests if r[0] in ("PUT", "POST")]

    def new_uploads(self) -> list[str]:
        done = self.uploads()
        fresh, self.seen = done[self.seen:], len(done)
        return fresh

    def publish(self, **kw: Any) -> PublishReport:
        kw.setdefault("pages", False)  # the site's pages: only where a test looks at them
        return publish(self.show, PublishOptions(backoff=0.01, attempts=2, timeout=5, **kw))

    def live(self, path: str = "/site/feed.xml") -> requests.Response:
        return requests.get(self.web.url(path), timeout=10)

    def cli(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "feedpub", "-C", str(self.show),
                               "publish", "--no-site", *args], capture_output=True, text=True,
                              timeout=timeout)

    def popen(self, *args: str) -> subprocess.Popen[bytes]:
        return subprocess.Popen([sys.executable, "-m", "feedpub", "-C", str(self.show),
                                 "publish", "--quiet", "--no-site", *args],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def publish_toml(kind: str, server: Any, bucket: str, www: Path | None) -> str:
    if kind == "sftp":
        assert www is not None
        return (f'site = "{server.url(www / "site")}"\n'
                f'media = "{server.url(www / "media")}"\n')
    return (f'site = "s3://{bucket}/site"\nmedia = "s3://{bucket}/media"\n'
            f'endpoint_url = "{server.endpoint}"\nregion = "us-east-1"\npath_style = true\n')


@pytest.fixture(params=["sftp", "s3"])
def stage(request: pytest.FixtureRequest, sample_show: Path, tmp_path: Path,
          ca: tuple[Any, Path], trap: Trap, monkeypatch: pytest.MonkeyPatch) -> Iterator[Stage]:
    kind: str = request.param
    authority, pem = ca
    for name in ("SSH_AUTH_SOCK", "AWS_PROFILE", "AWS_CONFIG_FILE",
                 "AWS_SHARED_CREDENTIALS_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(pem))
    for name in ("HTTPS_PROXY", "HTTP_PROXY", "https_proxy", "http_proxy"):
        monkeypatch.setenv(name, trap.url)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    www: Path | None = None
    bucket = ""
    if kind == "sftp":
        server: Any = request.getfixturevalue("ssh_server")
        monkeypatch.setenv("HOME", str(server.home))
        www = tmp_path / "www"
        (www / "site").mkdir(parents=True)
        (www / "media").mkdir()
        backend = folder_backend(www)
    else:
        server = request.getfixturevalue("s3")
        monkeypatch.setenv("HOME", str(tmp_path / "home"))
        bucket = f"show-{next(_buckets)}"
        server.client().create_bucket(Bucket=bucket)
        backend = bucket_backend(server.client(), bucket)
    with web_host(backend, authority) as web:
        toml = sample_show / "podcast.toml"
        text = toml.read_text(encoding="utf-8")
        text = text.replace('feed_url = "https://feeds.trench-tech.fr/feed.xml"',
                            f'feed_url = "{web.url("/site/feed.xml")}"')
        text = text.replace('media_base_url = "https://media.trench-tech.fr/episodes/"',
                            f'media_base_url = "{web.url("/media/")}"')
        text = text.replace("[podcast]\n", f'[podcast]\nguid = "{SHOW_GUID}"\n')
        text += ("\n[publish]\n" + publish_toml(kind, server, bucket, www)
                 + f'\n[publish.notify]\npubnotify_url = "{web.url("/pubnotify")}"\n'
                 f'podping_url = "{web.url("/podping")}"\n')
        toml.write_text(text, encoding="utf-8")
        st = Stage(kind, sample_show, web, server, bucket, www)
        st.new_uploads()
        yield st


def add_episode(show: Path, slug: str = NEW, seconds: float = 3.0) -> None:
    folder = show / "episodes" / slug
    folder.mkdir()
    (folder / "episode.toml").write_text(
        f'title = "Second"\ndate = "2025-06-01"\nguid = "guid-{slug}"\naudio = "{slug}.mp3"\n',
        encoding="utf-8")
    (folder / "description.md").write_text("Notes.", encoding="utf-8")
    make_audio(folder / f"{slug}.mp3", seconds)


def guids(feed: bytes) -> list[str]:
    return [g.text or "" for g in etree.fromstring(feed).iter("guid")]


def test_publish_serves_the_seed_episode(stage: Stage) -> None:
    report = stage.publish(pages=True)
    log = list(stage.web.log)  # what the public host saw during the publish
    live = stage.live()
    assert live.status_code == 200 and guids(live.content) == [SEED_GUID]
    audio = stage.show / "episodes" / SAMPLE_SLUG / f"{SAMPLE_SLUG}.mp3"
    served = stage.live(f"/media/{SAMPLE_SLUG}.mp3")
    assert served.content == audio.read_bytes()
    order = stage.new_uploads()
    assert order.index("site/feed.xml") > order.index(f"media/{SAMPLE_SLUG}.mp3")
    assert order.index("site/feed.xml") > order.index(f"site/{SAMPLE_SLUG}/transcript.fr.html")
    assert order.index("site/feed.xml") > order.index(f"site/{SAMPLE_SLUG}/index.html")
    assert order[-1].endswith(".feedpub-manifest.json")  # the manifests come last
    # directories were told, after the feed went live
    assert [(p.path, p.query["url"]) for p in stage.web.pings] == [
        ("/pubnotify", [stage.feed_url]), ("/podping", [stage.feed_url])]
    assert log.index("ping /pubnotify") > max(i for i, e in enumerate(log)
                                              if e == "GET /site/feed.xml")
    assert report.notified == ["pubnotify", "podping"]
    if stage.kind == "s3":
        s3 = stage.server.client()
        media = s3.head_object(Bucket=stage.bucket, Key=f"media/{SAMPLE_SLUG}.mp3")
        assert media["ContentType"] == "audio/mpeg" and "immutable" in media["CacheControl"]
        assert "ContentEncoding" not in media
        feed = s3.head_object(Bucket=stage.bucket, Key="site/feed.xml")
        assert feed["ContentType"].startswith("application/rss+xml")
        assert feed["CacheControl"] == "public, max-age=300"


def test_second_publish_uploads_nothing(stage: Stage) -> None:
    stage.publish()
    stage.new_uploads()
    report = stage.publish()
    assert report.done == [] and stage.new_uploads() == []
    assert not stage.publish(dry_run=True).plan.changes()


def test_new_episode_uploads_only_its_files_and_then_the_feed(stage: Stage) -> None:
    stage.publish()
    old = stage.live().content
    stage.new_uploads()
    add_episode(stage.show)
    stage.publish()
    uploads = stage.new_uploads()
    assert [u for u in uploads if not u.endswith("manifest.json")] == [f"media/{NEW}.mp3",
                                                                       "site/feed.xml"]
    assert guids(stage.live().content) == [f"guid-{NEW}", SEED_GUID] != guids(old)


def test_media_failing_its_live_check_leaves_the_old_feed_live(stage: Stage) -> None:
    stage.publish()
    old = stage.live().content
    stage.new_uploads()
    add_episode(stage.show)
    stage.web.no_range.add(f"/media/{NEW}.mp3")  # a host that ignores byte ranges
    with pytest.raises(PublishError) as err:
        stage.publish()
    text = str(err.value)
    assert "http-range" in text and f"/media/{NEW}.mp3" in text
    assert "published feed is untouched" in text
    assert stage.live().content == old
    assert "site/feed.xml" not in stage.new_uploads()
    stage.web.no_range.clear()  # the host is fixed: a rerun publishes, the audio is in place
    stage.publish()
    assert stage.new_uploads()[0] == "site/feed.xml"
    assert f"guid-{NEW}" in guids(stage.live().content)


def test_guard_refuses_a_removed_episode_and_a_changed_guid(stage: Stage) -> None:
    add_episode(stage.show)
    stage.publish()
    live = stage.live().content
    stage.new_uploads()
    toml = stage.show / "episodes" / NEW / "episode.toml"
    toml.write_text(toml.read_text().replace(f"guid-{NEW}", "a-new-guid"), encoding="utf-8")
    with pytest.raises(PublishError) as err:
        stage.publish()
    assert "[guid-changed]" in str(err.value) and "--allow-change" in str(err.value)
    shutil.rmtree(stage.show / "episodes" / NEW)
    with pytest.raises(PublishError) as err:
        stage.publish()
    assert "[episode-disappeared]" in str(err.value) and "--allow-removal" in str(err.value)
    assert stage.new_uploads() == [] and stage.live().content == live


def test_changed_media_needs_replace_media(stage: Stage) -> None:
    stage.publish()
    audio = stage.show / "episodes" / SAMPLE_SLUG / f"{SAMPLE_SLUG}.mp3"
    published = audio.read_bytes()
    make_audio(audio, 250.0)
    write_outputs(build(stage.show, update_lock=True), stage.show / "public")  # records it
    stage.new_uploads()
    with pytest.raises(PublishError) as err:
        stage.publish()
    assert "already published with other bytes" in str(err.value)
    assert "--replace-media" in str(err.value)
    assert stage.new_uploads() == []
    assert stage.live(f"/media/{SAMPLE_SLUG}.mp3").content == published
    stage.publish(replace_media=True)
    assert stage.live(f"/media/{SAMPLE_SLUG}.mp3").content == audio.read_bytes()


def test_dry_run_changes_nothing(stage: Stage) -> None:
    proc = stage.cli("--dry-run")
    assert proc.returncode == 1, proc.stderr
    assert f"media:{SAMPLE_SLUG}.mp3 (504,144 bytes)" in proc.stdout
    assert stage.new_uploads() == [] and stage.live().status_code == 404
    assert stage.web.pings == []
    for value in SECRETS.values():
        assert value not in proc.stdout + proc.stderr


def test_no_credential_in_any_output(stage: Stage) -> None:
    runs = [stage.cli("--format", "json")]
    assert runs[0].returncode == 0, runs[0].stderr
    assert json.loads(runs[0].stdout)["uploaded"] == 4
    # Podping got the token (so it was really in use), and a failing run speaks too
    podping = [p for p in stage.web.pings if p.path == "/podping"]
    assert podping and podping[0].headers["Authorization"] == SECRETS["PODPING_TOKEN"]
    add_episode(stage.show)
    if stage.kind == "s3":  # a bucket that does not exist
        toml = stage.show / "podcast.toml"
        toml.write_text(toml.read_text().replace(f"s3://{stage.bucket}/",
                                                 f"s3://missing-{stage.bucket}/"))
        runs.append(stage.cli())
    else:  # a host key that is not known
        known = stage.server.home / ".ssh" / "known_hosts"
        saved = known.read_text()
        known.write_text("")
        try:
            runs.append(stage.cli())
        finally:
            known.write_text(saved)
        assert "host key is not in ~/.ssh/known_hosts" in runs[-1].stderr  # never accepted
    assert runs[-1].returncode == 3, runs[-1].stderr
    assert "feedpub: error:" in runs[-1].stderr
    for proc in runs:
        for value in SECRETS.values():
            assert value not in proc.stdout + proc.stderr


def test_killed_at_random_points_the_old_feed_stays_and_a_rerun_completes(
        stage: Stage) -> None:
    stage.publish()
    old = stage.live().content
    add_episode(stage.show, seconds=60.0)
    rng = random.Random(9)
    for _ in range(3):
        # SIGKILL once the server has seen a random number of this run's upload requests
        # (media, feed, manifests: the kill lands anywhere from the first file to the last)
        before = len(stage.server_log())
        wanted = rng.randint(1, 6)
        run = stage.popen()
        deadline = time.monotonic() + 60
        while run.poll() is None and len(stage.server_log()) - before < wanted \
                and time.monotonic() < deadline:
            time.sleep(0.005)
        run.send_signal(signal.SIGKILL)
        run.wait()
        live = stage.live().content
        assert live == old or guids(live)[0] == f"guid-{NEW}"  # never half a feed
        etree.fromstring(live)
    stage.publish()
    assert guids(stage.live().content)[0] == f"guid-{NEW}"
    assert stage.publish().done == []  # complete: nothing left to send


def test_failed_notification_is_a_warning(stage: Stage) -> None:
    stage.web.failing.add("/pubnotify")
    toml = stage.show / "podcast.toml"
    toml.write_text(toml.read_text() + f'websub_hubs = ["{stage.web.url("/hub")}"]\n',
                    encoding="utf-8")
    report = stage.publish()
    assert report.notified == ["podping"]
    assert any("pubnotify notification failed" in w for w in report.warnings)
    assert any("differ from those the feed advertises" in w for w in report.warnings)
    assert [p.path for p in stage.web.pings].count("/pubnotify") == 2  # tried twice
    assert "/hub" not in [p.path for p in stage.web.pings]  # the feed advertises no hub
    assert guids(stage.live().content) == [SEED_GUID]


def test_large_file_goes_in_verified_parts(s3: S3Server, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """Over the threshold, S3 gets a multipart upload; the stored object is the file."""
    from feedpub.model import Output
    from feedpub.publish import targets

    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, SECRETS[name])
    monkeypatch.setattr(targets, "MULTIPART_THRESHOLD", 5 * 1024 * 1024)
    monkeypatch.setattr(targets, "PART_SIZE", 5 * 1024 * 1024)
    data = random.Random(3).randbytes(11 * 1024 * 1024)
    source = tmp_path / "long.mp3"
    source.write_bytes(data)
    import hashlib

    out = Output("media", "long.mp3", "https://example.org/long.mp3", "audio/mpeg", len(data),
                 hashlib.sha256(data).hexdigest(), "media", root="media", source=source)
    s3.client().create_bucket(Bucket="large-files")
    from feedpub.publish.config import TargetOptions

    target = targets.S3Target("large-files", "media", TargetOptions(
        endpoint_url=s3.endpoint, region="us-east-1", path_style=True))
    with open(source, "rb") as fh:
        target.put("long.mp3", out, fh)
    assert target.verify("long.mp3", out) is None
    stored = s3.client().get_object(Bucket="large-files", Key="media/long.mp3")
    assert stored["Body"].read() == data and stored["ContentType"] == "audio/mpeg"
    assert str(stored["ETag"]).strip('"').endswith("-3")  # three parts
    parts = [p for m, p in s3.proxy.requests if m == "PUT" and "long.mp3" in p]
    assert len(parts) == 3


def test_unreachable_target_is_retried_then_named(sample_show: Path, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from publish_servers import free_port

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", SECRETS["AWS_ACCESS_KEY_ID"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRETS["AWS_SECRET_ACCESS_KEY"])
    dead = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    with pytest.raises(PublishError) as err:
        publish(sample_show, PublishOptions(site="s3://some-bucket/site",
                                            media=str(tmp_path / "media"), endpoint_url=dead,
                                            region="us-east-1", offline=True, attempts=2,
                                            backoff=0.01))
    text = str(err.value)
    assert "s3://some-bucket/site/" in text and "after 2 attempts" in text
    assert "EndpointConnectionError" in text or "Could not connect" in text
    assert not (tmp_path / "media").exists() or not any((tmp_path / "media").iterdir())


def test_websub_pings_only_the_hubs_the_feed_advertises(ca: tuple[Any, Path], trap: Trap,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from feedpub.publish.config import NotifyOptions
    from feedpub.publish.notify import notify

    authority, pem = ca
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(pem))
    monkeypatch.setenv("HTTPS_PROXY", trap.url)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    monkeypatch.delenv("PODPING_TOKEN", raising=False)
    with web_host(lambda path: None, authority) as web:
        feed = (f'<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>'
                f'<atom:link rel="hub" href="{web.url("/hub")}"/>'
                f'<atom:link rel="self" href="{web.url("/feed.xml")}"/></channel></rss>')
        result = notify(web.url("/feed.xml"), feed.encode(), NotifyOptions(
            podcastindex=False, websub_hubs=(web.url("/hub"), web.url("/other-hub")),
            backoff=0.01))
    assert result.sent == [f"websub {web.url('/hub')}"]
    assert [(p.method, p.path, p.form["hub.mode"], p.form["hub.url"]) for p in web.pings] == [
        ("POST", "/hub", ["publish"], [web.url("/feed.xml")])]
    assert any("differ" in w for w in result.warnings)  # /other-hub is not advertised
