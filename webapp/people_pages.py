"""People pages: one's profile in a community, the People search, and organisation pages.

Everything here is for signed-in members and shows only fellow members of communities the
viewer is active in (docs/members.md); anyone else is sent to sign in, or sees no one.
"""

from __future__ import annotations

import json

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from catalog.memberships import access
from catalog.models.people import Person
from catalog.organisation_follows import follow, is_following, unfollow
from catalog.organisation_overrides import load_resolver
from catalog.organisations import organisation_key
from catalog.people import (
    PeopleError,
    PersonFields,
    profile,
    publish_profile,
    remove_profile,
    visible_people,
)
from catalog.people_rights import delete_member_data, member_data
from indexer.client import SearchUnavailable
from indexer.people_search import PEOPLE_FACETS, PeopleRequest, search_people
from indexer.query.request import SearchRequest
from indexer.search import search
from webapp.communities_pages import community_or_404
from webapp.db import db
from webapp.forms import EmptyForm
from webapp.login import current_catalog_view, current_viewer, required_user, signin_required
from webapp.people_forms import ProfileForm, split_list
from webapp.people_refresh import refresh_people_index
from webapp.services import services
from webapp.warm_paths import warm_paths_for

blueprint = Blueprint("people", __name__)
MAX_PAGE = 50


def _form_fields(form: ProfileForm) -> PersonFields:
    return PersonFields(
        display_name=form.display_name.data or "",
        headline=form.headline.data or "",
        organisation=form.organisation.data or "",
        role=form.role.data or "",
        past_organisations=split_list(form.past_organisations.data or ""),
        location=form.location.data or "",
        topics=split_list(form.topics.data or ""),
    )


def _fill(form: ProfileForm, person: Person) -> None:
    for name in ("display_name", "headline", "organisation", "role", "location", "consent"):
        getattr(form, name).data = getattr(person, name)
    form.past_organisations.data = ", ".join(person.past_organisations)
    form.topics.data = ", ".join(person.topics)


@blueprint.route("/c/<slug>/profile", methods=["GET", "POST"])
@signin_required
def edit_profile(slug: str) -> Response | str:
    community = community_or_404(slug)
    user = required_user()
    if not access(db(), user, community).member:
        abort(404)  # profiles are for members; nothing to say to anyone else
    current = profile(db(), user.id, community.id)
    form = ProfileForm()
    if request.method == "GET" and current is not None:
        _fill(form, current)
    elif request.method == "GET":
        form.display_name.data = user.display_name or ""
    if form.validate_on_submit():
        try:
            publish_profile(db(), user.id, community.id, _form_fields(form), form.consent.data)
        except PeopleError as exc:
            flash(str(exc))
        else:
            db().commit()
            refresh_people_index()
            flash(f"Your profile in {community.name} is saved.")
            return redirect(url_for("people.edit_profile", slug=community.slug))
    return render_template(
        "people/profile.html", community=community, form=form, current=current, empty=EmptyForm()
    )


@blueprint.post("/c/<slug>/profile/remove")
@signin_required
def delete_profile(slug: str) -> Response:
    community = community_or_404(slug)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if remove_profile(db(), required_user().id, community.id):
        db().commit()
        refresh_people_index()
        flash(f"Your profile in {community.name} is deleted.")
    return redirect(url_for("people.edit_profile", slug=community.slug))


def people_request(args: MultiDict[str, str]) -> PeopleRequest:
    """The People search's URL parameters (the page's and GET /api/people's), cut to size."""
    page = args.get("page", "1")
    return PeopleRequest(
        text=args.get("q", "")[:200],
        community=args.get("community", "")[:80],
        organisation_key=args.get("org", "")[:200],
        location=args.get("location", "")[:200],
        topic=args.get("topic", "")[:200],
        page=min(int(page), MAX_PAGE) if page.isdigit() and int(page) > 0 else 1,
    )


@blueprint.get("/people")
@signin_required
def people_search() -> tuple[str, int] | str:
    """The People scope of the search: fellow members by name, organisation, role, place,
    topic and community."""
    user = required_user()
    asked = people_request(request.args)
    app_services = services()
    try:
        results = search_people(
            app_services.search_client, app_services.settings, current_viewer(), asked
        )
    except SearchUnavailable:
        return render_template("unavailable.html", request_=None, scope=None), 503
    return render_template(
        "people/search.html",
        request_=asked,
        results=results,
        people=visible_people(db(), user.id, results.ids),
        names=current_catalog_view().names,
        facet_names=PEOPLE_FACETS,
        member_of=current_viewer().member_of,
    )


@blueprint.get("/org/<key>")
@signin_required
def organisation_page(key: str) -> tuple[str, int] | str:
    """An organisation's open jobs, upcoming events and the fellow members there."""
    key = load_resolver(db()).canonical(organisation_key(key[:200])) or abort(404)
    viewer, app_services = current_viewer(), services()
    try:
        listings = search(
            app_services.search_client,
            app_services.index_names,
            SearchRequest(organisation_keys=(key,), size=20),
            viewer,
        )
    except SearchUnavailable:
        return render_template("unavailable.html", request_=None, scope=None), 503
    name = next((hit.organisation for hit in listings.hits if hit.organisation), "")
    paths = warm_paths_for({key})
    return render_template(
        "people/organisation.html",
        key=key,
        name=name or key,
        listings=listings,
        path=paths.get(key),
        following=is_following(db(), required_user().id, key),
        empty=EmptyForm(),
    )


@blueprint.post("/org/<key>/follow")
@signin_required
def follow_organisation(key: str) -> Response:
    """Follow (or, with `stop`, unfollow) an organisation: new fellow members there by mail."""
    key = load_resolver(db()).canonical(organisation_key(key[:200])) or abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if request.form.get("stop"):
        unfollow(db(), required_user().id, key)
        flash("You no longer follow it.")
    else:
        follow(db(), required_user().id, key)
        flash("Followed: new fellow members listed there will come by e-mail.")
    db().commit()
    return redirect(url_for("people.organisation_page", key=key))


@blueprint.get("/account/member-data.json")
@signin_required
def member_data_export() -> Response:
    """Everything Mutual holds about the signed-in person as a member, as a JSON download."""
    body = json.dumps(member_data(db(), required_user().id), indent=2, ensure_ascii=False)
    response = Response(body, mimetype="application/json")
    response.headers["Content-Disposition"] = 'attachment; filename="mutual-member-data.json"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@blueprint.post("/account/member-data/delete")
@signin_required
def member_data_delete() -> Response:
    if not EmptyForm().validate_on_submit():
        abort(400)
    removed = delete_member_data(db(), required_user().id)
    db().commit()
    refresh_people_index()
    flash(f"Deleted {removed} records: your profiles, claimed entries and introductions.")
    return redirect(url_for("accounts.account"))
