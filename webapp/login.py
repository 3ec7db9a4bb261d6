"""Who is signed in (Flask-Login over catalog-stored sessions) and what they may see.

`current_viewer()` is the one place the web app turns a person into a search `Viewer`: every
query path (search page, JSON API, suggestions, detail pages, feeds) asks it, on every request,
so leaving a community removes access at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from flask import Flask, abort, g, redirect, request, url_for
from flask_login import AnonymousUserMixin, LoginManager, current_user, login_required

from catalog.accounts import session_user
from catalog.models.accounts import User
from indexer.query.access import Viewer
from indexer.viewers import CatalogView, catalog_view
from webapp.db import db, reading

P = ParamSpec("P")
R = TypeVar("R")


@dataclass
class SignedIn:
    """The Flask-Login user: the catalog user plus the session token it was loaded from."""

    user: User
    token: str
    is_authenticated: bool = True
    is_active: bool = True
    is_anonymous: bool = False

    def get_id(self) -> str:
        return self.token

    @property
    def id(self) -> int:
        return self.user.id

    @property
    def email(self) -> str:
        return self.user.email

    @property
    def is_admin(self) -> bool:
        return self.user.is_admin

    @property
    def label(self) -> str:
        return self.user.display_name or self.user.email


class Anonymous(AnonymousUserMixin):  # type: ignore[misc]
    is_admin = False
    label = ""


def _load(token: str) -> SignedIn | None:
    user = session_user(db(), token)
    return SignedIn(user, token) if user else None


def init_login(app: Flask) -> None:
    manager = LoginManager()
    manager.user_loader(_load)
    manager.anonymous_user = Anonymous
    manager.login_view = "accounts.sign_in"
    manager.login_message = "Sign in to see that page."
    manager.session_protection = "basic"
    manager.init_app(app)


def signed_in_user() -> User | None:
    """The catalog user behind the request, or None for an anonymous visitor."""
    if current_user.is_authenticated:
        user: User = current_user.user
        return user
    return None


def required_user() -> User:
    """The signed-in user, for views behind `login_required` (401 if there is none)."""
    user = signed_in_user()
    if user is None:
        abort(401)
    return user


def current_catalog_view() -> CatalogView:
    """What the person behind this request may see, from their memberships as they are now,
    and the names of the communities they may know of; read once per request."""
    if "catalog_view" not in g:
        user = signed_in_user()
        with reading() as source:
            g.catalog_view = catalog_view(source, user.id if user else None)
    view: CatalogView = g.catalog_view
    return view


def current_viewer() -> Viewer:
    """What the person behind this request may see (current_catalog_view's viewer)."""
    return current_catalog_view().viewer


def signin_required(view: Callable[P, R]) -> Callable[P, R]:
    """Flask-Login's `login_required`, typed: anonymous visitors go to the sign-in page."""
    wrapped: Callable[P, R] = login_required(view)
    return wrapped


def operator_required(view: Any) -> Any:
    """Only the operator (an account made with `mutual user add --admin`)."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        user = signed_in_user()
        if user is None:
            return redirect(url_for("accounts.sign_in", next=request.full_path))
        if not user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapped
