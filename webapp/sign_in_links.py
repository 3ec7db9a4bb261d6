"""E-mailed one-time sign-in links: how the owner of an address gets in while sign-in from their
client is locked (catalog/sign_in_limits.py), whoever caused the lock.

A link is signed (itsdangerous, with the app's secret key), works for MUTUAL_SIGN_IN_LINK_MINUTES
and only once: it carries the tail of the password hash (a password change voids it) and its
signed time, and using one marks every link made before it as used. Asking answers the same
whether or not the address has an account, and mails at most a few links per address per window.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import Blueprint, current_app, redirect, render_template, request
from flask_login import login_user
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.wrappers import Response

from alerts.mail import MailNotConfigured, check_configured
from catalog.accounts import UnknownUser, find_user, get_user, start_session
from catalog.models.accounts import User
from catalog.sign_in_limits import (
    SignInLimit,
    address_of,
    clear_after_sign_in,
    locked_until,
    mark_sign_in_link_used,
    record_failure,
    sign_in_link_used_at,
)
from webapp.account_mail import send_later
from webapp.db import db
from webapp.forms import EmptyForm, ForgotPasswordForm, SignInForm
from webapp.login import SignedIn
from webapp.public_links import public_url_for
from webapp.redirect_targets import next_page
from webapp.services import services
from webapp.sign_in_guard import keys_for

blueprint = Blueprint("sign_in_links", __name__)

LINK_SALT = "mutual-sign-in-link"
# Links mailed to one address per window: enough for a lost mail, too few to flood a mailbox.
MAILS_PER_WINDOW = 3


def _mail_configured() -> bool:
    try:
        check_configured(services().settings)
    except MailNotConfigured:
        return False
    return True


def locked_page(form: SignInForm) -> tuple[str, int]:
    """The sign-in page refusing this client: with mail, it offers a link. The same for every
    address, so it tells nothing about which have an account."""
    minutes = services().settings.sign_in_lockout_minutes
    mail = _mail_configured()
    later = f"Too many failed sign-ins. Try again in up to {minutes} minutes"
    then = ", or have a sign-in link e-mailed to you." if mail else ", or ask the operator."
    form.password.errors = [later + then]
    link_form = ForgotPasswordForm(formdata=None, email=form.email.data) if mail else None
    return render_template("signin.html", form=form, locked=True, link_form=link_form), 429


@blueprint.route("/signin/link", methods=["GET", "POST"])
def ask() -> Any:
    form = ForgotPasswordForm()
    if not _mail_configured():
        # Not set up at all: the same for every address, so saying so tells nothing.
        return render_template("sign_in_link.html", form=form, no_mail=True), 503
    if not form.validate_on_submit():
        return render_template("sign_in_link.html", form=form)
    address = address_of(form.email.data or "")
    # Counted (and looked up) for unknown addresses too, so both take the same work.
    if _may_mail(address) and (user := find_user(db(), address)) is not None:
        _mail_link(user)
    db().commit()
    return render_template("sign_in_link.html", form=form, sent=True)


def _link_window() -> timedelta:
    return timedelta(minutes=services().settings.sign_in_link_minutes)


def _may_mail(address: str) -> bool:
    key = f"link-mail:{address}"
    if locked_until(db(), key):
        return False
    window = _link_window()
    record_failure(db(), key, SignInLimit(MAILS_PER_WINDOW, window, window))
    return True


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key or "", salt=LINK_SALT)


def _mail_link(user: User) -> None:
    data = {"u": user.id, "h": user.password_hash[-16:], "c": str(request.remote_addr)}
    link = public_url_for("sign_in_links.use", token=_serializer().dumps(data))
    send_later(user.email, "Sign in to Mutual", sign_in_link_text(link, _link_window()))


def sign_in_link_text(link: str, window: timedelta) -> str:
    minutes = int(window.total_seconds() // 60)
    return (
        "Someone (hopefully you) asked for a link to sign in to your Mutual account, "
        "perhaps because sign-in was locked after failed attempts.\n\n"
        f"Sign in here within {minutes} minutes (the link works once):\n{link}\n\n"
        "If you did not ask, ignore this message; someone may be guessing your password, "
        "so choose a strong one.\n"
    )


@blueprint.route("/signin/link/<token>", methods=["GET", "POST"])
def use(token: str) -> Any:
    """The mailed link's page. Signing in takes a press of its button: a mail scanner that
    fetches links must not use this one up."""
    found = _link_user(token)
    if found is None:
        return render_template("sign_in_link.html", invalid=True), 400
    form = EmptyForm()
    if not form.validate_on_submit():
        return render_template("sign_in_link.html", use_form=form, email=found[0].email)
    return _sign_in_by_link(*found)


def _sign_in_by_link(user: User, asked_from: str) -> Response:
    session = db()
    mark_sign_in_link_used(session, user.id)
    # The pair that asked is the one locked; the link may be opened on another device.
    clear_after_sign_in(session, keys_for(user.email, asked_from))
    clear_after_sign_in(session, keys_for(user.email))
    token = start_session(session, user)
    session.commit()
    login_user(SignedIn(user, token))
    return redirect(next_page(None))


def _link_user(token: str) -> tuple[User, str] | None:
    """The user a valid, unused link signs in, and the client that asked for it."""
    max_age = int(_link_window().total_seconds())
    try:
        data, signed_at = _serializer().loads(token[:500], max_age=max_age, return_timestamp=True)
        user = get_user(db(), int(data["u"]))
    except (BadSignature, KeyError, TypeError, ValueError, UnknownUser):
        return None
    if user.password_hash[-16:] != data.get("h") or not _unused(user, signed_at):
        return None
    return user, str(data.get("c", ""))


def _unused(user: User, signed_at: datetime) -> bool:
    used_at = sign_in_link_used_at(db(), user.id)
    return used_at is None or signed_at > used_at
