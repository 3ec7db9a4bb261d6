"""A lease in the catalog so one index sync or rebuild runs at a time, across processes and hosts.

A holder that dies leaves its lease behind; it is taken over when it has expired, or at once when
the holder was a process on this host that no longer exists.
"""

from __future__ import annotations

import os
import socket
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from catalog.db import transaction
from catalog.models.base import utcnow
from catalog.models.change_log import SyncState
from ground import exits
from ground.errors import MutualError

DEFAULT_LEASE = timedelta(minutes=30)


class LockHeld(MutualError):
    """Another process holds the lease."""

    exit_code = exits.BUSY


def holder_id() -> str:
    """Unique per acquisition (host, process, token): a lease is never taken twice, even by one
    process, and a dead holder on this host can be recognised by its pid."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _holder_is_dead(holder: str | None) -> bool:
    parts = (holder or "").split(":")
    if len(parts) < 2:
        return False
    host, pid = parts[0], parts[1]
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def try_acquire(session: Session, name: str, holder: str, lease: timedelta = DEFAULT_LEASE) -> bool:
    """Take the lease if it is free, expired, or held by a dead process on this host.

    Each attempt is a single conditional UPDATE (compare and swap), so two processes racing for
    the lease cannot both get it, on SQLite or PostgreSQL.
    """
    _ensure_row(session, name)
    now = utcnow()
    free = or_(
        SyncState.locked_until.is_(None),
        SyncState.locked_until < now,
        SyncState.locked_by == holder,
    )
    if _take(session, name, holder, now + lease, free):
        return True
    current = session.scalar(select(SyncState.locked_by).where(SyncState.name == name))
    if _holder_is_dead(current):
        return _take(session, name, holder, now + lease, SyncState.locked_by == current)
    return False


def _take(session: Session, name: str, holder: str, until: datetime, condition: Any) -> bool:
    result = session.execute(
        update(SyncState)
        .where(SyncState.name == name, condition)
        .values(locked_by=holder, locked_until=until)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))


def release(session: Session, name: str, holder: str) -> None:
    session.execute(
        update(SyncState)
        .where(SyncState.name == name, SyncState.locked_by == holder)
        .values(locked_by=None, locked_until=None)
        .execution_options(synchronize_session=False)
    )


def _ensure_row(session: Session, name: str) -> None:
    if session.get(SyncState, name) is not None:
        return
    try:
        with session.begin_nested():
            session.add(SyncState(name=name, watermark=0))
    except IntegrityError:
        pass  # created by another process meanwhile


@contextmanager
def held(sessions: sessionmaker[Session], name: str, what: str, wait: float = 0.0) -> Iterator[str]:
    """Hold the lease `name` for the block, waiting up to `wait` seconds for it; LockHeld if
    another live process still has it then."""
    holder = holder_id()
    deadline = time.monotonic() + wait
    while True:
        with transaction(sessions) as session:
            acquired = try_acquire(session, name, holder)
            current = session.get(SyncState, name)
            owner = current.locked_by if current else None
        if acquired:
            break
        if time.monotonic() >= deadline:
            raise LockHeld(f"another {what} is running ({owner}); try again when it has finished")
        time.sleep(0.1)
    try:
        yield holder
    finally:
        with transaction(sessions) as session:
            release(session, name, holder)
