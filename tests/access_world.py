"""A small world for access-control tests: a public association with a public board, a private
circle with a member-only board, and one person of each kind. One posting is on both boards (so
it is public, but must never name the private circle)."""

from __future__ import annotations

from catalog.accounts import add_user
from catalog.communities import add_community
from catalog.db import make_engine, session_factory, transaction
from catalog.memberships import ADMIN, MEMBER, add_member, create_invitation
from catalog.sources import add_source
from ground.settings import Settings
from mutual.local_site import LocalSite
from tests.helpers import run_mutual
from tests.web import PASSWORD

SECRET_TITLE = "Clinical Data Manager"
SECRET_COMMUNITY = "Riverside Circle"
PUBLIC_TITLE = "Staff Accountant"
SHARED_TITLE = "Revenue Cycle Director"  # on both boards: public, but must not name the circle
PERSONAS = ("anonymous", "outsider", "operator", "former", "member", "admin")
ALLOWED = {"member", "admin"}


def build_world(settings: Settings, site: LocalSite) -> str:
    """Builds, crawls and indexes the world; returns an invitation token to the circle."""
    engine = make_engine(settings.resolved_database_url)
    with transaction(session_factory(engine)) as session:
        add_community(session, "Society of Healthcare Accountants", slug="shca")
        circle = add_community(session, SECRET_COMMUNITY, slug="circle")
        circle.visibility, circle.join_policy = "private", "invite"
        add_source(session, "shca", f"{site.base_url}/association/careers.rss")
        add_source(session, "circle", f"{site.base_url}/alumni/jobs.atom", access="members")
        for name in PERSONAS[1:]:
            user = add_user(session, f"{name}@example.org", PASSWORD, admin=name == "operator")
            if name in ("former", "member", "admin"):
                add_member(session, user, circle, role=ADMIN if name == "admin" else MEMBER)
        token = create_invitation(session, circle, None)
    engine.dispose()
    run_mutual(settings, "crawl")
    run_mutual(settings, "index")
    return token
