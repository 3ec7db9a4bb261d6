"""Member directories on the manage page: uploading a roster, confirming its columns, and the
entries an admin may remove one by one.

Uploading a roster keeps the file (catalog/roster_uploads.py) and shows what each column
gives, with a sample value (never the roster's addresses) and what the import would change,
counted in a transaction that is rolled back; the admin may change the columns and look
again, then import or cancel. The same rules as `mutual directory import` apply
(catalog/directory_import.py). Everything here is for the community's admins and the
operator, asked on each request (community_admin.managed_community), with CSRF tokens.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from catalog.directory_import import check_roster_name, confirmed_columns, import_entries
from catalog.models.people import Directory, RosterUpload
from catalog.models.sources import Community
from catalog.people import (
    PeopleError,
    directory_entries,
    remove_directory,
    remove_entry,
)
from catalog.roster_uploads import drop_upload, stage_upload, staged_upload
from crawlers.roster_csv import read_table
from crawlers.roster_entries import IGNORE, MAX_BYTES, RosterError, RosterParse
from crawlers.rosters import read_roster, roster_format
from webapp.admin_forms import RosterUploadForm
from webapp.community_admin import managed_community, render_manage
from webapp.db import db
from webapp.forms import EmptyForm
from webapp.login import required_user, signin_required
from webapp.people_refresh import refresh_people_index

blueprint = Blueprint("directory_admin", __name__)

ENTRIES_PER_PAGE = 100
FIELD_LABELS = {
    IGNORE: "(not used)",
    "display_name": "Full name",
    "first_name": "First name",
    "last_name": "Last name",
    "organisation": "Organisation",
    "role": "Role",
    "headline": "Headline",
    "location": "Location",
    "topics": "Can help with (topics)",
    "past_organisations": "Past organisations",
    "roster_email": "Address for claims and admission (never shown)",
    "shown_email": "Address shown to members",
    "profile_url": "Profile link",
    "entry_id": "Member id",
}


def _back(community: Community) -> Response:
    return redirect(url_for("community_admin.manage", slug=community.slug, _anchor="directories"))


@blueprint.post("/c/<slug>/manage/directories/upload")
@signin_required
def upload(slug: str) -> Any:
    """Keep the uploaded roster and show its preview."""
    community = managed_community(slug)
    form = RosterUploadForm()
    if not form.validate_on_submit():
        return render_manage(community, 400, roster_form=form)
    name = " ".join((form.directory_name.data or "").split())
    data = form.roster.data.read(MAX_BYTES + 1)
    filename = form.roster.data.filename or "roster"
    try:
        check_roster_name(db(), community.id, name)
        read_roster(data, filename, None, confirmed_columns(db(), community.id, name))
    except (RosterError, PeopleError) as exc:
        form.roster.errors = [str(exc)]
        return render_manage(community, 400, roster_form=form)
    token = stage_upload(
        db(), community.id, required_user().id, directory_name=name, filename=filename, data=data
    )
    db().commit()
    return redirect(url_for("directory_admin.preview", slug=community.slug, token=token))


@blueprint.route("/c/<slug>/manage/directories/preview/<token>", methods=["GET", "POST"])
@signin_required
def preview(slug: str, token: str) -> Any:
    """The columns and what importing would change; POST with `action` preview (again, with
    the columns chosen), import or cancel."""
    community = managed_community(slug)
    staged = staged_upload(db(), token, community.id, required_user().id)
    if staged is None:
        return render_template("people/directory_upload_gone.html", community=community), 404
    action = request.form.get("action", "preview") if request.method == "POST" else "preview"
    if request.method == "POST" and not EmptyForm().validate_on_submit():
        abort(400)
    if action == "cancel":
        drop_upload(db(), staged)
        db().commit()
        flash("Upload cancelled; nothing was imported.")
        return _back(community)
    return _preview_or_import(community, staged, token, action)


def _preview_or_import(community: Community, staged: RosterUpload, token: str, action: str) -> Any:
    remembered = confirmed_columns(db(), community.id, staged.directory_name)
    headings = _headings(staged)
    chosen = _chosen_columns(request.form, headings) if request.method == "POST" else None
    try:
        parse = read_roster(staged.data, staged.filename, chosen, remembered)
    except RosterError as exc:
        return _render_preview(community, staged, token, headings, parse=None, error=str(exc)), 400
    if action == "import":
        return _import(community, staged, parse)
    return _render_preview(community, staged, token, headings, parse=parse, error="")


def _headings(staged: RosterUpload) -> list[str]:
    """A CSV roster's headings (each may be mapped); none for vCard, whose fields are fixed."""
    if roster_format(staged.data, staged.filename) == "vcard":
        return []
    return read_table(staged.data)[0]


def _chosen_columns(form: MultiDict[str, str], headings: list[str]) -> dict[str, str]:
    """The mapping from the preview's selects (`column-N` for the Nth heading): the headings
    are the file's own text, so the form names them by position."""
    chosen = {}
    for number, heading in enumerate(headings):
        value = form.get(f"column-{number}", IGNORE)
        chosen[heading] = value if value in FIELD_LABELS else IGNORE
    return chosen


def _dry_run(community: Community, name: str, parse: RosterParse) -> dict[str, int] | str:
    """What the import would change, counted in a savepoint that is then rolled back."""
    savepoint = db().begin_nested()
    try:
        report, admitted = import_entries(db(), community.id, name, parse.columns, parse.entries)
    except PeopleError as exc:
        return str(exc)
    finally:
        savepoint.rollback()
    counts = {k: getattr(report, k) for k in ("added", "updated", "unchanged", "removed")}
    return counts | {"excluded": report.excluded, "admitted": admitted}


def _render_preview(
    community: Community,
    staged: RosterUpload,
    token: str,
    headings: list[str],
    *,
    parse: RosterParse | None,
    error: str,
) -> str:
    outcome = _dry_run(community, staged.directory_name, parse) if parse is not None else {}
    if isinstance(outcome, str):
        error, outcome = outcome, {}
    return render_template(
        "people/directory_preview.html",
        community=community,
        upload=staged,
        token=token,
        headings=headings,
        parse=parse,
        outcome=outcome,
        error=error,
        labels=FIELD_LABELS,
        empty=EmptyForm(),
    )


def _import(community: Community, staged: RosterUpload, parse: RosterParse) -> Response:
    name = staged.directory_name
    report, admitted = import_entries(db(), community.id, name, parse.columns, parse.entries)
    drop_upload(db(), staged)
    db().commit()
    refresh_people_index()
    message = (
        f"{name}: {report.added} added, {report.updated} updated, {report.unchanged} unchanged, "
        f"{report.removed} removed"
    )
    if report.excluded:
        message += f", {report.excluded} left out (removed by an admin before)"
    problems = [*parse.problems, *report.problems]
    if problems:
        message += f"; {len(problems)} rows had problems (skipped, or kept without the value)"
    if admitted:
        message += f"; {admitted} waiting requests to join approved"
    flash(message + ".")
    return _back(community)


def _directory_of(community: Community, directory_id: int) -> Directory:
    found = db().get(Directory, directory_id)
    if found is None or found.community_id != community.id:
        abort(404)
    return found


@blueprint.get("/c/<slug>/manage/directories/<int:directory_id>/entries")
@signin_required
def entries(slug: str, directory_id: int) -> str:
    """The directory's entries, a page at a time, with a Remove button each."""
    community = managed_community(slug)
    found = _directory_of(community, directory_id)
    query = request.args.get("q", "")[:100].strip()
    page = max(1, request.args.get("page", 1, type=int) or 1)
    people, total = directory_entries(
        db(), found, query=query, offset=(page - 1) * ENTRIES_PER_PAGE, limit=ENTRIES_PER_PAGE
    )
    return render_template(
        "people/directory_entries.html",
        community=community,
        directory=found,
        people=people,
        total=total,
        query=query,
        page=page,
        pages=max(1, -(-total // ENTRIES_PER_PAGE)),
        empty=EmptyForm(),
    )


@blueprint.post("/c/<slug>/manage/directories/<int:directory_id>/entries/<int:person_id>/remove")
@signin_required
def remove_one(slug: str, directory_id: int, person_id: int) -> Response:
    community = managed_community(slug)
    found = _directory_of(community, directory_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    removed = remove_entry(db(), found, person_id)
    if removed is None:
        abort(404)
    name = removed.display_name
    db().commit()
    refresh_people_index()
    flash(f"{name} was removed from {found.name}; later imports of it leave them out.")
    return redirect(url_for("directory_admin.entries", slug=community.slug, directory_id=found.id))


@blueprint.post("/c/<slug>/manage/directories/<int:directory_id>/remove")
@signin_required
def remove_whole(slug: str, directory_id: int) -> Response:
    community = managed_community(slug)
    found = _directory_of(community, directory_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if found.kind != "roster":
        flash(f"{found.name} comes from a directory page: remove that source to remove it.")
        return _back(community)
    name = found.name
    removed = remove_directory(db(), found)
    db().commit()
    refresh_people_index()
    flash(f"{name} was removed with its {removed} people.")
    return _back(community)
