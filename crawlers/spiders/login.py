"""Signing in with a login form: the form to fill in, and the credentials it takes."""

from __future__ import annotations

from catalog.credentials import Credentials
from catalog.sources import SourceRef


class LoginFailed(ValueError):
    """The login page has no form to sign in with."""


def form_with_field(name: str) -> str:
    """XPath of the form holding an input named `name` (quoted safely whatever it holds)."""
    quoted = "concat('" + name.replace("'", "', \"'\", '") + "', '')"
    return f"//form[.//input[@name={quoted}]]"


def form_credentials(source: SourceRef) -> Credentials:
    if source.credentials is None:
        raise ValueError(f"source #{source.id} signs in with a form but has no credentials")
    return source.credentials
