"""The key that signs sessions, reset links and unsubscribe links.

MUTUAL_SECRET_KEY when set (several machines must share it). Otherwise a random key made once
and kept in DATA_DIR/secret_key (owner-only), so every process of one machine signs alike: the
gunicorn workers of `mutual serve` (a session cookie one worker signed is good at the next) and
`mutual alerts run` or the worker (an unsubscribe link in a mail it sent verifies on the site).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from ground.errors import MutualError
from ground.settings import Settings

KEY_FILE = "secret_key"


class SecretKeyUnreadable(MutualError):
    """The kept key file exists but cannot be read or is empty."""


def secret_key(settings: Settings) -> str:
    """MUTUAL_SECRET_KEY, or the key kept in the data dir (made on first use)."""
    if settings.secret_key:
        return settings.secret_key
    path = Path(settings.data_dir) / KEY_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read(path)
    with os.fdopen(descriptor, "w", encoding="ascii") as kept:
        kept.write(secrets.token_hex(32))
    return _read(path)


def _read(path: Path) -> str:
    try:
        key = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise SecretKeyUnreadable(f"cannot read the secret key kept in {path}: {exc}") from exc
    if not key:
        # Another process may be writing it this very moment; an empty file left by a crash
        # needs a person: deleting it logs everyone out and voids links already sent.
        raise SecretKeyUnreadable(
            f"{path} is empty: delete it to make a new key (signs everyone out), or set "
            "MUTUAL_SECRET_KEY"
        )
    return key
