"""Monotonic counters handed out inside the caller's write transaction."""

from __future__ import annotations

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from catalog.models.change_log import Sequence

ITEM_CHANGES = "item_changes"
PEOPLE_CHANGES = "people_changes"  # the people index's change log (catalog/people.py)


def next_value(session: Session, name: str = ITEM_CHANGES) -> int:
    """The next value of a counter.

    The UPDATE takes the counter's row lock (SQLite: the database write lock) until the caller
    commits, so values are visible to readers in the order they were handed out: a reader that
    sees value N has already seen every value below it.
    """
    value = session.scalar(
        update(Sequence)
        .where(Sequence.name == name)
        .values(value=Sequence.value + 1)
        .returning(Sequence.value)
    )
    if value is not None:
        return int(value)
    try:
        with session.begin_nested():
            session.execute(insert(Sequence).values(name=name, value=0))
    except IntegrityError:
        pass  # another writer created it first
    return next_value(session, name)


def current_value(session: Session, name: str = ITEM_CHANGES) -> int:
    value = session.scalar(select(Sequence.value).where(Sequence.name == name))
    return int(value or 0)
