"""Forms of the saved-search pages (Flask-WTF: each carries and checks a CSRF token)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

FREQUENCY_CHOICES = {
    "instant": "As soon as they appear",
    "daily": "Daily digest",
    "weekly": "Weekly digest",
}


class SaveSearchForm(FlaskForm):
    """The search page's "save this search" form (webapp/templates/_save_search.html)."""

    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    query = HiddenField(validators=[Length(max=4000)])
    frequency = SelectField("E-mail me", choices=FREQUENCY_CHOICES, default="instant")


class SavedSearchForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    query = StringField("Search (the search page's address after the ?)", [Length(max=2000)])
    frequency = SelectField("E-mail me", choices=FREQUENCY_CHOICES)
    email = BooleanField("Send e-mails")
    webhook_url = StringField(
        "Webhook address (POST, JSON, signed)", validators=[Optional(), Length(max=2000)]
    )
