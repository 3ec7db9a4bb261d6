"""Creating and reading communities."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.models.sources import Community
from ground.errors import MutualError

SLUG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")


class CommunityExists(MutualError):
    """A community with that slug is already in the catalog."""


class InvalidSlug(MutualError):
    """A slug that cannot be used in URLs and commands."""


class UnknownCommunity(MutualError):
    """No community has that slug."""


def slugify(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return slug[:80] or "community"


def add_community(
    session: Session, name: str, slug: str | None = None, description: str = "", homepage: str = ""
) -> Community:
    slug = slug or slugify(name)
    if not SLUG_PATTERN.match(slug):
        raise InvalidSlug(f"invalid slug {slug!r}: use lowercase letters, digits and dashes")
    if session.scalar(select(Community).where(Community.slug == slug)) is not None:
        raise CommunityExists(f"a community with slug {slug!r} already exists")
    community = Community(slug=slug, name=name.strip(), description=description, homepage=homepage)
    session.add(community)
    session.flush()
    return community


def get_community(session: Session, slug: str) -> Community:
    community = session.scalar(select(Community).where(Community.slug == slug))
    if community is None:
        raise unknown_community(slug)
    return community


def unknown_community(slug: str) -> UnknownCommunity:
    """The error for a slug naming no community; pages say the same of one the reader may not
    know of, so the two read alike."""
    return UnknownCommunity(f"no community with slug {slug!r} (see `mutual community list`)")


def list_communities(session: Session) -> list[Community]:
    return list(session.scalars(select(Community).order_by(Community.slug)))
