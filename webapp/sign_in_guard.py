"""This request's side of the sign-in limits (catalog/sign_in_limits.py, which counts and
decides): the client a sign-in comes from and the pair's limit the settings give."""

from __future__ import annotations

from datetime import timedelta

from flask import request

from catalog.sign_in_limits import SignInKeys, SignInLimit, sign_in_keys
from webapp.services import services


def keys_for(email: str, client: str | None = None) -> SignInKeys:
    """The keys of a sign-in to `email` from `client` (default: this request's)."""
    return sign_in_keys(email, client if client is not None else str(request.remote_addr))


def pair_limit() -> SignInLimit:
    """MUTUAL_SIGN_IN_MAX_FAILURES failures within MUTUAL_SIGN_IN_LOCKOUT_MINUTES lock a pair
    for as long."""
    settings = services().settings
    lockout = timedelta(minutes=settings.sign_in_lockout_minutes)
    return SignInLimit(settings.sign_in_max_failures, lockout, lockout)
