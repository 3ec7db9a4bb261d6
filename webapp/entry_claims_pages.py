"""Claiming a directory entry ("Is this you?"): a member links their entry to their account.

The claim page answers 404 to anyone but an active member of the community, as for no
community. Mutual mails the link to the address the roster has for the entry; no page shows that
address, the claimer's included ("we sent a link to the address the directory has for this
entry"). The link opens a page with a button that posts, so a mail scanner following it claims
nothing, and it works only for the account that asked: any other gets the page an unknown link
gets (catalog/entry_claims.py has the rules).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from alerts.mail import MailNotConfigured, check_configured
from catalog.entry_claims import (
    CLAIM_LIFETIME,
    INVALID_LINK,
    ClaimError,
    claimable_entries,
    claimed_entry,
    confirm_claim,
    pending_claim,
    start_claim,
)
from catalog.memberships import access
from catalog.models.people import Person
from catalog.models.sources import Community
from webapp.account_mail import send_later
from webapp.communities_pages import community_or_404
from webapp.db import db
from webapp.forms import EmptyForm
from webapp.login import required_user, signin_required
from webapp.people_refresh import refresh_people_index
from webapp.public_links import public_url_for
from webapp.services import services

blueprint = Blueprint("entry_claims", __name__)
SENT = (
    "We sent a link to the address the directory has for this entry. Open it within 48 hours, "
    "signed in as you are now, to link the entry to your account."
)


def _member_community(slug: str) -> Community:
    """The community, for its active members; 404 for everyone else, as for no community."""
    community = community_or_404(slug)
    if not access(db(), required_user(), community).member:
        abort(404)
    return community


def _mail_configured() -> bool:
    try:
        check_configured(services().settings)
    except MailNotConfigured:
        return False
    return True


@blueprint.get("/c/<slug>/claim")
@signin_required
def claim_page(slug: str) -> str:
    community = _member_community(slug)
    user_id = required_user().id
    name = request.args.get("q", "")[:100]
    return render_template(
        "people/claim.html",
        community=community,
        mine=claimed_entry(db(), user_id, community.id),
        entries=claimable_entries(db(), user_id, community.id, name),
        name=name,
        mail_configured=_mail_configured(),
        empty=EmptyForm(),
    )


@blueprint.post("/c/<slug>/claim/<int:person_id>")
@signin_required
def claim(slug: str, person_id: int) -> Response:
    community = _member_community(slug)
    person = db().get(Person, person_id)
    if person is None or person.community_id != community.id:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if not _mail_configured():
        flash("This Mutual sends no mail, so it cannot check a claim; ask its operator.")
        return redirect(url_for("entry_claims.claim_page", slug=community.slug))
    try:
        person, token = start_claim(db(), required_user().id, person.id)
    except ClaimError as exc:
        flash(str(exc))
        return redirect(url_for("entry_claims.claim_page", slug=community.slug))
    db().commit()
    link = public_url_for("entry_claims.confirm", token=token)
    subject = f"Is this you? Your entry in {community.name}'s member directory"
    to = person.roster_email.strip()  # as the admin's file wrote it, spaces and all
    send_later(to, subject, claim_text(community.name, person.display_name, link))
    flash(SENT)
    return redirect(url_for("entry_claims.claim_page", slug=community.slug))


def claim_text(community_name: str, entry_name: str, link: str) -> str:
    hours = int(CLAIM_LIFETIME.total_seconds() // 3600)
    return (
        f"A member of {community_name} on Mutual says that the entry {entry_name} in the "
        "community's member directory is theirs, and asked Mutual to check by sending a link "
        "to the address the directory has for it: this one.\n\n"
        f"If it was you, open this link within {hours} hours, signed in to Mutual with the "
        f"account that asked:\n{link}\n\n"
        "If it was not you, ignore this message: nothing changes, and the link works only for "
        "the account that asked.\n"
    )


@blueprint.route("/claim/<token>", methods=["GET", "POST"])
@signin_required
def confirm(token: str) -> Any:
    user_id = required_user().id
    try:
        claim_row = pending_claim(db(), token, user_id)
    except ClaimError as exc:
        status = 404 if str(exc) == INVALID_LINK else 400
        return render_template("people/claim_link.html", problem=str(exc)), status
    page = {"person": claim_row.person, "community": claim_row.person.community}
    form = EmptyForm()
    if not form.validate_on_submit():
        return render_template("people/claim_link.html", form=form, **page)
    try:
        confirm_claim(db(), token, user_id)
    except ClaimError as exc:
        return render_template("people/claim_link.html", problem=str(exc), **page), 400
    db().commit()
    refresh_people_index()  # the entry now shows as the member's own at once
    return render_template("people/claim_link.html", done=True, **page)
