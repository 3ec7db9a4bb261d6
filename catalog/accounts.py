"""People who sign in: creating accounts, checking and changing passwords.

Passwords are hashed with Argon2id (argon2-cffi, the reference implementation's binding, with
its recommended parameters); the hash records its own parameters, so raising them later rehashes
each password at its next sign-in.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterable
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from catalog.models.accounts import User, WebSession
from catalog.models.base import utcnow
from catalog.password_strength import weakness
from ground.errors import MutualError

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1000
EMAIL_PATTERN = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")


class AccountError(MutualError):
    """An account cannot be created or changed as asked; the message says why."""


class UnknownUser(MutualError):
    """No account has that address or id."""


def normalise_email(email: str) -> str:
    """One address, one account: surrounding spaces dropped and the whole address lower-cased."""
    address = email.strip().lower()
    if len(address) > 320 or not EMAIL_PATTERN.match(address):
        raise AccountError(f"{email.strip()[:80]!r} is not an e-mail address")
    return address


def check_password_rules(password: str, user_inputs: Iterable[str] = ()) -> None:
    """Raise AccountError unless `password` is long enough and hard to guess, also for someone
    who knows the account's `user_inputs` (its address and name)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AccountError(f"the password must have at most {MAX_PASSWORD_LENGTH} characters")
    problem = weakness(password, user_inputs)
    if problem:
        raise AccountError(problem)


def hash_password(password: str) -> str:
    return PasswordHasher().hash(password)


def find_user(session: Session, email: str) -> User | None:
    try:
        address = normalise_email(email)
    except AccountError:
        return None
    return session.scalar(select(User).where(User.email == address))


def get_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise UnknownUser(f"no user with id {user_id}")
    return user


def add_user(
    session: Session, email: str, password: str, *, display_name: str = "", admin: bool = False
) -> User:
    address = normalise_email(email)
    check_password_rules(password, (address, display_name))
    if session.scalar(select(User.id).where(User.email == address)) is not None:
        raise AccountError(f"an account for {address} already exists")
    user = User(
        email=address,
        display_name=display_name.strip()[:200],
        password_hash=hash_password(password),
        is_admin=admin,
    )
    session.add(user)
    session.flush()
    return user


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The account `email` names when `password` is its own, else None.

    An unknown address costs one password check too, against a hash no password matches, so that how
    long the answer takes does not tell whether the address has an account.
    """
    user = find_user(session, email)
    if user is None:
        _verify_quietly(_unmatchable_hash(), password)
        return None
    return user if verify_password(session, user, password) else None


@cache
def _unmatchable_hash() -> str:
    # Hashed with today's parameters, so checking it costs what checking a real one does.
    return hash_password(secrets.token_urlsafe(32))


def _verify_quietly(password_hash: str, password: str) -> bool:
    try:
        return PasswordHasher().verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def verify_password(session: Session, user: User, password: str) -> bool:
    """Whether `password` is the user's; rehashes it when the hashing parameters changed."""
    if not _verify_quietly(user.password_hash, password):
        return False
    hasher = PasswordHasher()
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
    return True


def set_password(session: Session, user: User, password: str) -> None:
    """A new password, and every browser signed in as the user signed out."""
    check_password_rules(password, (user.email, user.display_name))
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()
    end_all_sessions(session, user.id)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def start_session(session: Session, user: User) -> str:
    """A new signed-in browser for `user`; returns the token its cookie carries."""
    token = secrets.token_urlsafe(32)
    session.add(WebSession(token_hash=_token_hash(token), user_id=user.id))
    session.flush()
    return token


def session_user(session: Session, token: str) -> User | None:
    """The user a browser's token signs in, or None once that session has ended."""
    row = session.get(WebSession, _token_hash(token[:200]))
    return row.user if row else None


def end_session(session: Session, token: str) -> None:
    session.execute(delete(WebSession).where(WebSession.token_hash == _token_hash(token[:200])))


def end_all_sessions(session: Session, user_id: int) -> None:
    session.execute(delete(WebSession).where(WebSession.user_id == user_id))


def count_users(session: Session) -> int:
    return int(session.scalar(select(func.count(User.id))) or 0)


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.email)))
