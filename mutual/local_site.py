"""A small static web site on 127.0.0.1: serves the demo's communities and the tests' fixtures.

Files may contain `{{BASE}}`, replaced by the site's own address. Responses carry an ETag and
answer conditional requests with 304, as real feed hosts do. Written here rather than with
http.server's SimpleHTTPRequestHandler because that one neither substitutes nor does ETags.
"""

from __future__ import annotations

import hashlib
import html
import mimetypes
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

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

        self._server = ThreadingHTTPServer((self.host, self.port), Handler)
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

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the request log is kept in `owner.requests` instead."""

    def do_GET(self) -> None:
        path = unquote(urlsplit(self.path).path)
        if path in self.owner.redirects:
            self._redirect(path, self.owner.redirects[path])
            return
        if path in self.owner.raw:
            self._send_raw(path, *self.owner.raw[path])
            return
        if path in self.owner.drip:
            self._drip(path, self.owner.drip[path])
            return
        body, content_type = self._load(path)
        if body is None:
            self._send(404, b"not found", "text/plain; charset=utf-8", path)
            return
        etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
        if self.headers.get("If-None-Match") == etag:
            self._send(304, b"", None, path, etag)
            return
        self._send(200, body, content_type, path, etag)

    def _load(self, path: str) -> tuple[bytes | None, str]:
        root = self.owner.root.resolve()
        target = (root / path.lstrip("/")).resolve()
        if target.is_dir():
            target = target / "index.html"
        if target.is_relative_to(root) and target.is_file():
            raw = target.read_bytes().replace(b"{{BASE}}", self.owner.base_url.encode())
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
        self, status: int, body: bytes, content_type: str | None, path: str, etag: str = ""
    ) -> None:
        self.owner.requests.append(RequestRecord(path, dict(self.headers.items()), status))
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        if etag:
            self.send_header("ETag", etag)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body:
            self.wfile.write(body)


def _placeholder_page(path: str) -> bytes:
    name = html.escape(path.rsplit("/", 1)[-1].replace("-", " ").capitalize())
    return (
        f"<!doctype html><html lang=en><title>{name}</title><h1>{name}</h1>"
        "<p>This is a demo page served locally by Mutual's demo site.</p></html>"
    ).encode()
