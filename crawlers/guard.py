"""Refusing requests to addresses a stranger's URL must never reach (server-side request forgery).

Two checks, both on every request and every redirect: the URL's scheme and any IP literal in it
(a downloader middleware), and the address a host name resolves to (the DNS resolver), which is the
address Twisted then connects to, so a name cannot pass the check and connect elsewhere.
"""

from __future__ import annotations

import ipaddress
import socket
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.resolver import CachingThreadedResolver
from twisted.internet.defer import Deferred
from twisted.internet.error import DNSLookupError

from crawlers.special_addresses import is_loopback, is_public, meanings
from ground.errors import MutualError

ALLOWED_SCHEMES = ("http", "https")
ALLOW_LOOPBACK_SETTING = "MUTUAL_ALLOW_LOOPBACK"


class UnsafeURL(MutualError):
    """The URL points at a scheme or an address Mutual refuses to fetch."""


def literal_address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address a host written as an IP literal means, in any of the forms resolvers accept."""
    host = host.strip("[]")
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    try:
        # inet_aton also reads the legacy forms 2130706433, 0x7f.1 and 0177.0.0.1.
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except OSError:
        return None


def check_address(address: str, allow_loopback: bool) -> None:
    """Refuse (UnsafeURL) an address that is not public, judging an IPv6 form that carries an
    IPv4 address by that address too, so ::ffff:127.0.0.1 counts as loopback, not as public."""
    ip = ipaddress.ip_address(address)
    for meant in meanings(ip):
        if allow_loopback and is_loopback(meant):
            continue
        if not is_public(meant):
            shown = ip if meant == ip else f"{ip} (carrying {meant})"
            raise UnsafeURL(f"refusing to fetch from non-public address {shown}")


def check_url(url: str, allow_loopback: bool = False) -> None:
    """Raise UnsafeURL unless `url` is http(s) and not an IP literal of a private address."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in ALLOWED_SCHEMES:
        scheme = parts.scheme or "scheme-less"
        raise UnsafeURL(f"refusing {scheme} URL {url!r}: only http and https")
    if not parts.hostname:
        raise UnsafeURL(f"URL {url!r} has no host")
    ip = literal_address(parts.hostname)
    if ip is not None:
        check_address(str(ip), allow_loopback)


def check_source_url(url: str, allow_loopback: bool) -> str:
    """Refuse (UnsafeURL) a source's URL the crawler would refuse, including a host name that
    resolves to a refused address, now rather than at crawl time; returns a warning when the
    name does not resolve now, else ""."""
    check_url(url, allow_loopback)
    host = urlsplit(url).hostname or ""
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except OSError:
        return f"{host} does not resolve now; it will be retried at crawl time"
    for address in addresses:
        try:
            check_address(str(address), allow_loopback)
        except UnsafeURL as exc:
            raise UnsafeURL(f"{host} resolves to {address}: {exc}") from exc
    return ""


def check_feed_urls(feeds: list[tuple[str, str]], allow_loopback: bool) -> None:
    """The URL of each (URL, title) an OPML file lists, checked without resolving names."""
    for url, _title in feeds:
        check_url(url, allow_loopback)


class GuardMiddleware:
    """Downloader middleware: checks every request, redirects included, before it is sent."""

    def __init__(self, allow_loopback: bool) -> None:
        self.allow_loopback = allow_loopback

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> GuardMiddleware:
        return cls(crawler.settings.getbool(ALLOW_LOOPBACK_SETTING))

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        try:
            check_url(request.url, self.allow_loopback)
        except UnsafeURL as exc:
            raise IgnoreRequest(str(exc)) from exc


class GuardedResolver(CachingThreadedResolver):
    """The default resolver, refusing names that resolve to non-public addresses."""

    allow_loopback = False

    @classmethod
    def from_crawler(cls, crawler: Crawler, reactor: Any) -> GuardedResolver:
        resolver = super().from_crawler(crawler, reactor)
        resolver.allow_loopback = crawler.settings.getbool(ALLOW_LOOPBACK_SETTING)
        return resolver

    def getHostByName(self, name: str, timeout: Any = ()) -> Deferred[str]:  # noqa: N802
        return super().getHostByName(name, timeout).addCallback(self._checked, name)

    def _checked(self, address: str, name: str) -> str:
        try:
            check_address(address, self.allow_loopback)
        except UnsafeURL as exc:
            raise DNSLookupError(f"{name} resolves to {address}: {exc}") from exc
        return address
