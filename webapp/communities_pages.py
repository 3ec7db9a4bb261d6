"""Communities as their members see them: the directory, a community's page, joining and
leaving, and accepting an invitation link. (Managing one is in `community_admin`.)"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from sqlalchemy import func, select
from werkzeug.wrappers import Response

from catalog.active_members import ACTIVE
from catalog.communities import CommunityExists, InvalidSlug, add_community
from catalog.memberships import (
    ADMIN,
    InvitationInvalid,
    MembershipError,
    accept_invitation,
    access,
    add_member,
    find_invitation,
    leave,
    may_see_community,
    request_to_join,
    visible_communities,
)
from catalog.models.base import utcnow
from catalog.models.memberships import Membership
from catalog.models.sources import Community
from webapp.db import db
from webapp.fetch_charts import community_chart
from webapp.forms import CommunityForm, EmptyForm
from webapp.login import operator_required, required_user, signed_in_user, signin_required
from webapp.people_refresh import refresh_people_index

blueprint = Blueprint("communities", __name__)


def community_or_404(slug: str) -> Community:
    """The community, for someone allowed to know it exists; 404 otherwise (a private
    community's page looks exactly like a missing one)."""
    community = db().scalar(select(Community).where(Community.slug == slug[:80]))
    if community is None or not may_see_community(db(), signed_in_user(), community):
        abort(404)
    return community


def member_counts() -> dict[int, int]:
    rows = db().execute(
        select(Membership.community_id, func.count())
        .where(Membership.status == ACTIVE)
        .group_by(Membership.community_id)
    )
    return {community_id: int(count) for community_id, count in rows}


@blueprint.get("/communities")
def directory() -> str:
    user = signed_in_user()
    communities = visible_communities(db(), user)
    rows = [(c, access(db(), user, c)) for c in communities]
    return render_template(
        "communities.html",
        rows=rows,
        counts=member_counts(),
        empty=EmptyForm(),
        create=CommunityForm() if user and user.is_admin else None,
    )


@blueprint.post("/communities")
@operator_required
def create() -> Any:
    form = CommunityForm()
    if form.validate_on_submit():
        try:
            community = add_community(
                db(),
                form.name.data or "",
                slug=(form.slug.data or "").strip() or None,
                description=form.description.data or "",
                homepage=form.homepage.data or "",
            )
        except (CommunityExists, InvalidSlug) as exc:
            form.slug.errors = [str(exc)]
        else:
            community.visibility = "private" if form.private.data else "public"
            community.join_policy = "invite" if form.private.data else "approval"
            add_member(db(), required_user(), community, role=ADMIN)
            db().commit()
            flash(f"Community {community.name} created; you are its admin.")
            return redirect(url_for("communities.community_page", slug=community.slug))
    user = signed_in_user()
    rows = [(c, access(db(), user, c)) for c in visible_communities(db(), user)]
    page = render_template(
        "communities.html", rows=rows, counts=member_counts(), empty=EmptyForm(), create=form
    )
    return page, 400


@blueprint.get("/c/<slug>")
def community_page(slug: str) -> str:
    community = community_or_404(slug)
    user = signed_in_user()
    seen_by = access(db(), user, community)
    # Members only: how the community's sources are doing is theirs to see.
    chart = (
        community_chart(db(), community.id, community.name, utcnow()) if seen_by.member else None
    )
    return render_template(
        "community.html",
        community=community,
        access=seen_by,
        fetch_chart=chart,
        members=member_counts().get(community.id, 0),
        empty=EmptyForm(),
    )


@blueprint.post("/c/<slug>/join")
@signin_required
def join(slug: str) -> Response:
    community = community_or_404(slug)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        row = request_to_join(db(), required_user(), community)
    except MembershipError as exc:
        flash(str(exc))
    else:
        db().commit()
        if row.status == ACTIVE:
            flash(f"You joined {community.name}.")
        else:
            flash(f"Your request to join {community.name} was sent to its admins.")
    return redirect(url_for("communities.community_page", slug=community.slug))


@blueprint.post("/c/<slug>/leave")
@signin_required
def leave_community(slug: str) -> Response:
    community = community_or_404(slug)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        leave(db(), required_user().id, community)
    except MembershipError as exc:
        flash(str(exc))
        return redirect(url_for("communities.community_page", slug=community.slug))
    db().commit()
    refresh_people_index()  # one's profile there is gone: out of fellow members' searches too
    flash(f"You left {community.name}; its member-only listings are no longer shown to you.")
    if community.visibility == "private":
        return redirect(url_for("communities.directory"))
    return redirect(url_for("communities.community_page", slug=community.slug))


@blueprint.route("/invite/<token>", methods=["GET", "POST"])
def accept(token: str) -> Any:
    try:
        invitation = find_invitation(db(), token)
    except InvitationInvalid as exc:
        return render_template("invite.html", error=str(exc)), 404
    user = signed_in_user()
    form = EmptyForm()
    if user is not None and form.validate_on_submit():
        community = accept_invitation(db(), token, user)
        db().commit()
        flash(f"Welcome to {community.name}: its member-only listings now show in your search.")
        return redirect(url_for("communities.community_page", slug=community.slug))
    return render_template(
        "invite.html", community=invitation.community, token=token, user=user, form=form
    )
