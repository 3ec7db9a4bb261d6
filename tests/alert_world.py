"""A small world for alert tests, written straight to the catalog and indexed in-process (no
crawl): two public job boards, a private circle with a member-only board, one member of both,
and a real webhook receiver on loopback."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlencode

from sqlalchemy.orm import Session, sessionmaker

from catalog.accounts import add_user
from catalog.communities import add_community, get_community
from catalog.db import make_engine, session_factory, transaction
from catalog.items import store_items
from catalog.memberships import add_member
from catalog.models.base import utcnow
from catalog.models.sources import Source
from catalog.records import ParsedItem
from catalog.saved_searches import add_saved_search
from catalog.sources import add_source
from ground.settings import Settings
from indexer.client import make_client
from indexer.sync import sync_index
from tests.web import PASSWORD, Mailbox

OWNER = "alice@example.org"
OUTSIDER = "olga@example.org"


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """A webhook receiver: records every POST and answers `status`."""

    url: str = ""
    calls: list[Received] = field(default_factory=list)
    status: int = 204


@contextmanager
def webhook_receiver() -> Iterator[Receiver]:
    receiver = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            receiver.calls.append(Received(dict(self.headers.items()), body))
            self.send_response(receiver.status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()


def mail_settings(settings: Settings, mailbox: Mailbox) -> Settings:
    return replace(
        settings,
        smtp_host="127.0.0.1",
        smtp_port=mailbox.port,
        secret_key="alert-test-key",
        public_url="http://mutual.test",
    )


@dataclass
class World:
    settings: Settings
    sessions: sessionmaker[Session]

    def store(self, slug: str, *items: ParsedItem) -> None:
        """Items as a crawl of community `slug`'s board would store them, then indexed."""
        with transaction(self.sessions) as session:
            community = get_community(session, slug)
            source = next(s for s in session.query(Source) if s.community_id == community.id)
            store_items(session, source, list(items))
        client = make_client(self.settings)
        try:
            sync_index(client, self.sessions, self.settings)
        finally:
            client.close()

    def save(
        self, query: str, frequency: str = "instant", webhook: str = "", email: str = OWNER
    ) -> int:
        with transaction(self.sessions) as session:
            from catalog.accounts import find_user

            user = find_user(session, email)
            assert user is not None
            saved = add_saved_search(session, user.id, query, urlencode({"q": query}), frequency)
            saved.created_at = saved.last_checked = utcnow() - timedelta(seconds=1)
            if webhook:
                saved.webhook_url, saved.webhook_secret = webhook, "hook-secret"
            return saved.id


def build_alert_world(settings: Settings) -> World:
    engine = make_engine(settings.resolved_database_url)
    sessions = session_factory(engine)
    with transaction(sessions) as session:
        add_community(session, "Society of Healthcare Accountants", slug="shca")
        add_community(session, "Finance Guild", slug="guild")
        circle = add_community(session, "Riverside Circle", slug="circle")
        circle.visibility, circle.join_policy = "private", "invite"
        add_source(session, "shca", "https://shca.example/careers.rss")
        add_source(session, "guild", "https://guild.example/jobs.rss")
        add_source(session, "circle", "https://circle.example/jobs.atom", access="members")
        owner = add_user(session, OWNER, PASSWORD)
        add_user(session, OUTSIDER, PASSWORD)
        add_member(session, owner, get_community(session, "shca"))
        add_member(session, owner, circle)
    return World(settings, sessions)


def job(title: str, slug: str = "a", summary: str = "Budgets and forecasts.") -> ParsedItem:
    return ParsedItem(
        url=f"https://jobs.example/{slug}",
        title=title,
        summary=summary,
        organisation="Mercy Health",
        location="Springfield",
        published_at=utcnow(),
    )


def event(title: str, slug: str, days_ahead: int = 10) -> ParsedItem:
    start = (utcnow() + timedelta(days=days_ahead)).replace(microsecond=0)
    return ParsedItem(
        url=f"https://events.example/{slug}",
        title=title,
        kind="event",
        summary="An evening of talks.",
        details={"event": {"start": start.isoformat(), "venue": "Town Hall"}},
    )
