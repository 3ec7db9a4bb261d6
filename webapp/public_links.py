"""Addresses of the app as people reach it (MUTUAL_PUBLIC_URL), for links that leave the page:
feeds and calendars a reader subscribes to elsewhere, like the links in e-mails. The request's
own host may be an internal name behind a proxy."""

from __future__ import annotations

from typing import Any

from flask import url_for

from webapp.services import services


def public_url_for(endpoint: str, **values: Any) -> str:
    return services().settings.public_url.rstrip("/") + url_for(endpoint, **values)
