"""Admission by roster on the pages: the admins' switch on the manage page, and the join button
of an invitation-only community for someone its admitting roster lists.

The switch is for the community's admins (and the operator) only, posted with a CSRF token;
turning it on also approves the pending requests from addresses on that roster
(catalog/roster_admission.py has the rule).
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, url_for
from werkzeug.wrappers import Response

from catalog.models.people import Directory
from catalog.models.sources import Community
from catalog.roster_admission import admit_pending, admits
from webapp.community_admin import managed_community
from webapp.db import db
from webapp.forms import EmptyForm
from webapp.login import signed_in_user, signin_required

blueprint = Blueprint("roster_admission", __name__)
ACTIONS = {"admit": True, "stop-admitting": False}


def _roster_admits(community: Community) -> bool:
    """Whether the signed-in visitor would join the community at once by its roster (the
    community page asks, to offer a join button where invitations are the rule)."""
    user = signed_in_user()
    if user is None or community.visibility != "public":
        return False
    return admits(db(), user.email, community.id)


@blueprint.app_context_processor
def _template_helpers() -> dict[str, object]:
    return {"roster_admits": _roster_admits}


@blueprint.post("/c/<slug>/manage/directories/<int:directory_id>/<action>")
@signin_required
def switch(slug: str, directory_id: int, action: str) -> Response:
    community = managed_community(slug)
    directory = db().get(Directory, directory_id)
    if directory is None or directory.community_id != community.id:
        abort(404)
    if action not in ACTIONS or not EmptyForm().validate_on_submit():
        abort(400)
    directory.admits_members = ACTIONS[action]
    admitted = admit_pending(db(), directory)
    db().commit()
    if not directory.admits_members:
        flash(f"Addresses on {directory.name} now ask to join like anyone else.")
    else:
        flash(
            f"Addresses on {directory.name} now join {community.name} without approval; "
            f"{admitted} waiting {'request was' if admitted == 1 else 'requests were'} approved."
        )
    return redirect(url_for("community_admin.manage", slug=community.slug, _anchor="directories"))
