"""Member-only sources' sign-in secrets: encrypted at rest, decrypted only in the crawler.

Fernet (from `cryptography`) gives authenticated encryption, so a tampered or wrongly keyed
value is refused rather than read as garbage.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import asdict, dataclass

from cryptography.fernet import Fernet, InvalidToken

from ground.errors import MutualError

AUTH_KINDS = ("none", "basic", "bearer", "cookie", "form")


class CredentialsKeyMissing(MutualError):
    """Credentials must be stored or read but no key is configured."""


class CredentialsUnreadable(MutualError):
    """Stored credentials do not decrypt with the configured key (changed key or altered)."""


@dataclass(frozen=True)
class Credentials:
    """How to sign in to a member-only source.

    basic: username + secret (password); bearer: secret (token); cookie: secret ("name=value");
    form: login_url, username + secret, and the form's field names.
    """

    kind: str
    username: str = ""
    secret: str = ""
    login_url: str = ""
    username_field: str = "username"
    password_field: str = "password"  # noqa: S105 -- the login form's field name, not a secret

    def __repr__(self) -> str:  # never print the secret, even in a traceback
        return f"Credentials(kind={self.kind!r}, username={self.username!r}, secret='***')"


def _fernet(key: str) -> Fernet:
    if not key:
        raise CredentialsKeyMissing(
            "member-only sources need MUTUAL_CREDENTIALS_KEY (a long random string) to encrypt "
            "their credentials; see `mutual settings`"
        )
    return Fernet(base64.urlsafe_b64encode(hashlib.sha256(key.encode("utf-8")).digest()))


def seal(credentials: Credentials, key: str) -> str:
    """The credentials encrypted with `key`, as text for the catalog."""
    plain = json.dumps(asdict(credentials)).encode("utf-8")
    return _fernet(key).encrypt(plain).decode("ascii")


def unseal(token: str, key: str) -> Credentials:
    try:
        plain = _fernet(key).decrypt(token.encode("ascii"))
    except InvalidToken:
        raise CredentialsUnreadable(
            "stored credentials cannot be decrypted with MUTUAL_CREDENTIALS_KEY (was the key "
            "changed?); add the source's credentials again"
        ) from None
    return Credentials(**json.loads(plain))
