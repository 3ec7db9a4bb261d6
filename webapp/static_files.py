"""Static files with long-lived caching and cache busting.

Every `url_for('static', filename=...)` gets `?v=` and a hash of the file's content, so a deploy
that changes a file changes its URL. A request carrying the current hash may be cached for a week
(`public, max-age`, `immutable`); any other (no `v`, or an old one) is revalidated each time
with its ETag, so nobody keeps a stale copy for a week.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from flask import Flask, Response, current_app, request

STATIC_MAX_AGE = 7 * 86400
HASH_LENGTH = 12


def init_static_cache(app: Flask) -> None:
    # Per app (never module-level): (path, mtime, size) -> content hash, so a file is hashed
    # once per change, not once per page.
    app.extensions["mutual_static_hashes"] = {}
    app.extensions["mutual_static_paths"] = {}
    app.url_defaults(_add_version)
    app.after_request(_cache_headers)


def static_version(app: Flask, filename: str) -> str:
    """A short hash of the static file's content; "" when there is no such file."""
    path = _static_file(app, filename)
    try:
        stat = path.stat() if path else None
    except OSError:
        stat = None
    if path is None or stat is None:
        return ""
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    hashes: dict[tuple[str, int, int], str] = app.extensions["mutual_static_hashes"]
    if key not in hashes:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        hashes[key] = digest[:HASH_LENGTH]
    return hashes[key]


def _static_file(app: Flask, filename: str) -> Path | None:
    """The static file's path, resolved once per name (a page links the same few files); a
    name that is no file is not remembered, since any name can be asked for."""
    paths: dict[str, Path] = app.extensions["mutual_static_paths"]
    if filename in paths:
        return paths[filename]
    folder = Path(app.static_folder or "").resolve()
    path = (folder / filename).resolve()
    if not path.is_relative_to(folder) or not path.is_file():
        return None
    paths[filename] = path
    return path


def _add_version(endpoint: str, values: dict[str, Any]) -> None:
    if endpoint != "static" or "v" in values or "filename" not in values:
        return
    version = static_version(current_app, str(values["filename"]))
    if version:
        values["v"] = version


def _cache_headers(response: Response) -> Response:
    if request.endpoint != "static" or response.status_code not in (200, 304):
        return response
    filename = (request.view_args or {}).get("filename", "")
    version = request.args.get("v")
    if version and version == static_version(current_app, str(filename)):
        response.cache_control.public = True
        response.cache_control.max_age = STATIC_MAX_AGE
        response.cache_control.immutable = True
        response.cache_control.no_cache = None
    else:
        response.cache_control.no_cache = True
        response.cache_control.max_age = None
    return response
