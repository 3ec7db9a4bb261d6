"""Forms of the community management pages (Flask-WTF: each carries and checks a CSRF token).

Select choices are {value: label} dicts, the form WTForms 3.3 keeps (it deprecates tuples).
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import URL, DataRequired, Length, NumberRange, Optional

from catalog.memberships import JOIN_POLICIES, VISIBILITIES
from catalog.sources import ACCESS_LEVELS, ITEM_KINDS, SOURCE_KINDS

VISIBILITY_LABELS = {"public": "Public: listed for everyone", "private": "Private: members only"}
JOIN_LABELS = {
    "open": "Open: anyone joins with one click",
    "approval": "Approval: an admin approves each request",
    "invite": "Invitation: only with an invitation link",
}
ACCESS_LABELS = {"public": "Everyone", "members": "Members only"}


class InvitationForm(FlaskForm):
    days = IntegerField("Valid for (days)", default=14, validators=[NumberRange(1, 365)])
    max_uses = IntegerField("Number of people", default=1, validators=[NumberRange(1, 10000)])


class CommunitySettingsForm(FlaskForm):
    description = TextAreaField("Description", validators=[Length(max=2000)])
    homepage = StringField("Home page", validators=[Optional(), URL(), Length(max=2000)])
    visibility = SelectField("Visibility", choices={v: VISIBILITY_LABELS[v] for v in VISIBILITIES})
    join_policy = SelectField("How people join", choices={p: JOIN_LABELS[p] for p in JOIN_POLICIES})


class SourceForm(FlaskForm):
    url = StringField(
        "Address (URL)",
        validators=[DataRequired(), URL(require_tld=False), Length(max=2000)],
    )
    kind = SelectField(
        "Kind",
        choices={"auto": "Find out (auto-detect)", **{k: k for k in SOURCE_KINDS}},
        default="auto",
    )
    item_kind = SelectField(
        "Its entries are",
        choices={"auto": "As detected (else jobs)", **{k: f"{k}s" for k in ITEM_KINDS}},
        default="auto",
    )
    access = SelectField("Who sees its items", choices={a: ACCESS_LABELS[a] for a in ACCESS_LEVELS})
    title = StringField("Name (optional)", validators=[Length(max=500)])
    test = SubmitField("Test fetch")
    add = SubmitField("Add source")


class OpmlUploadForm(FlaskForm):
    opml = FileField("OPML file", validators=[FileRequired()])
    opml_item_kind = SelectField("Its feeds' entries are", choices={k: f"{k}s" for k in ITEM_KINDS})


class ManifestUploadForm(FlaskForm):
    manifest = FileField("Manifest (TOML)", validators=[FileRequired()])


class RosterUploadForm(FlaskForm):
    roster = FileField("Roster file (CSV or vCard)", validators=[FileRequired()])
    directory_name = StringField(
        "Directory name",
        default="roster",
        validators=[DataRequired(), Length(max=200)],
        description="Uploading under the same name again replaces that directory's entries.",
    )
