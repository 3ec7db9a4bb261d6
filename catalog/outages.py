"""When the catalog itself fails: its database went away (restarted, unreachable) or its disk is
full. Both end a command with one line and exit code 7, never a traceback; what a command
reported as done was committed before it said so, and the rest is done again by its next run.

A brief outage (a database restart) is waited out: `retrying` runs a unit of work in a
transaction and, when the database is gone, tries it again on a fresh connection until the
`catalog_retry_seconds` setting runs out. A full disk is not waited out: nothing frees it soon.
"""

from __future__ import annotations

import errno
import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from catalog.db import transaction
from ground import exits
from ground.errors import MutualError

T = TypeVar("T")
DISK_FULL_SQLSTATE = "53100"  # PostgreSQL's disk_full
SQLITE_FULL = "database or disk is full"
# SQLSTATE classes of a connection lost or a server shutting down (08: connection exception,
# 57P: operator intervention, e.g. "terminating connection due to administrator command").
GONE_SQLSTATES = ("08", "57P")


class CatalogUnavailable(MutualError):
    """The catalog's database could not be reached or written; run the command again."""

    exit_code = exits.CATALOG_UNAVAILABLE


class CatalogGone(CatalogUnavailable):
    """The database went away (stopped, restarted, unreachable): worth waiting for."""


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _disk_full(orig: BaseException) -> bool:
    sqlstate = getattr(orig, "sqlstate", None)
    full_errno = isinstance(orig, OSError) and orig.errno == errno.ENOSPC
    return sqlstate == DISK_FULL_SQLSTATE or SQLITE_FULL in str(orig) or full_errno


def _gone(exc: DBAPIError) -> bool:
    if exc.connection_invalidated:
        return True
    sqlstate = getattr(exc.orig, "sqlstate", None)
    if sqlstate:
        return str(sqlstate).startswith(GONE_SQLSTATES)
    # psycopg's failures to connect or to keep a connection carry no SQLSTATE; SQLite's
    # OperationalErrors (a locked file, a missing table) are no outage.
    return isinstance(exc, OperationalError) and type(exc.orig).__module__.startswith("psycopg")


def catalog_failure(exc: BaseException) -> CatalogUnavailable | None:
    """What `exc` means for the person running Mutual, when it is the catalog failing."""
    if isinstance(exc, CatalogUnavailable):
        return exc
    if not isinstance(exc, DBAPIError) or exc.orig is None:
        return None
    if _disk_full(exc.orig):
        return CatalogUnavailable(
            f"the catalog's disk is full ({_first_line(exc.orig)}): free some space and run "
            "the command again; what it reported as done is kept"
        )
    if _gone(exc):
        return CatalogGone(
            f"the catalog database could not be reached ({_first_line(exc.orig)}): run the "
            "command again when it is back; what it reported as done is kept"
        )
    return None


def patiently(call: Callable[[], T], patience: float) -> T:
    """`call()`, made again while the database is gone, for up to `patience` seconds; raises
    CatalogUnavailable when it stays gone or the disk is full. `call` must be safe to repeat:
    one transaction, rolled back when it fails."""
    deadline = time.monotonic() + patience
    pause = 0.2
    while True:
        try:
            return call()
        except DBAPIError as exc:
            failure = catalog_failure(exc)
            if failure is None:
                raise
            if not isinstance(failure, CatalogGone) or time.monotonic() + pause > deadline:
                raise failure from exc
        time.sleep(pause)
        pause = min(pause * 2, 2.0)


def retrying(sessions: sessionmaker[Session], work: Callable[[Session], T], patience: float) -> T:
    """`work(session)` in one transaction, tried again on a fresh connection while the
    database is gone (see `patiently`)."""

    def attempt() -> T:
        with transaction(sessions) as session:
            return work(session)

    return patiently(attempt, patience)
