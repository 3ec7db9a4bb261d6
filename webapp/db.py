"""One catalog session per request, opened on first use and closed when the request ends; or,
for one read in a request that has no session, a pooled connection."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, g
from sqlalchemy import Connection
from sqlalchemy.orm import Session

from webapp.services import services

SESSION_KEY = "catalog_session"  # where the request's session lives in `g`


def db() -> Session:
    """The request's catalog session. Changes are committed by `commit()` in the handler."""
    if SESSION_KEY not in g:
        setattr(g, SESSION_KEY, Session(services().catalog, expire_on_commit=False))
    session: Session = g.get(SESSION_KEY)
    return session


@contextmanager
def reading() -> Iterator[Session | Connection]:
    """Something to run one read-only statement on: the request's session when it has one,
    else a pooled connection for just this read (opening and closing a session costs more
    than an anonymous search page's one catalog read)."""
    session: Session | None = g.get(SESSION_KEY)
    if session is not None:
        yield session
        return
    with services().catalog.connect() as connection:
        yield connection


def _close(_error: BaseException | None) -> None:
    session: Session | None = g.pop(SESSION_KEY, None)
    if session is not None:
        session.rollback()
        session.close()


def init_db(app: Flask) -> None:
    app.teardown_appcontext(_close)
