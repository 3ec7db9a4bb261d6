"""The headers every answer carries (pages, the API, feeds, static files, errors alike).

The policy allows scripts and styles only as files of this site: no inline script, no `on*=`
attribute, no `style=` (the templates have none; keep it so). No site may frame a page of ours
(clickjacking), browsers must not guess content types, and addresses leave the site without their
path and query, which may carry a search or a token. Over https, Strict-Transport-Security tells
browsers to come back only over https, for a year, subdomains too.
"""

from __future__ import annotations

from flask import Flask, Response

from ground.settings import Settings

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
HSTS_MAX_AGE = 365 * 24 * 3600


def init_security_headers(app: Flask, settings: Settings) -> None:
    headers = {
        "Content-Security-Policy": CONTENT_SECURITY_POLICY,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "strict-origin-when-cross-origin",
        "X-Frame-Options": "DENY",  # frame-ancestors' forerunner, for browsers without CSP 2
    }
    # Only when people reach the app over https: sent over plain http, it would lock them out
    # of an instance that has no certificate.
    if settings.public_url_is_https:
        headers["Strict-Transport-Security"] = f"max-age={HSTS_MAX_AGE}; includeSubDomains"

    def add_headers(response: Response) -> Response:
        response.headers.update(headers)
        return response

    app.after_request(add_headers)
