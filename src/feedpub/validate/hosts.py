"""URLs no listener can load, decided offline: private hosts and non-ASCII characters.

A feed built with a development URL (``http://localhost:4000``, ``http://nas.local``,
``http://192.168.1.20``) passes every format check, yet no app outside that machine
or network can fetch its artwork or media.  No request is needed to know it, so
``feedpub validate --offline`` refuses it.  The names RFC 2606 and RFC 6761 reserve
for documentation and tests (``example.org``, ``.test``, ``.invalid``) never resolve
either.  Test suites, whose shows use those names and whose servers listen on
127.0.0.1, set ``FEEDPUB_ALLOW_TEST_HOSTS=1`` to let both through.
"""

from __future__ import annotations

import functools
import ipaddress
import os
import re

#: environment variable that lets RFC 2606 / RFC 6761 example names and loopback through
ALLOW_TEST_HOSTS = "FEEDPUB_ALLOW_TEST_HOSTS"

#: names that only resolve on the machine or the local network
_LOCAL_SUFFIXES = (".localhost", ".local", ".internal", ".lan", ".home.arpa", ".localdomain")
#: names reserved for documentation and tests (RFC 2606, RFC 6761)
_EXAMPLE_SUFFIXES = (".test", ".invalid", ".example")
_EXAMPLE_DOMAINS = ("example.com", "example.net", "example.org")


def examples_allowed() -> bool:
    """True when FEEDPUB_ALLOW_TEST_HOSTS is set: example names and loopback pass."""
    return os.environ.get(ALLOW_TEST_HOSTS, "") not in ("", "0")


@functools.lru_cache(maxsize=1024)
def host_problem(host: str, allow_examples: bool = False) -> str | None:
    """Why no listener can reach ``host`` (lower case, no port), or None."""
    if not host:
        return None
    bare = host.strip("[]")
    try:
        ip = ipaddress.ip_address(bare)
    except ValueError:
        ip = None
    if ip is not None:
        if ip.is_loopback:
            return None if allow_examples else f"{host} is a loopback address (this " \
                "computer only)"
        if ip.is_link_local:
            return f"{host} is a link-local address (this network segment only)"
        if ip.is_private or ip.is_unspecified or ip.is_reserved:
            return f"{host} is a private address (this network only)"
        return None
    name = host.rstrip(".")
    if name == "localhost" and allow_examples:
        return None
    if name == "localhost" or name.endswith(_LOCAL_SUFFIXES):
        return f"{host} only resolves on your own machine or network"
    if "." not in name:
        return f"{host} has no domain: it only resolves on your own network"
    if not allow_examples and (
            name.endswith(_EXAMPLE_SUFFIXES) or name in _EXAMPLE_DOMAINS
            or name.endswith(tuple("." + d for d in _EXAMPLE_DOMAINS))):
        return f"{host} is a name reserved for examples (RFC 2606); it never resolves"
    return None


#: the authority of an absolute URL: after the first "//" that starts in its first 11
#: characters, up to the path, query or fragment
_AUTHORITY = re.compile(r".{0,10}?//([^/?#]*)", re.DOTALL)
#: the same for the URLs feeds are made of: no "//" can start before "http(s)://" does
_HTTP_AUTHORITY = re.compile(r"https?://([^/?#]*)")


def url_host(url: str) -> str:
    """The lower-case host of an absolute URL ("" for a relative one), without urlsplit:
    this runs for every URL of every item, so it is one match of a compiled pattern."""
    m = _HTTP_AUTHORITY.match(url) or _AUTHORITY.match(url)
    if m is None:
        return ""
    netloc = m.group(1)
    if "@" in netloc:
        netloc = netloc.rsplit("@", 1)[1]
    if netloc.startswith("["):
        return netloc[:netloc.find("]") + 1].lower()
    return netloc.split(":", 1)[0].lower()


#: host_problem by the authority of an http(s) URL as written (a feed has a few hosts)
_BY_AUTHORITY: dict[tuple[str, bool], str | None] = {}


def url_host_problem(url: str, allow_examples: bool = False) -> str | None:
    """:func:`host_problem` for the host of an absolute URL (None for relative ones)."""
    url = url.strip()
    m = _HTTP_AUTHORITY.match(url)
    if m is None:
        return host_problem(url_host(url), allow_examples)
    key = (m.group(1), allow_examples)
    try:
        return _BY_AUTHORITY[key]
    except KeyError:
        if len(_BY_AUTHORITY) > 4096:
            _BY_AUTHORITY.clear()
        found = _BY_AUTHORITY[key] = host_problem(url_host(url), allow_examples)
        return found


#: the URLs of one item joined by NUL (which no XML text can hold): each plain
#: http(s) URL gives its host, letters, digits, dots and hyphens only, ended by its path,
#: query, fragment or the URL's end (no user, port, brackets or whitespace to read)
_PLAIN_HOSTS = re.compile(r"\x00https?://([A-Za-z0-9.-]+)(?=[/?#\x00])")
#: plain hosts (as written) known to have no problem, per allow_examples
_CLEAN_HOSTS: tuple[set[str], set[str]] = (set(), set())


def all_reachable(urls: list[str], allow_examples: bool = False) -> bool:
    """True when :func:`url_host_problem` is None for every URL, decided for all of
    them at once; False means some URL must be looked at on its own (it may be fine)."""
    found = _PLAIN_HOSTS.findall("\x00" + "\x00".join(urls) + "\x00")
    if len(found) != len(urls):
        return False
    clean = _CLEAN_HOSTS[allow_examples]
    for host in found:
        if host not in clean:
            if host_problem(host.lower(), allow_examples) is not None:
                return False
            if len(clean) > 4096:
                clean.clear()
            clean.add(host)
    return True


def non_ascii(url: str) -> str | None:
    """The first non-ASCII character of a URL, or None when it is a plain URI."""
    if url.isascii():
        return None
    return next(c for c in url if not c.isascii())
