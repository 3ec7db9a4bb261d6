"""Signing up, in and out; changing and resetting a password."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.wrappers import Response

from alerts.mail import MailNotConfigured, check_configured
from catalog.accounts import (
    AccountError,
    UnknownUser,
    add_user,
    authenticate,
    end_all_sessions,
    end_session,
    find_user,
    get_user,
    normalise_email,
    set_password,
    start_session,
    verify_password,
)
from catalog.memberships import InvitationInvalid, find_invitation
from catalog.models.accounts import User
from catalog.saved_searches import private_feeds, revoke_private_feeds
from catalog.sign_in_limits import clear_after_sign_in, count_sign_in_failure, is_locked
from webapp.account_mail import already_registered_text, reset_text, send_later, sign_up_text
from webapp.db import db
from webapp.forms import (
    ChangePasswordForm,
    EmptyForm,
    FinishSignUpForm,
    ForgotPasswordForm,
    ResetPasswordForm,
    SignInForm,
    SignOutEverywhereForm,
    SignUpForm,
)
from webapp.login import SignedIn, required_user, signed_in_user, signin_required
from webapp.public_links import public_url_for
from webapp.redirect_targets import next_page
from webapp.services import services
from webapp.sign_in_guard import keys_for, pair_limit
from webapp.sign_in_links import locked_page

blueprint = Blueprint("accounts", __name__)

RESET_SALT = "mutual-password-reset"
SIGN_UP_SALT = "mutual-sign-up"
# Reset and sign-up links both work for two hours.
LINK_MAX_AGE = 2 * 3600


def _sign_in(user: User) -> None:
    token = start_session(db(), user)
    db().commit()
    login_user(SignedIn(user, token))


@dataclass(frozen=True)
class SignUpRequest:
    """What a sign-up link carries: the address it was mailed to, the name given, and the
    invitation it came through ("" for none)."""

    email: str
    name: str
    invitation: str


@blueprint.route("/signup", methods=["GET", "POST"])
def sign_up() -> Any:
    # Invitation tokens are short; a longer value is no invitation, and must not bloat the mail.
    invitation = request.args.get("invitation", "")[:200]
    refused = _sign_up_closed(invitation) or _no_mail()
    if refused is not None:
        return refused
    form = SignUpForm()
    if form.validate_on_submit():
        try:
            address = normalise_email(form.email.data or "")
        except AccountError as exc:
            form.email.errors = [str(exc)]
        else:
            _mail_sign_up(SignUpRequest(address, form.display_name.data or "", invitation))
            # The same page whether or not the address has an account: only its owner, by
            # mail, learns which.
            return render_template("signup.html", form=form, sent=True)
    return render_template("signup.html", form=form, invitation=invitation)


def _sign_up_closed(invitation: str) -> tuple[str, int] | None:
    """The page refusing sign-up to this request, or None when it may sign up."""
    mode = services().settings.signup_mode
    if mode == "closed" or (mode == "invite" and not _invitation_usable(invitation)):
        return render_template("signup_closed.html", mode=mode), 403
    return None


def _no_mail() -> tuple[str, int] | None:
    """The page saying sign-up cannot mail its link, or None when it can."""
    try:
        check_configured(services().settings)
    except MailNotConfigured as exc:
        # Sign-up proves the address by mail. Not set up at all is the same for every
        # address, so saying so tells nothing about any account.
        return render_template("signup_closed.html", mode="no-mail", error=str(exc)), 503
    return None


def _mail_sign_up(asked: SignUpRequest) -> None:
    """A link to finish for a new address; for one that has an account, a note to its owner."""
    if find_user(db(), asked.email) is None:
        link = public_url_for("accounts.finish_sign_up", token=_sign_up_token(asked))
        send_later(asked.email, "Finish creating your Mutual account", sign_up_text(link))
        return
    then = {"next": url_for("communities.accept", token=asked.invitation)}
    sign_in_link = public_url_for("accounts.sign_in", **(then if asked.invitation else {}))
    text = already_registered_text(sign_in_link, public_url_for("accounts.forgot_password"))
    send_later(asked.email, "Your Mutual account", text)


@blueprint.route("/signup/finish/<token>", methods=["GET", "POST"])
def finish_sign_up(token: str) -> Any:
    """The mailed link's page: the password chosen, the account is made and signed in."""
    asked = _sign_up_request(token)
    if asked is None or find_user(db(), asked.email) is not None:
        return render_template("signup_finish.html", invalid=True), 400
    refused = _sign_up_closed(asked.invitation)
    if refused is not None:
        return refused
    form = FinishSignUpForm()
    if form.validate_on_submit():
        try:
            user = add_user(db(), asked.email, form.password.data or "", display_name=asked.name)
        except AccountError as exc:
            form.password.errors = [str(exc)]
        else:
            _sign_in(user)
            if asked.invitation:
                return redirect(url_for("communities.accept", token=asked.invitation))
            flash("Welcome to Mutual. Join your communities to search them.")
            return redirect(url_for("communities.directory"))
    return render_template("signup_finish.html", form=form, email=asked.email)


def _sign_up_token(asked: SignUpRequest) -> str:
    data = {"e": asked.email, "n": asked.name[:200], "i": asked.invitation}
    return _serializer(SIGN_UP_SALT).dumps(data)


def sign_up_link_path(asked: SignUpRequest) -> str:
    """The path of the link a sign-up mails (for tests that do not read the mail)."""
    return url_for("accounts.finish_sign_up", token=_sign_up_token(asked))


def _sign_up_request(token: str) -> SignUpRequest | None:
    try:
        data = _serializer(SIGN_UP_SALT).loads(token[:2000], max_age=LINK_MAX_AGE)
        return SignUpRequest(str(data["e"]), str(data["n"]), str(data["i"]))
    except (BadSignature, KeyError, TypeError):
        return None


def _invitation_usable(token: str) -> bool:
    if not token:
        return False
    try:
        find_invitation(db(), token)
    except InvitationInvalid:
        return False
    return True


@blueprint.route("/signin", methods=["GET", "POST"])
def sign_in() -> Any:
    form = SignInForm()
    if not form.validate_on_submit():
        return render_template("signin.html", form=form)
    keys = keys_for(form.email.data or "")
    session = db()
    if is_locked(session, keys):
        return locked_page(form)
    user = authenticate(session, form.email.data or "", form.password.data or "")
    if user is None:
        locked = count_sign_in_failure(session, keys, pair_limit())
        session.commit()
        if locked:
            return locked_page(form)
        form.password.errors = ["That e-mail and password do not match an account."]
        return render_template("signin.html", form=form), 401
    clear_after_sign_in(session, keys)
    _sign_in(user)
    return redirect(next_page(request.args.get("next")))


@blueprint.post("/signout")
def sign_out() -> Response:
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    if signed_in_user() is not None:
        end_session(db(), current_user.get_id())
        db().commit()
    logout_user()
    return redirect(url_for("search.search_view"))


@blueprint.route("/account", methods=["GET", "POST"])
@signin_required
def account() -> Any:
    form = ChangePasswordForm()
    user = required_user()
    if form.validate_on_submit():
        if not verify_password(db(), user, form.current.data or ""):
            form.current.errors = ["That is not your current password."]
        elif _new_password_set(form, user):
            ended = _end_feeds_if_asked(form, user)
            _sign_in(user)  # this browser stays signed in; every other one is signed out
            flash("Password changed. Every other browser signed in as you is signed out." + ended)
            return redirect(url_for("accounts.account"))
    return _account_page(form, user)


PasswordChange = ChangePasswordForm | ResetPasswordForm


def _account_page(form: ChangePasswordForm, user: User) -> str:
    return render_template(
        "account.html",
        form=form,
        user=user,
        empty=EmptyForm(),
        everywhere=SignOutEverywhereForm(),
        feeds=private_feeds(db(), user.id),
    )


def _end_feeds_if_asked(
    form: ChangePasswordForm | ResetPasswordForm | SignOutEverywhereForm, user: User
) -> str:
    """End the person's private feed addresses when the form's box is ticked (committed);
    returns what to add to the page's message."""
    if not form.revoke_feeds.data or not revoke_private_feeds(db(), user.id):
        return ""
    db().commit()
    return " Your private feed addresses are ended: save a search again for new ones."


@blueprint.post("/account/feeds/revoke")
@signin_required
def revoke_feeds() -> Response:
    """End every private feed address of the person, from the account page's list."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    count = revoke_private_feeds(db(), required_user().id)
    db().commit()
    flash(f"{count} private feed address{'es' if count != 1 else ''} ended.")
    return redirect(url_for("accounts.account"))


@blueprint.post("/account/signout-everywhere")
@signin_required
def sign_out_everywhere() -> Response:
    form = SignOutEverywhereForm()
    if not form.validate_on_submit():
        abort(400)
    user = required_user()
    ended = _end_feeds_if_asked(form, user)
    end_all_sessions(db(), user.id)
    db().commit()
    logout_user()
    flash("Signed out everywhere." + ended)
    return redirect(url_for("accounts.sign_in"))


def _new_password_set(form: ChangePasswordForm | ResetPasswordForm, user: User) -> bool:
    """Set the form's new password (committed), or say on the form why it cannot be."""
    try:
        set_password(db(), user, form.password.data or "")
    except AccountError as exc:
        form.password.errors = [str(exc)]
        return False
    db().commit()
    return True


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key or "", salt=salt)


def reset_token(user: User) -> str:
    # The hash's tail makes the token single-use: once the password changes, it no longer fits.
    return _serializer(RESET_SALT).dumps({"u": user.id, "h": user.password_hash[-16:]})


@blueprint.route("/password/forgot", methods=["GET", "POST"])
def forgot_password() -> Any:
    form = ForgotPasswordForm()
    if not form.validate_on_submit():
        return render_template("forgot.html", form=form)
    try:
        check_configured(services().settings)
    except MailNotConfigured as exc:
        # Not set up at all: the same for every address, so saying so tells nothing.
        return render_template("forgot.html", form=form, error=str(exc)), 503
    user = find_user(db(), form.email.data or "")
    if user is not None:
        link = public_url_for("accounts.reset_password", token=reset_token(user))
        send_later(user.email, "Reset your Mutual password", reset_text(link))
    # The same answer, as fast, whether or not the address has an account (the mail goes out
    # after it, and a failure is logged for the operator): no account discovery.
    return render_template("forgot.html", form=form, sent=True)


@blueprint.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str) -> Any:
    user = _user_for_reset(token)
    if user is None:
        return render_template("reset.html", invalid=True), 400
    form = ResetPasswordForm()
    if form.validate_on_submit() and _new_password_set(form, user):
        clear_after_sign_in(db(), keys_for(user.email))
        db().commit()
        ended = _end_feeds_if_asked(form, user)
        _sign_in(user)
        flash("Password changed. Every other browser signed in as you is signed out." + ended)
        return redirect(url_for("search.search_view"))
    return render_template("reset.html", form=form)


def _user_for_reset(token: str) -> User | None:
    try:
        data = _serializer(RESET_SALT).loads(token[:500], max_age=LINK_MAX_AGE)
        user = get_user(db(), int(data["u"]))
    except (BadSignature, KeyError, TypeError, ValueError, UnknownUser):
        return None
    return user if user.password_hash[-16:] == data.get("h") else None
