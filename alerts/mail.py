"""Sending e-mail through the operator's SMTP server (password resets, alerts)."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import make_msgid

from ground.errors import MutualError
from ground.settings import Settings


class MailNotConfigured(MutualError):
    """No SMTP server is set (MUTUAL_SMTP_HOST)."""


class MailFailed(MutualError):
    """The SMTP server could not be reached or refused the message."""


def compose(settings: Settings, to: str, subject: str, text: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="mutual.local")
    message.set_content(text)
    return message


def check_configured(settings: Settings) -> None:
    """Raise MailNotConfigured unless an SMTP server is set."""
    if not settings.smtp_host:
        raise MailNotConfigured("e-mail is not set up: set MUTUAL_SMTP_HOST (see the README)")


def send(settings: Settings, message: EmailMessage, timeout: float = 30.0) -> None:
    check_configured(settings)
    try:
        if settings.smtp_security == "tls":
            context = ssl.create_default_context()
            with smtplib.SMTP_SSL(
                settings.smtp_host, settings.smtp_port, timeout=timeout, context=context
            ) as smtp:
                _deliver(settings, smtp, message)
            return
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=timeout) as smtp:
            if settings.smtp_security == "starttls":
                smtp.starttls(context=ssl.create_default_context())
            _deliver(settings, smtp, message)
    except (OSError, smtplib.SMTPException) as exc:
        raise MailFailed(
            f"could not send mail through {settings.smtp_host}:{settings.smtp_port}: {_reason(exc)}"
        ) from exc


def _reason(exc: OSError | smtplib.SMTPException) -> str:
    """Why, in words: the server's own answer when it gave one, not a tuple of bytes."""
    if isinstance(exc, smtplib.SMTPResponseException):
        said = exc.smtp_error
        text = said.decode("utf-8", "replace") if isinstance(said, bytes) else str(said)
        return f"the server answered {exc.smtp_code} {' '.join(text.split())}"
    return str(exc) or type(exc).__name__


def _deliver(settings: Settings, smtp: smtplib.SMTP, message: EmailMessage) -> None:
    if settings.smtp_username:
        smtp.login(settings.smtp_username, settings.smtp_password)
    smtp.send_message(message)
