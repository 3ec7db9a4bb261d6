"""Turning a person into a search `Viewer` from the catalog as it is now: the one function the
web app (every request) and alerts (every run) use, so leaving a community ends access at once."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.memberships import member_slugs
from catalog.models import Community
from indexer.query import Viewer


def viewer_for(session: Session, user_id: int | None) -> Viewer:
    """What the user (None: an anonymous visitor) may see and which communities they may know."""
    member_of = member_slugs(session, user_id) if user_id is not None else ()
    private = session.scalars(select(Community.slug).where(Community.visibility == "private"))
    return Viewer(member_of=member_of, hidden=tuple(sorted(set(private) - set(member_of))))
