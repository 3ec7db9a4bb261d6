"""Roster files uploaded on a community's manage page, held until the admin confirms the columns.

The upload is the member database itself, so it is kept no longer than the confirmation
needs: deleted when it is imported or cancelled, and an hour after upload at the latest
(every new upload prunes the expired ones). Only the SHA-256 of the token in the preview's
address is stored, and only the admin who uploaded it may use it.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from catalog.models.base import utcnow
from catalog.models.people import RosterUpload

LIFETIME = timedelta(hours=1)


def _hash(token: str) -> str:
    return hashlib.sha256(token[:200].encode("utf-8")).hexdigest()


def stage_upload(
    session: Session,
    community_id: int,
    user_id: int,
    *,
    directory_name: str,
    filename: str,
    data: bytes,
) -> str:
    """Keep the file for its preview; the token naming it (only its hash is stored)."""
    prune_uploads(session)
    token = secrets.token_urlsafe(24)
    session.add(
        RosterUpload(
            token_hash=_hash(token),
            community_id=community_id,
            user_id=user_id,
            directory_name=directory_name,
            filename=filename[:300],
            data=data,
        )
    )
    session.flush()
    return token


def staged_upload(
    session: Session, token: str, community_id: int, user_id: int, now: datetime | None = None
) -> RosterUpload | None:
    """The upload the token names, if it is this admin's, for this community, and not expired."""
    upload = session.scalar(select(RosterUpload).where(RosterUpload.token_hash == _hash(token)))
    if upload is None or upload.community_id != community_id or upload.user_id != user_id:
        return None
    if upload.created_at + LIFETIME < (now or utcnow()):
        return None
    return upload


def drop_upload(session: Session, upload: RosterUpload) -> None:
    session.delete(upload)
    session.flush()


def prune_uploads(session: Session, now: datetime | None = None) -> int:
    """Delete the uploads older than LIFETIME; how many went."""
    cutoff = (now or utcnow()) - LIFETIME
    result = session.execute(delete(RosterUpload).where(RosterUpload.created_at < cutoff))
    return int(getattr(result, "rowcount", 0) or 0)
