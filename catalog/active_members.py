"""The one rule of who counts as a member: an active membership. Its own module, so that both
memberships and people data (which memberships changes on leaving) can use it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import BindParameter, ColumnElement, and_

from catalog.models.memberships import Membership

ACTIVE = "active"


def grants_access(user_id: int | BindParameter[Any]) -> ColumnElement[bool]:
    """The user's memberships that let them see member-only items and fellow members: the
    active ones. The user may be a bound parameter, for a statement built once and run for
    many users."""
    return and_(Membership.user_id == user_id, Membership.status == ACTIVE)
