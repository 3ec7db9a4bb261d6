"""Who belongs to which community: joining, leaving, approving, inviting, and roles.

The active memberships decide what a person may see (`grants_access`); the web app and
alerts build their viewer from it on every request, so leaving takes effect at once.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from catalog.active_members import ACTIVE, grants_access
from catalog.models.accounts import User
from catalog.models.base import utcnow
from catalog.models.memberships import Invitation, Membership
from catalog.models.sources import Community, Source
from catalog.people import forget_member
from catalog.roster_admission import admits
from ground.errors import MutualError
from ground.settings import Settings

PENDING = "pending"
MEMBER = "member"
ADMIN = "admin"
VISIBILITIES = ("public", "private")
JOIN_POLICIES = ("open", "approval", "invite")


class MembershipError(MutualError):
    """A membership change that is not allowed; the message says why."""


class InvitationInvalid(MutualError):
    """An invitation link that is unknown, used up, revoked or expired."""


@dataclass(frozen=True)
class CommunityAccess:
    """What one user may do in one community."""

    status: str | None  # "active", "pending" or None (not a member)
    role: str | None
    operator: bool

    @property
    def member(self) -> bool:
        return self.status == ACTIVE

    @property
    def admin(self) -> bool:
        return self.operator or (self.member and self.role == ADMIN)


def member_slugs(session: Session, user_id: int) -> tuple[str, ...]:
    """The communities whose member-only items the user may see."""
    rows = session.scalars(
        select(Community.slug)
        .join(Membership, Membership.community_id == Community.id)
        .where(grants_access(user_id))
        .order_by(Community.slug)
    )
    return tuple(rows)


def membership(session: Session, user_id: int, community_id: int) -> Membership | None:
    return session.get(Membership, (user_id, community_id))


def access(session: Session, user: User | None, community: Community) -> CommunityAccess:
    if user is None:
        return CommunityAccess(None, None, operator=False)
    row = membership(session, user.id, community.id)
    return CommunityAccess(
        row.status if row else None, row.role if row else None, operator=user.is_admin
    )


@dataclass(frozen=True)
class Audience:
    """Who is looking at a listing: the one rule every page that names a community or a
    source follows (the search's own rule for items is the indexer's `Viewer`)."""

    operator: bool
    member_of: frozenset[int]  # ids of the communities where the person is an active member

    def sees_community(self, community: Community) -> bool:
        """Private communities exist, for everyone else, only through an invitation link."""
        return community.visibility == "public" or self._inside(community.id)

    def sees_source(self, source: Source) -> bool:
        """A member-only source (its address, title, health and counts) is its community's
        business: a public community's outsiders see only its public sources."""
        if source.access == "public":
            return self.sees_community(source.community)
        return self._inside(source.community_id)

    def _inside(self, community_id: int) -> bool:
        return self.operator or community_id in self.member_of


ANONYMOUS = Audience(operator=False, member_of=frozenset())


def audience(session: Session, user: User | None) -> Audience:
    """The user's (None: an anonymous visitor's) audience, from their memberships as they are
    now, so leaving a community hides it at once."""
    if user is None:
        return ANONYMOUS
    rows = session.scalars(select(Membership.community_id).where(grants_access(user.id)))
    return Audience(operator=user.is_admin, member_of=frozenset(rows))


def may_see_community(session: Session, user: User | None, community: Community) -> bool:
    """Private communities exist, for everyone else, only through an invitation link."""
    return audience(session, user).sees_community(community)


def visible_communities(session: Session, user: User | None) -> list[Community]:
    seen_by = audience(session, user)
    communities = session.scalars(select(Community).order_by(Community.name))
    return [c for c in communities if seen_by.sees_community(c)]


def add_member(
    session: Session, user: User, community: Community, *, role: str = MEMBER
) -> Membership:
    """Make `user` an active member (or admin), whatever the community's join policy."""
    row = membership(session, user.id, community.id)
    if row is None:
        row = Membership(user_id=user.id, community_id=community.id)
        session.add(row)
    row.status, row.role = ACTIVE, role if role in (MEMBER, ADMIN) else MEMBER
    session.flush()
    return row


def request_to_join(session: Session, user: User, community: Community) -> Membership:
    """Join an open community at once, or ask an approval community's admins; an address on
    an admitting roster joins a public community at once (catalog.roster_admission)."""
    row = membership(session, user.id, community.id)
    if row is not None and row.status == ACTIVE:
        return row
    public = community.visibility == "public"
    on_roster = public and admits(session, user.email, community.id)
    if not on_roster and (not public or community.join_policy == "invite"):
        raise MembershipError(f"{community.name} is joined by invitation only")
    if row is None:
        row = Membership(user_id=user.id, community_id=community.id, role=MEMBER)
        session.add(row)
    row.status = ACTIVE if on_roster or community.join_policy == "open" else PENDING
    session.flush()
    return row


def approve(session: Session, user_id: int, community: Community) -> Membership:
    row = membership(session, user_id, community.id)
    if row is None or row.status != PENDING:
        raise MembershipError("there is no request to join from that person")
    row.status = ACTIVE
    return row


def leave(session: Session, user_id: int, community: Community) -> None:
    """Leave (or be removed from, or have a request refused by) a community. The last admin
    of a community cannot leave it while other members remain, so nobody is left managing."""
    row = membership(session, user_id, community.id)
    if row is None:
        return
    if row.role == ADMIN and row.status == ACTIVE and _admin_count(session, community) == 1:
        others = _member_count(session, community) - 1
        if others > 0:
            raise MembershipError(
                f"you are the only admin of {community.name}: make another member admin first"
            )
    forget_member(session, user_id, community.id)
    session.delete(row)
    session.flush()


def set_role(session: Session, user_id: int, community: Community, role: str) -> Membership:
    row = membership(session, user_id, community.id)
    if row is None or row.status != ACTIVE:
        raise MembershipError("only active members can be given a role")
    if role not in (MEMBER, ADMIN):
        raise MembershipError(f"unknown role {role!r}; use member or admin")
    if row.role == ADMIN and role == MEMBER and _admin_count(session, community) == 1:
        raise MembershipError("a community keeps at least one admin")
    row.role = role
    return row


def members(session: Session, community: Community) -> list[Membership]:
    return list(
        session.scalars(
            select(Membership)
            .join(User, User.id == Membership.user_id)
            .where(Membership.community_id == community.id)
            .order_by(Membership.status, User.email)
        )
    )


def _admin_count(session: Session, community: Community) -> int:
    query = select(func.count()).where(
        Membership.community_id == community.id,
        Membership.role == ADMIN,
        Membership.status == ACTIVE,
    )
    return int(session.scalar(query) or 0)


def _member_count(session: Session, community: Community) -> int:
    query = select(func.count()).where(
        Membership.community_id == community.id, Membership.status == ACTIVE
    )
    return int(session.scalar(query) or 0)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_invitation(
    session: Session,
    community: Community,
    created_by: User | None,
    *,
    days: int = 14,
    max_uses: int = 1,
    now: datetime | None = None,
) -> str:
    """A new invitation; returns the token for the link (shown once, stored only hashed)."""
    token = secrets.token_urlsafe(24)
    session.add(
        Invitation(
            token_hash=_token_hash(token),
            community_id=community.id,
            created_by=created_by.id if created_by else None,
            expires_at=(now or utcnow()) + timedelta(days=max(1, days)),
            max_uses=max(1, max_uses),
        )
    )
    session.flush()
    return token


def invitation_link(settings: Settings, token: str) -> str:
    """The address at which the invitation `token` is accepted (MUTUAL_PUBLIC_URL's)."""
    return f"{settings.public_url.rstrip('/')}/invite/{token}"


def find_invitation(session: Session, token: str, now: datetime | None = None) -> Invitation:
    """The usable invitation for `token`, or InvitationInvalid saying why it is not."""
    invitation = session.scalar(
        select(Invitation).where(Invitation.token_hash == _token_hash(token[:200]))
    )
    if invitation is None or invitation.revoked:
        raise InvitationInvalid("this invitation link is not valid (it may have been revoked)")
    if invitation.expires_at <= (now or utcnow()):
        raise InvitationInvalid("this invitation link has expired; ask for a new one")
    if invitation.uses >= invitation.max_uses:
        raise InvitationInvalid("this invitation link has already been used")
    return invitation


def accept_invitation(session: Session, token: str, user: User) -> Community:
    invitation = find_invitation(session, token)
    community = invitation.community
    existing = membership(session, user.id, community.id)
    if existing is None or existing.status != ACTIVE:
        add_member(session, user, community)
        invitation.uses += 1
    return community


def list_invitations(session: Session, community: Community) -> list[Invitation]:
    """The community's invitations, newest first (their tokens are not kept, only hashes)."""
    return list(
        session.scalars(
            select(Invitation)
            .where(Invitation.community_id == community.id)
            .order_by(Invitation.created_at.desc(), Invitation.id.desc())
        )
    )


def revoke_invitation(session: Session, community: Community, invitation_id: int) -> Invitation:
    """Stop an invitation link working; MembershipError if the community has no such link."""
    invitation = session.get(Invitation, invitation_id)
    if invitation is None or invitation.community_id != community.id:
        raise MembershipError(f"{community.name} has no invitation #{invitation_id}")
    invitation.revoked = True
    session.flush()
    return invitation
