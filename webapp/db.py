"""One catalog session per request, opened on first use and closed when the request ends."""

from __future__ import annotations

from flask import Flask, g
from sqlalchemy.orm import Session

from webapp.services import services


def db() -> Session:
    """The request's catalog session. Changes are committed by `commit()` in the handler."""
    if "catalog_session" not in g:
        g.catalog_session = Session(services().catalog, expire_on_commit=False)
    session: Session = g.catalog_session
    return session


def _close(_error: BaseException | None) -> None:
    session: Session | None = g.pop("catalog_session", None)
    if session is not None:
        session.rollback()
        session.close()


def init_db(app: Flask) -> None:
    app.teardown_appcontext(_close)
