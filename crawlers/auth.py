"""Signing in to member-only sources, without ever handing the secret to another host."""

from __future__ import annotations

import base64
from urllib.parse import urlsplit

from scrapy import Request, Spider

from catalog.credentials import Credentials
from catalog.sources import SourceRef

DEFAULT_PORTS = {"http": 80, "https": 443}
SECRET_HEADERS = (b"Authorization", b"Cookie")


def origin(url: str) -> tuple[str, str, int]:
    """Scheme, host and port: credentials go only where all three match the source's."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    return scheme, (parts.hostname or "").lower(), parts.port or DEFAULT_PORTS.get(scheme, 0)


def trusted_origins(source: SourceRef) -> set[tuple[str, str, int]]:
    origins = {origin(source.url)}
    if source.credentials is not None and source.credentials.login_url:
        origins.add(origin(source.credentials.login_url))
    return origins


def auth_headers(credentials: Credentials) -> dict[str, str]:
    """The headers that carry `credentials` on each request (a login form uses cookies instead)."""
    if credentials.kind == "basic":
        pair = f"{credentials.username}:{credentials.secret}".encode()
        return {"Authorization": "Basic " + base64.b64encode(pair).decode("ascii")}
    if credentials.kind == "bearer":
        return {"Authorization": f"Bearer {credentials.secret}"}
    if credentials.kind == "cookie":
        return {"Cookie": credentials.secret}
    return {}


class CredentialsMiddleware:
    """Downloader middleware, placed after the cookie and redirect middlewares so that it sees
    every request as it leaves, redirects included: it adds a source's credentials when the
    request goes to the source's own origin and strips credential headers everywhere else."""

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        source: SourceRef | None = request.meta.get("source")
        if source is None or source.credentials is None:
            return
        if origin(request.url) not in trusted_origins(source):
            for header in SECRET_HEADERS:
                request.headers.pop(header, None)
            return
        for name, value in auth_headers(source.credentials).items():
            request.headers[name] = value
