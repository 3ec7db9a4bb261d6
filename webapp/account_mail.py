"""The mails of accounts (a sign-up's link, a password reset's link), sent off the request.

A page that mails only when an address has an account would tell, by how long it takes or by
failing when the SMTP server does, which addresses have one. So the request only queues the
message and answers; a small pool of threads per app hands it to the SMTP server, and a failure
goes to the operator's log (the `webapp.mail` logger, with the request's id), never to the page.
A message still queued when the process stops is lost: the person asks again.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from email.message import EmailMessage

from flask import Flask, current_app, g

from alerts.mail import MailFailed, MailNotConfigured, compose, send
from ground.settings import Settings
from webapp.services import services

log = logging.getLogger("webapp.mail")
SENDER_KEY = "mutual_mail_sender"
# Enough for a few mails at once; more wait in the queue rather than open more SMTP connections.
SENDER_THREADS = 2


def init_account_mail(app: Flask) -> None:
    # Per app (never module-level), like every other service of the factory's.
    app.extensions[SENDER_KEY] = ThreadPoolExecutor(SENDER_THREADS, thread_name_prefix="mail")


def send_later(to: str, subject: str, text: str) -> None:
    """Queue a mail to `to`; returns at once, whether or not it can be delivered."""
    settings = services().settings
    message = compose(settings, to, subject, text)
    sender: ThreadPoolExecutor = current_app.extensions[SENDER_KEY]
    sender.submit(_send_logged, settings, message, g.get("request_id", ""))


def _send_logged(settings: Settings, message: EmailMessage, request_id: str) -> None:
    try:
        send(settings, message)
    except (MailNotConfigured, MailFailed) as exc:
        log.error(
            "could not send %r to %s: %s",
            message["Subject"],
            message["To"],
            exc,
            extra={"request_id": request_id},
        )
    except Exception:  # in a thread, an error would otherwise vanish into its future
        log.exception("could not send %r", message["Subject"], extra={"request_id": request_id})


def reset_text(link: str) -> str:
    return (
        "Someone (hopefully you) asked to reset the password of your Mutual account.\n\n"
        f"Choose a new password here within two hours:\n{link}\n\n"
        "If you did not ask, ignore this message; your password stays as it is.\n"
    )


def sign_up_text(link: str) -> str:
    return (
        "Someone (hopefully you) asked to create a Mutual account with this address.\n\n"
        f"Choose your password here within two hours to finish:\n{link}\n\n"
        "If you did not ask, ignore this message; no account is created.\n"
    )


def already_registered_text(sign_in_link: str, forgot_link: str) -> str:
    return (
        "Someone (hopefully you) asked to create a Mutual account with this address, "
        "but it already has one.\n\n"
        f"Sign in here:\n{sign_in_link}\n\n"
        f"Forgot your password? Choose a new one here:\n{forgot_link}\n\n"
        "If you did not ask, ignore this message; nothing has changed.\n"
    )
