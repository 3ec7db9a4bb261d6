"""The Flask web app: the search page (and, later, accounts, saved searches and feeds)."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_wtf.csrf import CSRFProtect

from catalog.db import make_engine
from crawlers.roster_entries import MAX_BYTES as MAX_ROSTER_BYTES
from ground.secret_key import secret_key
from ground.settings import Settings, load_settings
from indexer.client import make_client
from indexer.names import IndexNames
from webapp import (
    accounts_pages,
    alert_feeds,
    alerts_pages,
    api,
    communities_pages,
    community_admin,
    directory_admin_pages,
    entry_claims_pages,
    health,
    introductions_pages,
    item_page,
    operator_pages,
    people_pages,
    portfolio_page,
    roster_admission_pages,
    search_page,
    sign_in_links,
    sources_page,
    suggest_page,
)
from webapp.account_mail import init_account_mail
from webapp.db import init_db
from webapp.formatting import register as register_formatting
from webapp.login import init_login
from webapp.metrics import init_metrics
from webapp.request_log import init_request_log
from webapp.security_headers import init_security_headers
from webapp.services import Services
from webapp.static_files import init_static_cache

MAX_UPLOAD_BYTES = MAX_ROSTER_BYTES + 1024 * 1024


def create_app(
    settings: Settings | None = None, test_config: dict[str, Any] | None = None
) -> Flask:
    """The app, configured from `settings` (default: the environment) and `test_config`."""
    settings = settings or load_settings()
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=secret_key(settings),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.secure_cookies,
        # Tokens live as long as the session: a form left open all day still submits.
        WTF_CSRF_TIME_LIMIT=None,
        # The largest upload is a roster (crawlers.roster_entries.MAX_BYTES) with its form.
        MAX_CONTENT_LENGTH=MAX_UPLOAD_BYTES,
    )
    app.config.update(test_config or {})
    app.extensions["mutual"] = services = Services(
        settings=settings,
        search_client=make_client(settings),
        index_names=IndexNames(settings.index_prefix),
        catalog=make_engine(settings.resolved_database_url),
    )
    init_request_log(app)
    init_metrics(app, services)
    init_db(app)
    register_formatting(app)
    init_login(app)
    init_static_cache(app)
    init_account_mail(app)
    CSRFProtect(app)
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    alerts_pages.exempt_unsubscribe_from_csrf(app)
    app.context_processor(lambda: _template_globals(app, settings))
    init_security_headers(app, settings)
    return app


BLUEPRINTS = (
    search_page.blueprint,
    health.blueprint,
    sources_page.blueprint,
    accounts_pages.blueprint,
    sign_in_links.blueprint,
    communities_pages.blueprint,
    community_admin.blueprint,
    portfolio_page.blueprint,
    api.blueprint,
    item_page.blueprint,
    suggest_page.blueprint,
    alerts_pages.blueprint,
    alert_feeds.blueprint,
    operator_pages.blueprint,
    introductions_pages.blueprint,
    people_pages.blueprint,
    entry_claims_pages.blueprint,
    roster_admission_pages.blueprint,
    directory_admin_pages.blueprint,
)


def _template_globals(app: Flask, settings: Settings) -> dict[str, Any]:
    endpoints = set(app.view_functions)
    return {"signup_mode": settings.signup_mode, "has_endpoint": endpoints.__contains__}
