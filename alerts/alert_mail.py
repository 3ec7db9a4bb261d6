"""Alert e-mails: an HTML and a plain-text part, matches grouped by community, and RFC 8058
one-click unsubscribe through a signed link."""

from __future__ import annotations

from email.message import EmailMessage
from urllib.parse import urlsplit

from itsdangerous import BadSignature, URLSafeSerializer
from jinja2 import Environment, PackageLoader, select_autoescape

from alerts.mail import compose
from catalog.models.saved_searches import SavedSearch
from ground.secret_key import secret_key
from ground.settings import Settings
from indexer.hits import Hit

UNSUBSCRIBE_SALT = "mutual-alert-unsubscribe"
ELSEWHERE = "Public listings"  # items no community of the owner's carried (a public board)


def _serializer(settings: Settings) -> URLSafeSerializer:
    return URLSafeSerializer(secret_key(settings), salt=UNSUBSCRIBE_SALT)


def unsubscribe_token(settings: Settings, saved: SavedSearch) -> str:
    return str(_serializer(settings).dumps([saved.id, saved.user_id]))


def read_unsubscribe_token(settings: Settings, token: str) -> tuple[int, int] | None:
    """(saved search id, owner id) of a token `unsubscribe_token` made; None for a forgery."""
    try:
        value = _serializer(settings).loads(token[:500])
    except BadSignature:
        return None
    if not (isinstance(value, list) and len(value) == 2 and all(type(v) is int for v in value)):
        return None
    return value[0], value[1]


def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("alerts", "templates"),
        autoescape=select_autoescape(["html"]),
        keep_trailing_newline=True,
    )


def group_by_community(hits: list[Hit]) -> list[tuple[str, list[Hit]]]:
    """Hits under the first of the owner's communities that carried each, in first-seen order."""
    groups: dict[str, list[Hit]] = {}
    for hit in hits:
        groups.setdefault(hit.seen_in[0] if hit.seen_in else ELSEWHERE, []).append(hit)
    return sorted(groups.items(), key=lambda pair: (pair[0] == ELSEWHERE, pair[0].lower()))


def _subject(saved: SavedSearch, hits: list[Hit]) -> str:
    if saved.frequency != "instant":
        return f"Your {saved.frequency} digest for “{saved.name}”: {len(hits)} new"
    if len(hits) == 1:
        return f"New for “{saved.name}”: {hits[0].title[:120]}"
    return f"{len(hits)} new for “{saved.name}”"


def compose_alert(
    settings: Settings, saved: SavedSearch, to: str, hits: list[Hit], message_id: str
) -> EmailMessage:
    """The e-mail announcing `hits`; `message_id` is fixed per delivery, so a copy resent after
    a crash carries the same Message-ID and mail clients can fold the two."""
    base = settings.public_url.rstrip("/")
    unsubscribe_url = f"{base}/alerts/unsubscribe/{unsubscribe_token(settings, saved)}"
    subject = _subject(saved, hits)
    context = {
        "subject": subject,
        "search_name": saved.name,
        "digest": saved.frequency != "instant",
        "frequency": saved.frequency,
        "count": len(hits),
        "groups": group_by_community(hits),
        "manage_url": f"{base}/alerts",
        "unsubscribe_url": unsubscribe_url,
    }
    environment = _environment()
    text = environment.get_template("alert_email.txt").render(context)
    message = compose(settings, to, subject, text)
    message.add_alternative(environment.get_template("alert_email.html").render(context), "html")
    message.replace_header("Message-ID", f"<{message_id}@{_domain(base)}>")
    message["List-Unsubscribe"] = f"<{unsubscribe_url}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return message


def _domain(base_url: str) -> str:
    return urlsplit(base_url).hostname or "mutual.local"
