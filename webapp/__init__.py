"""The Flask web app: the search page (and, later, accounts, saved searches and feeds)."""

from __future__ import annotations

import secrets
from typing import Any

from flask import Flask, Response

from catalog.db import make_engine
from indexer.client import make_client
from indexer.names import IndexNames
from mutual.settings import Settings, load_settings
from webapp import health, search_page, sources_page
from webapp.services import Services

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)


def create_app(
    settings: Settings | None = None, test_config: dict[str, Any] | None = None
) -> Flask:
    """The app, configured from `settings` (default: the environment) and `test_config`."""
    settings = settings or load_settings()
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=settings.secret_key or secrets.token_hex(32),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
    )
    app.config.update(test_config or {})
    app.extensions["mutual"] = Services(
        settings=settings,
        search_client=make_client(settings),
        index_names=IndexNames(settings.index_prefix),
        catalog=make_engine(settings.resolved_database_url),
    )
    app.register_blueprint(search_page.blueprint)
    app.register_blueprint(health.blueprint)
    app.register_blueprint(sources_page.blueprint)
    app.after_request(_security_headers)
    return app


def _security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    return response
