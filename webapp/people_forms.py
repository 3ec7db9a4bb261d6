"""The member profile form (Flask-WTF: it carries and checks a CSRF token)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from catalog.people import CONSENTS, INTRODUCTIONS, LISTED, UNLISTED

CONSENT_LABELS = {
    UNLISTED: "Not listed: no fellow member sees this profile",
    LISTED: "Listed for fellow members of this community",
    INTRODUCTIONS: "Listed, and open to introduction requests",
}


class ProfileForm(FlaskForm):
    display_name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    headline = StringField("Headline", validators=[Length(max=300)])
    organisation = StringField("Where you work now", validators=[Length(max=300)])
    role = StringField("Your role there", validators=[Length(max=200)])
    past_organisations = StringField(
        "Where you worked before (separated by commas)", validators=[Length(max=2000)]
    )
    location = StringField("Where you are", validators=[Length(max=200)])
    topics = StringField("I can help with (separated by commas)", validators=[Length(max=2000)])
    consent = RadioField(
        "Who sees it", choices=[(c, CONSENT_LABELS[c]) for c in CONSENTS], default=UNLISTED
    )
    save = SubmitField("Save profile")


def split_list(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())
