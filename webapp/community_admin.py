"""Managing a community, for its admins and the operator: members, invitations, settings,
sources (with a test fetch), and its manifest and OPML; and the operator's manifest upload.

Every view asks `catalog.memberships.access` on each request, so a removed admin loses the page
at once. The test fetch runs `python -m crawlers.preview_command` (what `mutual source test`
calls) in a subprocess: a crawl's reactor cannot run inside a web request, and the web app never
crawls.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from catalog.manifest import dump_manifest, export_community, import_manifest, read_manifest
from catalog.memberships import (
    ADMIN,
    MEMBER,
    PENDING,
    MembershipError,
    access,
    approve,
    create_invitation,
    invitation_link,
    leave,
    list_invitations,
    members,
    membership,
    revoke_invitation,
    set_role,
)
from catalog.models.sources import Community, Source
from catalog.opml import export_opml, feed_urls, import_opml
from catalog.people import directories
from catalog.source_removal import remove_source
from catalog.sources import add_source, default_item_kind, fetch_health, list_sources
from crawlers.guard import check_feed_urls, check_url
from crawlers.source_options import check_manifest_sources, check_source_options
from ground.errors import MutualError
from ground.settings import ENV_PREFIX, Settings, settings_environ
from webapp.admin_forms import (
    CommunitySettingsForm,
    InvitationForm,
    ManifestUploadForm,
    OpmlUploadForm,
    RosterUploadForm,
    SourceForm,
)
from webapp.communities_pages import community_or_404
from webapp.db import db
from webapp.forms import EmptyForm
from webapp.login import operator_required, required_user, signin_required
from webapp.services import services

blueprint = Blueprint("community_admin", __name__)

TEST_FETCH_TIMEOUT = 60


def _refuse(session: Session, user_id: int, community: Community) -> None:
    row = membership(session, user_id, community.id)
    if row is None or row.status != PENDING:
        raise MembershipError("there is no request to join from that person")
    leave(session, user_id, community)


MemberAction = Callable[[Session, int, Community], object]
MEMBER_ACTIONS: dict[str, tuple[MemberAction, str]] = {
    "approve": (approve, "{email} is now a member."),
    "refuse": (_refuse, "The request from {email} was refused."),
    "remove": (leave, "{email} was removed; their access ended at once."),
    "make-admin": (lambda s, u, c: set_role(s, u, c, ADMIN), "{email} is now an admin."),
    "make-member": (lambda s, u, c: set_role(s, u, c, MEMBER), "{email} is now a member."),
}


def managed_community(slug: str) -> Community:
    """The community, for the operator or one of its admins: 404 for those who may not know it
    exists, 403 for everyone else."""
    community = community_or_404(slug)
    if not access(db(), required_user(), community).admin:
        abort(403)
    return community


def _back(community: Community, section: str) -> Response:
    return redirect(url_for("community_admin.manage", slug=community.slug, _anchor=section))


def render_manage(community: Community, status: int = 200, **forms: Any) -> tuple[str, int]:
    """The management page, with the given (bound, perhaps invalid) forms in place of new ones."""
    settings_form = forms.pop("settings_form", None) or CommunitySettingsForm(obj=community)
    page = render_template(
        "community_manage.html",
        community=community,
        members=members(db(), community),
        invitations=list_invitations(db(), community),
        directories=directories(db(), community.id),
        sources=[(s, fetch_health(s)) for s in list_sources(db(), community.slug)],
        empty=EmptyForm(),
        settings_form=settings_form,
        invitation_form=forms.pop("invitation_form", None) or InvitationForm(),
        source_form=forms.pop("source_form", None) or SourceForm(),
        opml_form=forms.pop("opml_form", None) or OpmlUploadForm(),
        roster_form=forms.pop("roster_form", None) or RosterUploadForm(),
        **forms,
    )
    return page, status


@blueprint.get("/c/<slug>/manage")
@signin_required
def manage(slug: str) -> tuple[str, int]:
    return render_manage(managed_community(slug))


# -- members and invitations --------------------------------------------------------------


@blueprint.post("/c/<slug>/manage/members/<int:user_id>/<action>")
@signin_required
def member_action(slug: str, user_id: int, action: str) -> Response:
    community = managed_community(slug)
    if action not in MEMBER_ACTIONS or not EmptyForm().validate_on_submit():
        abort(400)
    change, message = MEMBER_ACTIONS[action]
    row = next((m for m in members(db(), community) if m.user_id == user_id), None)
    if row is None:
        abort(404)
    email = row.user.email
    try:
        change(db(), user_id, community)
    except MembershipError as exc:
        flash(str(exc))
    else:
        db().commit()
        flash(message.format(email=email))
    return _back(community, "members")


@blueprint.post("/c/<slug>/manage/invitations")
@signin_required
def invite(slug: str) -> Any:
    community = managed_community(slug)
    form = InvitationForm()
    if not form.validate_on_submit():
        return render_manage(community, 400, invitation_form=form)
    days, uses = form.days.data or 14, form.max_uses.data or 1
    token = create_invitation(db(), community, required_user(), days=days, max_uses=uses)
    db().commit()
    link = invitation_link(services().settings, token)
    flash(f"New invitation link (shown this once; copy it now): {link}")
    return _back(community, "invitations")


@blueprint.post("/c/<slug>/manage/invitations/<int:invitation_id>/revoke")
@signin_required
def revoke(slug: str, invitation_id: int) -> Response:
    community = managed_community(slug)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        revoke_invitation(db(), community, invitation_id)
    except MembershipError:
        abort(404)
    db().commit()
    flash(f"Invitation #{invitation_id} revoked: its link no longer works.")
    return _back(community, "invitations")


@blueprint.post("/c/<slug>/manage/settings")
@signin_required
def update_settings(slug: str) -> Any:
    community = managed_community(slug)
    form = CommunitySettingsForm()
    if not form.validate_on_submit():
        return render_manage(community, 400, settings_form=form)
    community.description = form.description.data or ""
    community.homepage = form.homepage.data or ""
    community.visibility = form.visibility.data or "public"
    community.join_policy = form.join_policy.data or "approval"
    db().commit()
    flash(f"Settings of {community.name} saved.")
    return _back(community, "settings")


# -- sources -------------------------------------------------------------------------------


@blueprint.post("/c/<slug>/manage/sources")
@signin_required
def sources(slug: str) -> Any:
    """Test-fetch (the Test button) or add (Add) the source the form describes."""
    community = managed_community(slug)
    form = SourceForm()
    if not form.validate_on_submit():
        return render_manage(community, 400, source_form=form)
    url, kind = form.url.data or "", form.kind.data or "auto"
    item_kind = "" if form.item_kind.data in (None, "auto") else form.item_kind.data
    if form.test.data or kind == "auto":
        preview = run_source_test(services().settings, url, kind, item_kind)
        if form.test.data or not preview["ok"]:
            return render_manage(community, 200, source_form=form, preview=preview)
        url, kind, item_kind = preview["url"], preview["kind"], preview["item_kind"]
    try:
        source = _add_source(community, form, url, kind, item_kind or default_item_kind(kind))
    except MutualError as exc:
        form.url.errors = [str(exc)]
        return render_manage(community, 400, source_form=form)
    db().commit()
    flash(f"Source #{source.id} added: {kind} of {source.item_kind}s at {source.url}.")
    return _back(community, "sources")


def _add_source(
    community: Community, form: SourceForm, url: str, kind: str, item_kind: str
) -> Source:
    settings = services().settings
    check_url(url, settings.crawl_allow_loopback)
    check_source_options(kind, {})
    return add_source(
        db(),
        community.slug,
        url,
        kind=kind,
        item_kind=item_kind,
        access=form.access.data or "public",
        title=form.title.data or "",
    )


def run_source_test(settings: Settings, url: str, kind: str, item_kind: str) -> dict[str, Any]:
    """The test fetch (crawlers.preview_command) in a subprocess: its preview, or one with the
    error."""
    command = [sys.executable, "-m", "crawlers.preview_command", "--kind", kind]
    command += ["--item-kind", item_kind] if item_kind else []
    environ = {k: v for k, v in os.environ.items() if not k.startswith(ENV_PREFIX)}
    try:
        # The URL is one argument after "--", never an option; no shell is involved.
        result = subprocess.run(  # noqa: S603
            [*command, "--", url],
            env=environ | settings_environ(settings),
            capture_output=True,
            text=True,
            timeout=TEST_FETCH_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return _failed_test(url, kind, f"no answer within {TEST_FETCH_TIMEOUT} s")
    try:
        preview: dict[str, Any] = json.loads(result.stdout)
    except ValueError:
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        reason = lines[-1].removeprefix("error: ") if lines else f"exit {result.returncode}"
        return _failed_test(url, kind, reason)
    return preview


def _failed_test(url: str, kind: str, error: str) -> dict[str, Any]:
    return {"ok": False, "url": url, "kind": kind, "error": error, "items": [], "warnings": []}


def _community_source(community: Community, source_id: int) -> Source:
    source = db().get(Source, source_id)
    if source is None or source.community_id != community.id:
        abort(404)
    return source


@blueprint.post("/c/<slug>/manage/sources/<int:source_id>/<action>")
@signin_required
def source_action(slug: str, source_id: int, action: str) -> Response:
    community = managed_community(slug)
    source = _community_source(community, source_id)
    if action not in ("pause", "resume", "remove") or not EmptyForm().validate_on_submit():
        abort(400)
    if action == "remove":
        removed = remove_source(db(), source)
        message = (
            f"Source #{source_id} removed: {removed.items_deleted} items only it carried leave "
            "the search at the next index run."
        )
    else:
        source.paused = action == "pause"
        source.next_fetch_at = None if action == "resume" else source.next_fetch_at
        message = f"Source #{source_id} {'paused' if source.paused else 'resumed'}."
    db().commit()
    flash(message)
    return _back(community, "sources")


# -- manifest and OPML ---------------------------------------------------------------------


def _download(text: str, filename: str, mimetype: str) -> Response:
    return Response(
        text,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@blueprint.get("/c/<slug>/manage/manifest.toml")
@signin_required
def manifest(slug: str) -> Response:
    """The manifest; member-only sources only when asked. No key is given to the export, so no
    sign-in detail (user name, secret) ever leaves."""
    community = managed_community(slug)
    member_sources = request.args.get("member_sources") == "y"
    data = export_community(db(), community.slug, member_sources=member_sources)
    return _download(dump_manifest(data), f"{community.slug}.toml", "application/toml")


@blueprint.get("/c/<slug>/manage/feeds.opml")
@signin_required
def opml(slug: str) -> Response:
    community = managed_community(slug)
    return _download(export_opml(db(), community.slug), f"{community.slug}.opml", "text/x-opml")


@blueprint.post("/c/<slug>/manage/opml")
@signin_required
def opml_upload(slug: str) -> Any:
    community = managed_community(slug)
    form = OpmlUploadForm()
    if not form.validate_on_submit():
        return render_manage(community, 400, opml_form=form)
    try:
        feeds = feed_urls(form.opml.data.read())
        check_feed_urls(feeds, services().settings.crawl_allow_loopback)
    except MutualError as exc:
        form.opml.errors = [str(exc)]
        return render_manage(community, 400, opml_form=form)
    report = import_opml(db(), community.slug, feeds, form.opml_item_kind.data or "job")
    db().commit()
    flash(f"OPML: {len(report.added)} feeds added, {len(report.kept)} already there.")
    return _back(community, "sources")


@blueprint.route("/communities/import", methods=["GET", "POST"])
@operator_required
def import_page() -> Any:
    form = ManifestUploadForm()
    if not form.validate_on_submit():
        status = 400 if request.method == "POST" else 200
        return render_template("community_import.html", form=form, report=None), status
    try:
        report = _import_upload(services().settings, form)
    except MutualError as exc:
        form.manifest.errors = [str(exc)]
        return render_template("community_import.html", form=form, report=None), 400
    db().commit()
    return render_template("community_import.html", form=ManifestUploadForm(), report=report)


def _import_upload(settings: Settings, form: ManifestUploadForm) -> Any:
    upload = form.manifest.data
    text = upload.read().decode("utf-8", errors="replace")
    data = read_manifest(text, upload.filename or "manifest")
    check_manifest_sources(data, settings.crawl_allow_loopback)
    return import_manifest(db(), data, credentials_key=settings.credentials_key)
