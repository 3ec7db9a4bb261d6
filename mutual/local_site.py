"""A small static web site on 127.0.0.1: serves the demo's communities and the tests' fixtures.

Files may contain `{{BASE}}`, replaced by the site's own address, and `{{date ...}}` tokens,
replaced by dates counted from the site's `today` (mutual/demo_dates.py). Responses carry an ETag
and answer conditional requests with 304, as real feed hosts do. Written here rather than with
http.server's SimpleHTTPRequestHandler because that one neither substitutes nor does ETags.
"""

from __future__ import annotations

import hashlib
import html
import mimetypes
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from mutual.demo_dates import render_dates

CONTENT_TYPES = {
    ".rss": "application/rss+xml; charset=utf-8",
    ".atom": "application/atom+xml; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".ics": "text/calendar; charset=utf-8",
    ".json": "application/json",
    ".txt": "text/plain; charset=utf-8",
    ".html": "text/html; charset=utf-8",
}


@dataclass
class RequestRecord:
    path: str
    headers: dict[str, str]
    status: int


@dataclass
class LocalSite:
    root: Path
    host: str = "127.0.0.1"
    port: int = 0
    requests: list[RequestRecord] = field(default_factory=list)
    redirects: dict[str, str] = field(default_factory=dict)
    # Paths answered with fixed raw bytes and extra headers (e.g. a gzip body), for tests.
    raw: dict[str, tuple[bytes, dict[str, str]]] = field(default_factory=dict)
    # Paths whose body is sent one byte every so many seconds (a server that drips), for tests.
    drip: dict[str, float] = field(default_factory=dict)
    # Paths answered with a status and headers instead of a file (a 429 with Retry-After).
    failures: dict[str, tuple[int, dict[str, str]]] = field(default_factory=dict)
    # Member-only areas: a path prefix and the credential it needs, either the exact
    # Authorization header ("Basic ...", "Bearer ...") or a cookie ("session=...").
    gates: dict[str, str] = field(default_factory=dict)
    # Login forms: path -> (user name, password, the cookie a good sign-in sets).
    logins: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    # The day `{{date ...}}` tokens count from; None: the real date at each request.
    today: date | None = None
    _server: ThreadingHTTPServer | None = None

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("the site is not started")
        return f"http://{self.host}:{self._server.server_address[1]}"

    def start(self) -> str:
        site = self

        class Handler(SiteHandler):
            owner = site

        self._server = ThreadingHTTPServer((self.host, self.port), Handler, bind_and_activate=False)
        # The default backlog of 5 makes a crawler's parallel connections wait a second each.
        self._server.request_queue_size = 128
        self._server.server_bind()
        self._server.server_activate()
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self.base_url

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def requests_for(self, path: str) -> list[RequestRecord]:
        return [r for r in self.requests if r.path == path]


class SiteHandler(BaseHTTPRequestHandler):
    owner: LocalSite
    server_version = "MutualLocalSite/1"

    def end_headers(self) -> None:
        # Each connection serves one request; saying so keeps clients from reusing a closed
        # connection (Twisted retries a GET on one, but not a login form's POST).
        self.send_header("Connection", "close")
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the request log is kept in `owner.requests` instead."""

    def do_GET(self) -> None:
        path = unquote(urlsplit(self.path).path)
        if not self._admitted(path) or self._answered_specially(path):
            return
        body, content_type = self._load(path)
        if body is None:
            self._send(404, b"not found", "text/plain; charset=utf-8", path)
            return
        etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
        if self.headers.get("If-None-Match") == etag:
            self._send(304, b"", None, path, etag=etag)
            return
        self._send(200, body, content_type, path, etag=etag)

    def _answered_specially(self, path: str) -> bool:
        """Answer a path the test or demo set up (login form, failure, redirect, raw, drip)."""
        owner = self.owner
        if path in owner.logins:
            self._send(200, LOGIN_FORM.encode(), CONTENT_TYPES[".html"], path)
        elif path in owner.failures:
            status, headers = owner.failures[path]
            self._send(status, b"", "text/plain", path, extra=headers)
        elif path in owner.redirects:
            self._redirect(path, owner.redirects[path])
        elif path in owner.raw:
            self._send_raw(path, *owner.raw[path])
        elif path in owner.drip:
            self._drip(path, owner.drip[path])
        else:
            return False
        return True

    def do_POST(self) -> None:
        path = unquote(urlsplit(self.path).path)
        length = min(int(self.headers.get("Content-Length") or 0), 10_000)
        form = parse_qs(self.rfile.read(length).decode("utf-8", "replace"))
        if path not in self.owner.logins:
            self._send(405, b"", "text/plain", path)
            return
        username, password, cookie = self.owner.logins[path]
        given = {key: values[0] for key, values in form.items()}
        expected = {"username": username, "password": password, "csrf": CSRF_TOKEN}
        if any(given.get(key) != value for key, value in expected.items()):
            self._send(200, LOGIN_FORM.encode(), CONTENT_TYPES[".html"], path)
            return
        self._send(302, b"", None, path, extra={"Location": "/", "Set-Cookie": f"{cookie}; Path=/"})

    def _admitted(self, path: str) -> bool:
        """False (and a 401 sent) when `path` is member-only and the request lacks the key."""
        for prefix, needed in self.owner.gates.items():
            if path.startswith(prefix):
                has = self.headers.get("Authorization") == needed or needed in (
                    self.headers.get("Cookie") or ""
                )
                if not has:
                    headers = {"WWW-Authenticate": 'Basic realm="members"'}
                    self._send(401, b"members only", "text/plain", path, extra=headers)
                    return False
        return True

    def _load(self, path: str) -> tuple[bytes | None, str]:
        root = self.owner.root.resolve()
        target = (root / path.lstrip("/")).resolve()
        if target.is_dir():
            target = target / "index.html"
        if target.is_relative_to(root) and target.is_file():
            raw = target.read_bytes().replace(b"{{BASE}}", self.owner.base_url.encode())
            raw = render_dates(raw, self.owner.today or date.today())
            guessed = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
            return raw, CONTENT_TYPES.get(target.suffix, guessed)
        if path.startswith(("/jobs/", "/events/", "/articles/")):
            return _placeholder_page(path), CONTENT_TYPES[".html"]
        return None, ""

    def _send_raw(self, path: str, body: bytes, headers: dict[str, str]) -> None:
        self.owner.requests.append(RequestRecord(path, dict(self.headers.items()), 200))
        self.send_response(200)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _drip(self, path: str, seconds_per_byte: float) -> None:
        self.owner.requests.append(RequestRecord(path, dict(self.headers.items()), 200))
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.end_headers()
        try:
            for byte in b"<rss><channel><title>Slow</title>" * 100:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(seconds_per_byte)
        except OSError:
            return  # the client gave up, as it should

    def _redirect(self, path: str, location: str) -> None:
        self.owner.requests.append(RequestRecord(path, dict(self.headers.items()), 302))
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _send(
        self,
        status: int,
        body: bytes,
        content_type: str | None,
        path: str,
        *,
        etag: str = "",
        extra: dict[str, str] | None = None,
    ) -> None:
        self.owner.requests.append(RequestRecord(path, dict(self.headers.items()), status))
        self.send_response(status)
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        if content_type:
            self.send_header("Content-Type", content_type)
        if etag:
            self.send_header("ETag", etag)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body:
            self.wfile.write(body)


CSRF_TOKEN = "local-site-csrf"  # noqa: S105 -- a fixed token is the point: tests check it is sent
LOGIN_FORM = f"""<!doctype html><html lang=en><title>Member sign-in</title>
<h1>Member sign-in</h1><form method=post action="">
<input type=hidden name=csrf value="{CSRF_TOKEN}">
<label>User name <input name=username></label>
<label>Password <input type=password name=password></label>
<button>Sign in</button></form></html>"""


def _placeholder_page(path: str) -> bytes:
    name = html.escape(path.rsplit("/", 1)[-1].replace("-", " ").capitalize())
    return (
        f"<!doctype html><html lang=en><title>{name}</title><h1>{name}</h1>"
        "<p>This is a demo page served locally by Mutual's demo site.</p></html>"
    ).encode()
