"""Saved searches at /alerts: save one from the search page, list, edit, pause, delete, see
recent matches and failed deliveries, get private feed addresses; and the one-click unsubscribe
link of alert e-mails (RFC 8058), which works without a session or a CSRF token."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from alerts.alert_mail import read_unsubscribe_token
from alerts.matching import visible_hits
from alerts.outbox import recent_matches, troubled_deliveries
from alerts.webhooks import (
    WebhookFailed,
    check_webhook_url,
    is_legacy_secret,
    new_webhook_secret,
    standard_secret,
)
from catalog.models.saved_searches import AlertMatch, SavedSearch
from catalog.saved_searches import (
    SavedSearchInvalid,
    UnknownSavedSearch,
    add_saved_search,
    check_frequency,
    clean_query,
    has_calendar,
    list_saved_searches,
    new_calendar_token,
    new_feed_token,
    owned_search,
)
from indexer.client import SearchUnavailable
from indexer.hits import Hit
from webapp.alert_forms import SavedSearchForm, SaveSearchForm
from webapp.db import db
from webapp.forms import EmptyForm
from webapp.login import current_viewer, required_user, signin_required
from webapp.public_links import public_url_for
from webapp.services import services

blueprint = Blueprint("alerts", __name__)


def exempt_unsubscribe_from_csrf(app: Flask) -> None:
    """Mail clients post the one-click unsubscribe with no cookie and no token (RFC 8058):
    this one endpoint is exempt; its signed token is its protection."""
    app.extensions["csrf"].exempt(unsubscribe)


def _owned(search_id: int) -> SavedSearch:
    try:
        return owned_search(db(), required_user().id, search_id)
    except UnknownSavedSearch:
        abort(404)


def _feed_links(token: str) -> str:
    atom = public_url_for("feeds.saved_search_atom", token=token)
    ics = public_url_for("feeds.saved_search_calendar", token=token)
    return f"Your private feed: {atom} and calendar: {ics} (keep them to yourself)."


def _matches(searches: list[SavedSearch]) -> dict[int, list[Hit]]:
    """Recent matches of each search that the person may still see."""
    found = {s.id: recent_matches(db(), s.id) for s in searches}
    ids = [match.item_id for matches in found.values() for match in matches]
    app = services()
    try:
        visible = visible_hits(app.search_client, app.index_names, current_viewer(), ids)
    except SearchUnavailable:
        visible = {}
    return {sid: _shown(matches, visible) for sid, matches in found.items()}


def _shown(matches: list[AlertMatch], visible: dict[str, Hit]) -> list[Hit]:
    return [visible[m.item_id] for m in matches if m.item_id in visible]


@blueprint.get("/alerts")
@signin_required
def alerts_view() -> str:
    user = required_user()
    searches = list_saved_searches(db(), user.id)
    return render_template(
        "alerts.html",
        searches=searches,
        matches=_matches(searches),
        troubles=troubled_deliveries(db(), user.id),
        names={saved.id: saved.name for saved in searches},
        has_calendar=has_calendar(db(), user.id),
        empty=EmptyForm(),
    )


@blueprint.post("/alerts/save")
@signin_required
def save_search() -> Response:
    form = SaveSearchForm()
    if not form.validate_on_submit():
        flash("Give the search a name to save it.")
        return redirect(url_for("search.search_view"))
    try:
        check_frequency(form.frequency.data or "")
        saved = add_saved_search(
            db(),
            required_user().id,
            form.name.data or "",
            form.query.data or "",
            form.frequency.data or "instant",
        )
    except SavedSearchInvalid as exc:
        flash(str(exc))
        return redirect(url_for("search.search_view"))
    token = new_feed_token(saved)
    db().commit()
    flash(f"Saved “{saved.name}”: you will hear about new matches. {_feed_links(token)}")
    return redirect(url_for("alerts.alerts_view"))


def _apply(form: SavedSearchForm, saved: SavedSearch) -> str | None:
    """Copy the form into the search; an error message when a value cannot be used."""
    webhook_url = (form.webhook_url.data or "").strip()
    try:
        check_frequency(form.frequency.data or "")
        query = clean_query(form.query.data or "")
        if webhook_url:
            check_webhook_url(webhook_url, services().settings.crawl_allow_loopback)
    except (SavedSearchInvalid, WebhookFailed) as exc:
        return str(exc)
    saved.name, saved.query = (form.name.data or saved.name).strip()[:200], query
    saved.frequency, saved.email = form.frequency.data or "instant", bool(form.email.data)
    if webhook_url and not saved.webhook_secret:
        saved.webhook_secret = new_webhook_secret()
    saved.webhook_url = webhook_url
    return None


@blueprint.route("/alerts/<int:search_id>", methods=["GET", "POST"])
@signin_required
def edit_search(search_id: int) -> Any:
    saved = _owned(search_id)
    form = SavedSearchForm(obj=saved)
    if form.validate_on_submit():
        error = _apply(form, saved)
        if error is None:
            db().commit()
            flash(f"Saved “{saved.name}”.")
            return redirect(url_for("alerts.alerts_view"))
        form.webhook_url.errors = [error]
    return render_template(
        "alert_edit.html",
        saved=saved,
        form=form,
        empty=EmptyForm(),
        # A secret from before Standard Webhooks is shown in its form too: the same key.
        webhook_secret=standard_secret(saved.webhook_secret),
        legacy_secret=is_legacy_secret(saved.webhook_secret),
    )


@blueprint.post("/alerts/<int:search_id>/pause")
@signin_required
def toggle_pause(search_id: int) -> Response:
    saved = _owned(search_id)
    if EmptyForm().validate_on_submit():
        saved.paused = not saved.paused
        db().commit()
        flash(f"{'Paused' if saved.paused else 'Resumed'} “{saved.name}”.")
    return redirect(url_for("alerts.alerts_view"))


@blueprint.post("/alerts/<int:search_id>/delete")
@signin_required
def delete_search(search_id: int) -> Response:
    saved = _owned(search_id)
    if EmptyForm().validate_on_submit():
        db().delete(saved)
        db().commit()
        flash(f"Deleted “{saved.name}”.")
    return redirect(url_for("alerts.alerts_view"))


@blueprint.post("/alerts/<int:search_id>/feed")
@signin_required
def regenerate_feed(search_id: int) -> Response:
    saved = _owned(search_id)
    if EmptyForm().validate_on_submit():
        token = new_feed_token(saved)
        db().commit()
        flash(f"New feed address; the old one no longer works. {_feed_links(token)}")
    return redirect(url_for("alerts.alerts_view"))


@blueprint.post("/alerts/calendar")
@signin_required
def regenerate_calendar() -> Response:
    if EmptyForm().validate_on_submit():
        token = new_calendar_token(db(), required_user().id)
        db().commit()
        link = public_url_for("feeds.upcoming_calendar", token=token)
        flash(f"Your calendar of your communities' events: {link} (any older address is off).")
    return redirect(url_for("alerts.alerts_view"))


def _unsubscribe_target(token: str) -> SavedSearch:
    found = read_unsubscribe_token(services().settings, token)
    saved = db().get(SavedSearch, found[0]) if found else None
    if found is None or saved is None or saved.user_id != found[1]:
        abort(404)
    return saved


@blueprint.route("/alerts/unsubscribe/<token>", methods=["GET", "POST"])
def unsubscribe(token: str) -> Any:
    """GET shows a confirmation only (link scanners follow GETs); POST unsubscribes."""
    saved = _unsubscribe_target(token)
    if request.method == "GET":
        return render_template("unsubscribe.html", saved=saved, done=False)
    saved.email = False
    db().commit()
    return render_template("unsubscribe.html", saved=saved, done=True)
