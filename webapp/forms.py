"""The web app's forms (Flask-WTF: every form carries and checks a CSRF token)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField, TextAreaField
from wtforms.validators import URL, DataRequired, EqualTo, Length, Optional

from catalog.accounts import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH

PASSWORD_LENGTH = Length(
    min=MIN_PASSWORD_LENGTH,
    max=MAX_PASSWORD_LENGTH,
    message=f"Use at least {MIN_PASSWORD_LENGTH} characters (at most {MAX_PASSWORD_LENGTH}).",
)


class SignUpForm(FlaskForm):
    """The address (proved by the link mailed to it) and a name; the password comes after."""

    email = EmailField("E-mail", validators=[DataRequired(), Length(max=320)])
    display_name = StringField("Your name (shown to community admins)", [Length(max=200)])


class FinishSignUpForm(FlaskForm):
    password = PasswordField("Password", validators=[DataRequired(), PASSWORD_LENGTH])
    confirm = PasswordField(
        "Password again", validators=[DataRequired(), EqualTo("password", "Passwords differ.")]
    )


class SignInForm(FlaskForm):
    email = EmailField("E-mail", validators=[DataRequired(), Length(max=320)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=1000)])


def revoke_feeds_box() -> BooleanField:
    """Offered wherever a session may have been stolen: feed addresses work without one."""
    return BooleanField("Also end my private feed addresses (Atom and calendar)", default=True)


class ChangePasswordForm(FlaskForm):
    current = PasswordField("Current password", validators=[DataRequired(), Length(max=1000)])
    password = PasswordField("New password", validators=[DataRequired(), PASSWORD_LENGTH])
    confirm = PasswordField(
        "New password again",
        validators=[DataRequired(), EqualTo("password", "Passwords differ.")],
    )
    revoke_feeds = revoke_feeds_box()


class SignOutEverywhereForm(FlaskForm):
    revoke_feeds = revoke_feeds_box()


class ForgotPasswordForm(FlaskForm):
    email = EmailField("E-mail", validators=[DataRequired(), Length(max=320)])


class ResetPasswordForm(FlaskForm):
    password = PasswordField("New password", validators=[DataRequired(), PASSWORD_LENGTH])
    confirm = PasswordField(
        "New password again",
        validators=[DataRequired(), EqualTo("password", "Passwords differ.")],
    )
    revoke_feeds = revoke_feeds_box()


class EmptyForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


class CommunityForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    slug = StringField("Short id (in addresses)", validators=[Optional(), Length(max=80)])
    description = TextAreaField("Description", validators=[Length(max=2000)])
    homepage = StringField("Home page", validators=[Optional(), URL(), Length(max=2000)])
    private = BooleanField("Private (only members see that it exists)")
