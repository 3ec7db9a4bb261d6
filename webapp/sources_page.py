"""`/sources`: every source's fetch health, as `mutual source list` shows it on the command line.

The page only reads the catalog: it never fetches a source, never decrypts credentials and never
writes, so looking at it cannot change what the crawler does next.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from flask import Blueprint, current_app, render_template, request
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from catalog.communities import UnknownCommunity, list_communities, unknown_community
from catalog.db import (
    CatalogNotInitialised,
    CatalogOutdated,
    require_schema,
    session_factory,
)
from catalog.memberships import ANONYMOUS, Audience, audience
from catalog.models.base import utcnow
from catalog.models.sources import Source
from catalog.sources import fetch_health, list_sources
from crawlers.normalise import MAX_TITLE, clean_text
from webapp.login import signed_in_user
from webapp.services import services

blueprint = Blueprint("sources", __name__)

MAX_SLUG = 80
MAX_ERROR_SHOWN = 400
MAX_ERROR_TITLE = 2_000
NO_STATUS = "\N{EN DASH}"  # no HTTP answer yet (never fetched, or the connection failed)

AUTH_LABELS = {
    "basic": "HTTP basic sign-in",
    "bearer": "bearer token",
    "cookie": "session cookie",
    "form": "sign-in form",
}

# What the reader is told when the catalog cannot be read; the exception's own text names the
# database's location, which a public page should not.
CATALOG_PROBLEMS: dict[type[Exception], str] = {
    CatalogNotInitialised: "The catalog has not been created yet. Run `mutual init`, then add "
    "communities and sources with `mutual community add` and `mutual source add`.",
    CatalogOutdated: "The catalog was made by an older version of Mutual. Run `mutual init` "
    "to bring it up to date.",
    OperationalError: "The catalog database cannot be reached right now. Please try again in "
    "a minute.",
}


@dataclass(frozen=True)
class Moment:
    """A time shown relative to now ("3 h ago"), with the exact time for a tooltip."""

    text: str
    iso: str = ""
    exact: str = ""


@dataclass(frozen=True)
class SourceRow:
    id: int
    label: str
    url: str  # shown under a title, cleaned for display
    link: str | None  # the URL to link to, only when it is http or https
    kind: str
    item_kind: str
    access: str
    auth: str
    health: str
    health_class: str
    status: str
    items: int
    last_attempt: Moment
    last_success: Moment
    next_fetch: Moment
    last_error: str
    last_error_full: str


@dataclass(frozen=True)
class CommunityGroup:
    slug: str
    name: str
    rows: tuple[SourceRow, ...]


@dataclass(frozen=True)
class Listing:
    groups: tuple[CommunityGroup, ...]
    choices: tuple[tuple[str, str], ...]  # (slug, name) of every community, for the filter
    selected: str

    @property
    def source_count(self) -> int:
        return sum(len(group.rows) for group in self.groups)

    @property
    def failing_count(self) -> int:
        return sum(row.health_class == "failing" for g in self.groups for row in g.rows)


def relative_time(when: datetime, now: datetime) -> str:
    """`when` in words from `now`: "in 52 min", "3 h ago", "2 days ago", "just now"."""
    seconds = (when - now).total_seconds()
    span = _span(abs(seconds))
    if not span:
        return "in under a minute" if seconds > 0 else "just now"
    return f"in {span}" if seconds > 0 else f"{span} ago"


def _span(seconds: float) -> str:
    # Minutes are rounded so that a time set 52 minutes ahead still reads "52 min" a moment later.
    minutes = round(seconds / 60)
    if minutes < 1:
        return ""
    if minutes < 60:
        return f"{minutes} min"
    hours = minutes // 60
    if hours < 48:
        return f"{hours} h"
    return f"{hours // 24} days"


def moment(when: datetime | None, now: datetime, never: str = "never") -> Moment:
    if when is None:
        return Moment(never)
    return Moment(
        relative_time(when, now), when.isoformat(timespec="seconds"), f"{when:%Y-%m-%d %H:%M} UTC"
    )


def next_fetch(source: Source, now: datetime) -> Moment:
    """When the crawler will take the source again; overdue reads "due now", not "5 min ago"."""
    if source.paused:
        return Moment("paused")
    if source.next_fetch_at is None or source.next_fetch_at <= now:
        shown = moment(source.next_fetch_at, now)
        return Moment("due now", shown.iso, shown.exact)
    return moment(source.next_fetch_at, now)


def health(source: Source) -> tuple[str, str]:
    """The source's health in words, and the CSS class of its row."""
    state = fetch_health(source)
    failures = _failures(source.error_count)
    words = {
        "paused": "paused, " + failures if source.error_count else "paused",
        "failing": failures,
        "never": "never fetched",
        "warning": "OK, with warnings",
        "ok": "OK",
    }
    return words[state], state


def _failures(count: int) -> str:
    # error_count counts consecutive failures: a success sets it back to zero.
    return "failed once" if count == 1 else f"failing {count} times in a row"


def access_words(source: Source) -> tuple[str, str]:
    """Who may read the source, and how the crawler signs in: the kind only, never a secret."""
    access = "members only" if source.access == "members" else source.access
    if source.auth_kind and source.auth_kind != "none":
        return access, AUTH_LABELS.get(source.auth_kind, source.auth_kind)
    return access, ("no sign-in set" if source.access == "members" else "")


def web_link(url: str) -> str | None:
    """`url` when a browser may follow it (http or https), else None: no javascript: links."""
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return None
    return url.strip() if scheme in ("http", "https") else None


MEMBERS_ONLY_LABEL = "members-only source"
MEMBERS_ONLY_ERROR = "(not shown: member-only source; see `mutual source show`)"


def source_row(source: Source, now: datetime) -> SourceRow:
    """What the page shows of `source`; every text is cleaned of control characters.

    Of a member-only source the page shows neither the URL (a private calendar's address is
    often its only key) nor the error text, until the page knows who is looking.
    """
    hidden = source.access != "public"
    url = "" if hidden else clean_text(source.url, MAX_TITLE)
    health_words, health_class = health(source)
    access, auth = access_words(source)
    error = MEMBERS_ONLY_ERROR if hidden and source.last_error else source.last_error
    return SourceRow(
        id=source.id,
        label=clean_text(source.title, MAX_TITLE) or url or MEMBERS_ONLY_LABEL,
        url=url if source.title else "",
        link=None if hidden else web_link(source.url),
        kind=source.kind,
        item_kind=source.item_kind,
        access=access,
        auth=auth,
        health=health_words,
        health_class=health_class,
        status=str(source.last_status) if source.last_status else NO_STATUS,
        items=source.items_seen,
        last_attempt=moment(source.last_fetched_at, now),
        last_success=moment(source.last_success_at, now),
        next_fetch=next_fetch(source, now),
        last_error=clean_text(error, MAX_ERROR_SHOWN),
        last_error_full=clean_text(error, MAX_ERROR_TITLE),
    )


def read_listing(
    session: Session, community_slug: str, now: datetime, seen_by: Audience = ANONYMOUS
) -> Listing:
    """Communities (all, or the one named) with their sources in id order, as far as `seen_by`
    may know of them: no private community or member-only source of someone else's.

    Raises UnknownCommunity for a slug that names none, or one `seen_by` may not know of.
    """
    communities = [c for c in list_communities(session) if seen_by.sees_community(c)]
    if community_slug and all(c.slug != community_slug for c in communities):
        raise unknown_community(community_slug)
    by_community: dict[int, list[Source]] = defaultdict(list)
    for source in filter(seen_by.sees_source, list_sources(session)):
        by_community[source.community_id].append(source)
    groups = tuple(
        CommunityGroup(c.slug, c.name, tuple(source_row(s, now) for s in by_community[c.id]))
        for c in communities
        if not community_slug or c.slug == community_slug
    )
    return Listing(groups, tuple((c.slug, c.name) for c in communities), community_slug)


def _read(community_slug: str) -> Listing:
    engine = services().catalog
    require_schema(engine)
    user = signed_in_user()
    # A plain session, never committed: the page only reads.
    with session_factory(engine)() as session:
        seen_by = audience(session, user)
        return read_listing(session, community_slug, utcnow(), seen_by)


def _problem_text(exc: Exception) -> str:
    return next(text for kind, text in CATALOG_PROBLEMS.items() if isinstance(exc, kind))


@blueprint.get("/sources")
def sources_view() -> tuple[str, int]:
    community_slug = request.args.get("community", "").strip()[:MAX_SLUG]
    try:
        listing = _read(community_slug)
    except UnknownCommunity as exc:
        return render_template("sources.html", problem=str(exc), listing=None), 404
    except (CatalogNotInitialised, CatalogOutdated, OperationalError) as exc:
        current_app.logger.warning("sources page: catalog unavailable: %s", exc)
        return render_template("sources.html", problem=_problem_text(exc), listing=None), 503
    return render_template("sources.html", problem=None, listing=listing), 200
