"""Asking a fellow member for an introduction, and both sides' history of requests.

The ask page answers 404 for anyone who may not see the person (an anonymous visitor, an
outsider, a former member), exactly as for no person, so nothing is learned from it. The mail's
one-click links show a button that posts: a mail scanner following links answers nothing. The
recipient's address appears on no page of the asker's; the mail goes to it directly.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from email.message import EmailMessage
from typing import Any

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, url_for
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from alerts.introduction_mail import IntroductionLinks, asker_name, compose_introduction
from alerts.mail import MailFailed, MailNotConfigured, check_configured, send
from catalog.accounts import get_user
from catalog.introductions import (
    MAX_NOTE,
    NOT_NOW,
    REPLIED,
    IntroductionError,
    answer_received,
    ask_for_introduction,
    block,
    by_token,
    check_may_ask,
    history,
    new_answer_token,
    received_request,
    report,
    withdraw,
)
from catalog.models.introductions import IntroductionRequest
from catalog.models.people import Person
from catalog.people import profile, visible_people
from ground.settings import Settings
from webapp.account_mail import SENDER_KEY
from webapp.db import db
from webapp.forms import EmptyForm
from webapp.login import required_user, signed_in_user, signin_required
from webapp.public_links import public_url_for
from webapp.services import services

blueprint = Blueprint("introductions", __name__)
log = logging.getLogger("webapp.mail")

# How each side sees a request's state; "not now" reads politely to the asker.
ASKED_STATUS = {
    "open": "Waiting for an answer",
    "replied": "They replied: look for their e-mail",
    "not_now": "They can't help right now",
    "withdrawn": "You withdrew it",
}
RECEIVED_STATUS = {
    "open": "Waiting for your answer",
    "replied": "You replied",
    "not_now": "You said not now",
    "withdrawn": "They withdrew it",
}


class IntroductionForm(FlaskForm):
    note = TextAreaField(
        "Your note: who you are, and what you would like to ask",
        validators=[DataRequired(), Length(max=MAX_NOTE)],
    )


class ReportForm(FlaskForm):
    reason = TextAreaField("What was wrong with it (for the site's operator)", [Length(max=2000)])


def _visible_person(person_id: int) -> Person:
    """The person, for a viewer allowed to see them; 404 otherwise, as for no person."""
    user = signed_in_user()
    found = visible_people(db(), user.id if user else None, [person_id])
    if not found:
        abort(404)
    return found[0]


def _mail_configured() -> bool:
    try:
        check_configured(services().settings)
    except MailNotConfigured:
        return False
    return True


def _closed_reason(person: Person) -> str:
    try:
        check_may_ask(db(), required_user().id, person)
    except IntroductionError as exc:
        return str(exc)
    return ""


@blueprint.route("/people/<int:person_id>/introduce", methods=["GET", "POST"])
def ask(person_id: int) -> Any:
    person = _visible_person(person_id)
    closed = _closed_reason(person)
    page = {"person": person, "community": person.community}
    if closed:
        return render_template("introductions/ask.html", closed=closed, **page)
    if not _mail_configured():
        return render_template("introductions/ask.html", no_mail=True, **page), 503
    form = IntroductionForm()
    if not form.validate_on_submit():
        return render_template("introductions/ask.html", form=form, **page)
    token = new_answer_token()
    try:
        request = ask_for_introduction(
            db(),
            required_user().id,
            person.id,
            form.note.data or "",
            per_day=services().settings.introductions_per_day,
            token=token,
        )
    except IntroductionError as exc:
        form.note.errors = [str(exc)]
        return render_template("introductions/ask.html", form=form, **page), 400
    db().commit()
    _mail_request(request, token)
    flash(f"Your request was sent to {person.display_name}. Their answer will come by e-mail.")
    return redirect(url_for("introductions.requests"))


def _mail_request(request: IntroductionRequest, token: str) -> None:
    session = db()
    asker = get_user(session, request.asker_user_id)
    recipient = get_user(session, request.recipient_user_id)
    links = IntroductionLinks(
        not_now_url=public_url_for("introductions.not_now", token=token),
        block_url=public_url_for("introductions.block_by_link", token=token),
        history_url=public_url_for("introductions.requests"),
    )
    asker_profile = profile(session, asker.id, request.community_id)
    settings = services().settings
    message = compose_introduction(settings, request, (asker, recipient), asker_profile, links)
    sender: ThreadPoolExecutor = current_app.extensions[SENDER_KEY]
    sender.submit(_send_logged, settings, message, g.get("request_id", ""))


def _send_logged(settings: Settings, message: EmailMessage, request_id: str) -> None:
    # Off the request, like the account mails: a failure goes to the operator's log only.
    try:
        send(settings, message)
    except (MailNotConfigured, MailFailed) as exc:
        log.error("could not send an introduction: %s", exc, extra={"request_id": request_id})
    except Exception:  # in a thread, an error would otherwise vanish into its future
        log.exception("could not send an introduction", extra={"request_id": request_id})


@blueprint.get("/introductions")
@signin_required
def requests() -> str:
    user = required_user()
    asked, received = history(db(), user.id)
    askers = {r.id: _asker_card(r) for r in received}
    return render_template(
        "introductions/history.html",
        asked=asked,
        received=received,
        askers=askers,
        asked_status=ASKED_STATUS,
        received_status=RECEIVED_STATUS,
        empty=EmptyForm(),
        report_form=ReportForm(),
    )


def _asker_card(request: IntroductionRequest) -> dict[str, str]:
    """What the recipient sees of the asker: their profile there, and the address they agreed
    to share by asking."""
    asker = get_user(db(), request.asker_user_id)
    card = profile(db(), asker.id, request.community_id)
    return {
        "name": asker_name(asker, card),
        "headline": card.headline if card else "",
        "organisation": card.organisation if card else "",
        "role": card.role if card else "",
        "email": asker.email,
    }


def _received_action(request_id: int, action: str) -> Response:
    """One of the recipient's buttons on their history page."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    user_id = required_user().id
    try:
        if action in (REPLIED, NOT_NOW):
            answer_received(db(), user_id, request_id, action)
        else:
            block(db(), user_id, received_request(db(), user_id, request_id).asker_user_id)
    except IntroductionError as exc:
        flash(str(exc))
        return redirect(url_for("introductions.requests"))
    db().commit()
    flash("Done." if action != "block" else "Blocked: they cannot ask you again.")
    return redirect(url_for("introductions.requests"))


@blueprint.post("/introductions/<int:request_id>/replied")
@signin_required
def mark_replied(request_id: int) -> Response:
    return _received_action(request_id, REPLIED)


@blueprint.post("/introductions/<int:request_id>/not-now")
@signin_required
def mark_not_now(request_id: int) -> Response:
    return _received_action(request_id, NOT_NOW)


@blueprint.post("/introductions/<int:request_id>/block")
@signin_required
def block_asker(request_id: int) -> Response:
    return _received_action(request_id, "block")


@blueprint.post("/introductions/<int:request_id>/report")
@signin_required
def report_asker(request_id: int) -> Response:
    form = ReportForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        report(db(), required_user().id, request_id, form.reason.data or "")
    except IntroductionError as exc:
        flash(str(exc))
        return redirect(url_for("introductions.requests"))
    db().commit()
    flash("Reported to the site's operator, and blocked: they cannot ask you again.")
    return redirect(url_for("introductions.requests"))


@blueprint.post("/introductions/<int:request_id>/withdraw")
@signin_required
def withdraw_request(request_id: int) -> Response:
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        withdraw(db(), required_user().id, request_id)
    except IntroductionError as exc:
        flash(str(exc))
    else:
        db().commit()
        flash("Withdrawn.")
    return redirect(url_for("introductions.requests"))


def _by_link(token: str, action: str) -> Any:
    """The mail's one-click links: a page with a button; pressing it acts."""
    request = by_token(db(), token)
    if request is None:
        return render_template("introductions/link.html", invalid=True), 404
    form = EmptyForm()
    page = {"action": action, "asker": _asker_card(request)["name"], "form": form}
    if not form.validate_on_submit():
        return render_template("introductions/link.html", **page)
    if action == "block":
        block(db(), request.recipient_user_id, request.asker_user_id)
    elif request.status == "open":
        answer_received(db(), request.recipient_user_id, request.id, NOT_NOW)
    db().commit()
    return render_template("introductions/link.html", done=True, **page)


@blueprint.route("/introductions/answer/<token>", methods=["GET", "POST"])
def not_now(token: str) -> Any:
    return _by_link(token, NOT_NOW)


@blueprint.route("/introductions/block/<token>", methods=["GET", "POST"])
def block_by_link(token: str) -> Any:
    return _by_link(token, "block")
