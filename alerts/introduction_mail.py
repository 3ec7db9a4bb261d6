"""The e-mail that passes on an introduction request: to the recipient's account address, with
Reply-To the asker's (who agreed to share it by asking), so the recipient's own address stays
hidden until they reply. A plain-text part and an HTML part in which the note is escaped."""

from __future__ import annotations

from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage

from jinja2 import Environment, PackageLoader, select_autoescape

from alerts.mail import compose
from catalog.models.accounts import User
from catalog.models.introductions import IntroductionRequest
from catalog.models.people import Person
from ground.settings import Settings


@dataclass(frozen=True)
class IntroductionLinks:
    """The mail's links, made by the web app (they name its pages)."""

    not_now_url: str
    block_url: str
    history_url: str


def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("alerts", "templates"),
        autoescape=select_autoescape(["html"]),
        keep_trailing_newline=True,
    )


def _one_line(text: str, limit: int = 200) -> str:
    # Names go into headers: no line breaks, nothing endless.
    return " ".join(text.split())[:limit]


def asker_name(asker: User, profile: Person | None) -> str:
    """How the asker is named to the recipient: their profile's name, else their account's."""
    if profile is not None and profile.display_name:
        return _one_line(profile.display_name)
    return _one_line(asker.display_name) or "A fellow member"


def _context(
    request: IntroductionRequest, asker: User, asker_profile: Person | None
) -> dict[str, str]:
    name = asker_name(asker, asker_profile)
    return {
        "subject": f"{name} asks you for an introduction ({_one_line(request.community.name)})",
        "asker_name": name,
        "recipient_name": _one_line(request.person.display_name),
        "community": _one_line(request.community.name),
        "headline": asker_profile.headline if asker_profile else "",
        "organisation": asker_profile.organisation if asker_profile else "",
        "role": asker_profile.role if asker_profile else "",
        "note": request.note,
    }


def compose_introduction(
    settings: Settings,
    request: IntroductionRequest,
    parties: tuple[User, User],
    asker_profile: Person | None,
    links: IntroductionLinks,
) -> EmailMessage:
    """The request's mail; `parties` is (asker, recipient)."""
    asker, recipient = parties
    context = _context(request, asker, asker_profile) | {
        "not_now_url": links.not_now_url,
        "block_url": links.block_url,
        "history_url": links.history_url,
    }
    environment = _environment()
    text = environment.get_template("introduction_email.txt").render(context)
    message = compose(settings, recipient.email, context["subject"], text)
    message["Reply-To"] = Address(display_name=context["asker_name"], addr_spec=asker.email)
    html = environment.get_template("introduction_email.html").render(context)
    message.add_alternative(html, "html")
    return message
