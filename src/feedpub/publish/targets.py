"""Where a show is published: a local folder, an SFTP server, an S3-compatible bucket.

Every target offers the same few operations on paths relative to its root
(``feed.xml``, ``ep-1/chapters.json``): read a small file, stat one, upload one
with its headers (atomically, so nobody ever sees half a file), check what was
uploaded, delete one.  Credentials never pass through feedpub: SFTP uses the SSH
agent or the keys in ``~/.ssh``, S3 the ``AWS_*`` variables or ``~/.aws``; host
keys are checked against ``~/.ssh/known_hosts`` and never accepted blindly.
"""

from __future__ import annotations

import base64
import hashlib
import posixpath
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import unquote, urlsplit

from ..errors import Problem, PublishError, UsageError
from ..model import Output
from ..spec import CACHE_CONTROL, mime_for
from ..writefile import write_atomic, write_with
from .config import TargetOptions

CHUNK = 1 << 20
#: S3 single PUT up to this size (ETag is then the MD5); multipart beyond
MULTIPART_THRESHOLD = 64 * 1024 * 1024
PART_SIZE = 16 * 1024 * 1024

_TEXT_TYPES = ("text/", "application/json", "application/rss+xml", "application/xml",
               "application/x-subrip", "application/json+chapters")


def content_type(out: Output) -> str:
    """The Content-Type a file is uploaded with: never left to the server's guessing."""
    if out.kind == "feed":
        return "application/rss+xml; charset=utf-8"
    mime = out.mime or mime_for(out.path)
    if mime.startswith(_TEXT_TYPES) and "charset" not in mime:
        mime += "; charset=utf-8"
    return mime


def cache_control(out: Output) -> str:
    return CACHE_CONTROL.get(out.cache, CACHE_CONTROL["companion"])  # spec.py's table


@dataclass(frozen=True)
class Remote:
    """What a target knows about a file: its size, and a hash when it has one for free."""

    size: int
    sha256: str | None = None
    md5: str | None = None  # an S3 ETag of a single PUT


class Target:
    """One destination root.  Subclasses implement the file operations."""

    #: a URL to show the user: never with credentials in it
    display: str = ""

    def read(self, path: str) -> bytes | None:
        raise NotImplementedError

    def stat(self, path: str) -> Remote | None:
        raise NotImplementedError

    def put(self, path: str, out: Output, data: BinaryIO) -> None:
        """Upload atomically: readers see the old file or the complete new one."""
        raise NotImplementedError

    def put_bytes(self, path: str, data: bytes, mime: str, cache: str) -> None:
        raise NotImplementedError

    def verify(self, path: str, out: Output) -> str | None:
        """None when the uploaded file is the output (size and hash), else what differs."""
        raise NotImplementedError

    def delete(self, path: str) -> None:
        raise NotImplementedError

    def close(self) -> None:
        pass

    def __enter__(self) -> Target:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _hash_stream(read: Callable[[int], bytes]) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    while chunk := read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return size, digest.hexdigest()


def _differs(size: int, sha256: str, out: Output) -> str | None:
    if size != out.size:
        return f"the uploaded file has {size:,} bytes, not {out.size:,}"
    if sha256 != out.sha256:
        return "the uploaded file's SHA-256 differs from the local file's"
    return None


def _safe_rel(path: str) -> str:
    parts = [p for p in path.split("/") if p not in ("", ".")]
    if not parts or ".." in parts:
        raise PublishError(Problem(path, "unsafe output path (empty or with '..')"))
    return "/".join(parts)


# -- local or mounted folder -----------------------------------------------------------


class LocalDir(Target):
    def __init__(self, root: Path) -> None:
        self.root = root
        self.display = str(root).rstrip("/") + "/"

    def _path(self, path: str) -> Path:
        return self.root / _safe_rel(path)

    def read(self, path: str) -> bytes | None:
        try:
            return self._path(path).read_bytes()
        except (FileNotFoundError, NotADirectoryError):
            return None

    def stat(self, path: str) -> Remote | None:
        p = self._path(path)
        return Remote(p.stat().st_size) if p.is_file() else None

    def put(self, path: str, out: Output, data: BinaryIO) -> None:
        write_with(self._path(path), lambda fh: shutil.copyfileobj(data, fh, CHUNK))

    def put_bytes(self, path: str, data: bytes, mime: str, cache: str) -> None:
        write_atomic(self._path(path), data)

    def verify(self, path: str, out: Output) -> str | None:
        try:
            with open(self._path(path), "rb") as fh:
                size, sha = _hash_stream(fh.read)
        except OSError as err:
            return f"cannot read it back: {err.strerror}"
        return _differs(size, sha, out)

    def delete(self, path: str) -> None:
        try:
            self._path(path).unlink()
        except FileNotFoundError:
            pass


# -- SFTP ----------------------------------------------------------------------------


class SFTPTarget(Target):
    """An SSH server's SFTP subsystem (OpenSSH), with paramiko.

    Authentication: the SSH agent, then ``~/.ssh/id_*`` keys.  The server's host key
    must already be in ``~/.ssh/known_hosts`` (``ssh-keyscan`` once, checked by hand).
    """

    def __init__(self, host: str, port: int, user: str | None, root: str) -> None:
        self.host, self.port, self.user = host, port, user
        self.root = root.rstrip("/") or "/"
        where = f"{host}:{port}" if port != 22 else host
        self.display = f"sftp://{user + '@' if user else ''}{where}{self.root}/"
        self._connect()

    def _connect(self) -> None:
        import paramiko

        client = paramiko.SSHClient()
        client.load_system_host_keys()
        client.set_missing_host_key_policy(paramiko.RejectPolicy())
        try:
            client.connect(self.host, port=self.port, username=self.user or None, timeout=30,
                           banner_timeout=30, auth_timeout=30)
        except paramiko.BadHostKeyException:
            raise PublishError(Problem(self.display, "the server's host key does not match "
                                       "the one in ~/.ssh/known_hosts",
                                       hint="if the server's key really changed, check it "
                                            "and update known_hosts")) from None
        except paramiko.AuthenticationException:
            raise PublishError(Problem(self.display, "the server refused every key offered",
                                       hint="feedpub uses the SSH agent (SSH_AUTH_SOCK) or "
                                            "the keys in ~/.ssh")) from None
        except paramiko.SSHException as err:
            text = str(err)
            if "not found in known_hosts" in text:
                keyscan = f"ssh-keyscan {'-p ' + str(self.port) + ' ' if self.port != 22 else ''}"
                raise PublishError(Problem(
                    self.display, "the server's host key is not in ~/.ssh/known_hosts",
                    hint=f"add it once after checking its fingerprint: {keyscan}{self.host} "
                         ">> ~/.ssh/known_hosts")) from None
            raise
        self.client = client
        self.sftp = client.open_sftp()

    def reset(self) -> None:
        """Reconnect after a lost connection (before a retry)."""
        try:
            self.close()
        except Exception:
            pass
        self._connect()

    def _path(self, path: str) -> str:
        return posixpath.join(self.root, _safe_rel(path))

    def read(self, path: str) -> bytes | None:
        try:
            with self.sftp.open(self._path(path), "rb") as fh:
                data: bytes = fh.read()
                return data
        except FileNotFoundError:
            return None

    def stat(self, path: str) -> Remote | None:
        try:
            st = self.sftp.stat(self._path(path))
        except FileNotFoundError:
            return None
        return Remote(int(st.st_size or 0))

    def _mkdirs(self, folder: str) -> None:
        missing = []
        while folder not in ("", "/"):
            try:
                self.sftp.stat(folder)
                break
            except FileNotFoundError:
                missing.append(folder)
                folder = posixpath.dirname(folder)
        for d in reversed(missing):
            try:
                self.sftp.mkdir(d)
            except OSError:
                self.sftp.stat(d)  # made meanwhile by another run: fine; else raises

    def _upload(self, path: str, write: Callable[[Any], None]) -> None:
        dest = self._path(path)
        self._mkdirs(posixpath.dirname(dest))
        # A fixed temporary name: a rerun after an interruption overwrites it.
        tmp = posixpath.join(posixpath.dirname(dest), f".{posixpath.basename(dest)}.feedpub-part")
        with self.sftp.open(tmp, "wb") as fh:
            fh.set_pipelined(True)
            write(fh)
        self.sftp.chmod(tmp, 0o644)
        self.sftp.posix_rename(tmp, dest)  # OpenSSH extension: replaces atomically

    def put(self, path: str, out: Output, data: BinaryIO) -> None:
        self._upload(path, lambda fh: shutil.copyfileobj(data, fh, CHUNK))

    def put_bytes(self, path: str, data: bytes, mime: str, cache: str) -> None:
        self._upload(path, lambda fh: fh.write(data))

    def verify(self, path: str, out: Output) -> str | None:
        try:
            with self.sftp.open(self._path(path), "rb") as fh:
                fh.prefetch()
                size, sha = _hash_stream(fh.read)
        except OSError as err:
            return f"cannot read it back: {err}"
        return _differs(size, sha, out)

    def delete(self, path: str) -> None:
        try:
            self.sftp.remove(self._path(path))
        except FileNotFoundError:
            pass

    def close(self) -> None:
        self.sftp.close()
        self.client.close()


# -- S3 ------------------------------------------------------------------------------


class S3Target(Target):
    """An S3-compatible bucket (AWS, Scaleway, OVHcloud, Cloudflare R2, Infomaniak...).

    Objects get their Content-Type and Cache-Control at upload and are never
    compressed.  A single PUT is atomic in S3: the feed is replaced in one request.
    Each PUT carries Content-MD5, so the server refuses damaged bytes, and the
    ETag answered is checked against the local MD5 afterwards.
    """

    def __init__(self, bucket: str, prefix: str, opts: TargetOptions) -> None:
        import boto3
        from botocore.config import Config

        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.acl = opts.acl
        self.display = f"s3://{bucket}/{self.prefix + '/' if self.prefix else ''}"
        config = Config(s3={"addressing_style": "path" if opts.path_style else "auto"},
                        retries={"max_attempts": 3, "mode": "standard"},
                        connect_timeout=30, read_timeout=60,
                        # many S3-compatible providers reject the newer default checksums;
                        # Content-MD5 is sent on every PUT instead
                        request_checksum_calculation="when_required",
                        response_checksum_validation="when_required")
        self.s3 = boto3.session.Session().client(
            "s3", endpoint_url=opts.endpoint_url, region_name=opts.region, config=config)

    def _key(self, path: str) -> str:
        rel = _safe_rel(path)
        return f"{self.prefix}/{rel}" if self.prefix else rel

    def _missing(self, err: Exception) -> bool:
        code = str(getattr(err, "response", {}).get("Error", {}).get("Code", ""))
        return code in ("404", "NoSuchKey", "NotFound")

    def read(self, path: str) -> bytes | None:
        from botocore.exceptions import ClientError

        try:
            obj = self.s3.get_object(Bucket=self.bucket, Key=self._key(path))
        except ClientError as err:
            if self._missing(err):
                return None
            raise
        data: bytes = obj["Body"].read()
        return data

    def stat(self, path: str) -> Remote | None:
        from botocore.exceptions import ClientError

        try:
            head = self.s3.head_object(Bucket=self.bucket, Key=self._key(path))
        except ClientError as err:
            if self._missing(err):
                return None
            raise
        etag = str(head.get("ETag", "")).strip('"')
        return Remote(int(head["ContentLength"]), head.get("Metadata", {}).get("sha256"),
                      etag if "-" not in etag else None)

    def _extra(self, mime: str, cache: str, sha256: str) -> dict[str, Any]:
        extra: dict[str, Any] = {"ContentType": mime, "CacheControl": cache,
                                 "Metadata": {"sha256": sha256}}
        if self.acl:
            extra["ACL"] = self.acl
        return extra

    def put(self, path: str, out: Output, data: BinaryIO) -> None:
        extra = self._extra(content_type(out), cache_control(out), out.sha256)
        if out.size <= MULTIPART_THRESHOLD:
            body = data.read()
            self._put_one(path, body, extra)
            return
        self._put_multipart(path, data, extra)

    def put_bytes(self, path: str, data: bytes, mime: str, cache: str) -> None:
        self._put_one(path, data, self._extra(mime, cache, hashlib.sha256(data).hexdigest()))

    def _put_one(self, path: str, body: bytes, extra: dict[str, Any]) -> None:
        md5 = hashlib.md5(body)
        answer = self.s3.put_object(Bucket=self.bucket, Key=self._key(path), Body=body,
                                    ContentMD5=base64.b64encode(md5.digest()).decode(), **extra)
        etag = str(answer.get("ETag", "")).strip('"')
        if etag and etag != md5.hexdigest():
            raise PublishError(Problem(self.display + path, f"the server stored other bytes "
                                       f"(ETag {etag}, local MD5 {md5.hexdigest()})"))

    def _put_multipart(self, path: str, data: BinaryIO, extra: dict[str, Any]) -> None:
        key = self._key(path)
        upload = self.s3.create_multipart_upload(Bucket=self.bucket, Key=key, **extra)
        parts = []
        try:
            number = 1
            while part := data.read(PART_SIZE):
                md5 = hashlib.md5(part).digest()
                answer = self.s3.upload_part(Bucket=self.bucket, Key=key, PartNumber=number,
                                             UploadId=upload["UploadId"], Body=part,
                                             ContentMD5=base64.b64encode(md5).decode())
                parts.append({"PartNumber": number, "ETag": answer["ETag"]})
                number += 1
            self.s3.complete_multipart_upload(Bucket=self.bucket, Key=key,
                                              UploadId=upload["UploadId"],
                                              MultipartUpload={"Parts": parts})
        except BaseException:
            try:
                self.s3.abort_multipart_upload(Bucket=self.bucket, Key=key,
                                               UploadId=upload["UploadId"])
            except Exception:
                pass  # the bucket's lifecycle rule cleans up what we could not
            raise

    def verify(self, path: str, out: Output) -> str | None:
        remote = self.stat(path)
        if remote is None:
            return "the object is missing after its upload"
        if remote.size != out.size:
            return f"the object has {remote.size:,} bytes, not {out.size:,}"
        if remote.md5 is not None:
            local = _md5_of(out)
            if remote.md5 != local:
                return f"the object's ETag {remote.md5} is not the local MD5 {local}"
        elif remote.sha256 != out.sha256:
            return "the object's recorded SHA-256 differs from the local file's"
        return None

    def delete(self, path: str) -> None:
        self.s3.delete_object(Bucket=self.bucket, Key=self._key(path))


def _md5_of(out: Output) -> str:
    md5 = hashlib.md5()
    if out.content is not None:
        md5.update(out.content)
    else:
        assert out.source is not None
        with open(out.source, "rb") as fh:
            while chunk := fh.read(CHUNK):
                md5.update(chunk)
    return md5.hexdigest()


# -- from a URL ----------------------------------------------------------------------


def open_target(url: str, opts: TargetOptions | None = None, base: Path | None = None) -> Target:
    """``./dir``, ``file:///dir``, ``sftp://user@host:port/path`` or ``s3://bucket/prefix``."""
    opts = opts or TargetOptions()
    parts = urlsplit(url)
    scheme = parts.scheme.lower() if len(parts.scheme) > 1 else ""  # C:\ is a path
    if parts.password:
        raise UsageError(Problem(None, "a target URL must not contain a password",
                                 hint="SFTP uses the SSH agent or ~/.ssh keys; S3 the AWS_* "
                                      "variables or ~/.aws/credentials"))
    if scheme in ("", "file"):
        path = Path(unquote(parts.path) if scheme == "file" else url).expanduser()
        if base is not None and not path.is_absolute():
            path = base / path
        return LocalDir(path)
    if scheme == "sftp":
        if not parts.hostname:
            raise UsageError(Problem(None, f"{url}: no host", expected="sftp://user@host/path"))
        return SFTPTarget(parts.hostname, parts.port or 22, parts.username and unquote(
            parts.username), unquote(parts.path) or "/")
    if scheme == "s3":
        if not parts.hostname:
            raise UsageError(Problem(None, f"{url}: no bucket", expected="s3://bucket/prefix"))
        return S3Target(parts.netloc, unquote(parts.path), opts)
    raise UsageError(Problem(None, f"{url}: unknown target type {scheme!r}",
                             expected="a folder, sftp://user@host/path or s3://bucket/prefix"))
