"""`/portfolio` ("My communities"): for each community a person belongs to, what it brought
this week, its sources' health, and what only it carried: how diversified their network is."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from flask import Blueprint, render_template
from markupsafe import Markup
from sqlalchemy import select

from catalog.active_members import ACTIVE
from catalog.models.base import utcnow
from catalog.models.memberships import Membership
from catalog.models.sources import Community, Source
from catalog.sources import fetch_health
from indexer.client import SearchUnavailable
from indexer.portfolio import CommunityFigures, portfolio
from indexer.portfolio_weeks import Week, portfolio_weeks
from webapp.db import db
from webapp.login import current_viewer, required_user, signin_required
from webapp.portfolio_chart import weeks_chart
from webapp.services import services

blueprint = Blueprint("portfolio", __name__)


@dataclass(frozen=True)
class Holding:
    community: Community
    role: str
    figures: CommunityFigures | None  # None when the index could not be asked
    health: dict[str, int]  # fetch health ("ok", "failing", ...) -> number of sources
    chart: Markup | None = None  # the last twelve weeks, when the index could be asked


def _health(community_id: int) -> dict[str, int]:
    sources = db().scalars(select(Source).where(Source.community_id == community_id))
    return dict(Counter(fetch_health(source) for source in sources))


def _memberships(user_id: int) -> list[tuple[Community, str]]:
    rows = db().execute(
        select(Community, Membership.role)
        .join(Membership, Membership.community_id == Community.id)
        .where(Membership.user_id == user_id, Membership.status == ACTIVE)
        .order_by(Community.name)
    )
    return [(community, role) for community, role in rows]


@blueprint.get("/portfolio")
@signin_required
def portfolio_view() -> tuple[str, int] | str:
    user = required_user()
    viewer = current_viewer()
    app_services = services()
    client, names, now = app_services.search_client, app_services.index_names, utcnow()
    weeks: dict[str, tuple[Week, ...]] = {}
    try:
        figures = portfolio(client, names, viewer, now)
        weeks = portfolio_weeks(client, names, viewer, now)
        unavailable = False
    except SearchUnavailable:
        figures, unavailable = {}, True
    holdings = [
        Holding(
            community,
            role,
            figures.get(community.slug),
            _health(community.id),
            weeks_chart(community, weeks[community.slug]) if community.slug in weeks else None,
        )
        for community, role in _memberships(user.id)
    ]
    page = render_template("portfolio.html", holdings=holdings, unavailable=unavailable)
    return (page, 503) if unavailable else page
