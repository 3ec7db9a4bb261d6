"""A member-only copy and a public copy of one posting (issue 20, point 9).

A private circle's member-only feed carries a posting with a members' note; a public association's
feed carries the same URL. They are two items: the public one never shows the note nor names the
circle, to anyone, on any path (page, item page, API, private feeds, alert e-mail, the CLI); the
circle's members also see their own copy, note and all. Proved with the two sources crawled in
either order (hostile-inputs.md items 17 and 18: member-only content and "seen in").
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta
from email.message import Message
from pathlib import Path

import feedparser
import pytest
from alembic import command
from flask.testing import FlaskClient
from sqlalchemy import MetaData, Table, insert, select
from sqlalchemy.orm import Session

from alerts.run import run_alerts
from catalog.accounts import add_user
from catalog.communities import add_community
from catalog.db import alembic_config, make_engine, session_factory, transaction
from catalog.memberships import MEMBER, add_member
from catalog.models.base import utcnow
from catalog.models.change_log import ItemDeletion
from catalog.models.items import Item
from catalog.models.sources import Source
from catalog.saved_searches import add_saved_search, new_feed_token
from catalog.sources import add_source
from ground.settings import Settings
from mutual.local_site import LocalSite
from tests.helpers import run_mutual
from tests.web import PASSWORD, sign_in, smtp_server
from webapp import create_app

TITLE = "Payroll Operations Lead"
NOTE = "Jane Okafor"  # the members' note: who the hiring manager is, and her number
CIRCLE = "Riverside Circle"
PUBLIC_FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Association careers</title><link>{{BASE}}/</link>
<description>Jobs from member employers.</description>
<item><title>Payroll Operations Lead</title><link>{{BASE}}/jobs/harbor-payroll-lead</link>
<guid isPermaLink="false">assoc-9001</guid><pubDate>Tue, 17 Nov 2026 14:00:00 GMT</pubDate>
<description>Run payroll for a 300-person hospital group.</description></item>
</channel></rss>
"""
MEMBER_FEED = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Circle members' board</title>
<id>urn:circle:board</id><updated>2026-11-18T08:00:00Z</updated>
<entry><title>Payroll Operations Lead (ask Jane Okafor)</title>
<link href="{{BASE}}/jobs/harbor-payroll-lead"/><id>urn:circle:job:1</id>
<updated>2026-11-18T08:00:00Z</updated>
<summary>Members: the hiring manager is Jane Okafor, call 555-0100 before applying.</summary>
</entry></feed>
"""
READERS = ("anonymous", "outsider")


def _build(settings: Settings, site: LocalSite, member_first: bool) -> dict[str, str]:
    """Two communities, a member and an outsider with saved searches, the two sources crawled
    one after the other in the order asked; returns each reader's private feed token."""
    root = Path(site.root)
    (root / "assoc.rss").write_text(PUBLIC_FEED, encoding="utf-8")
    (root / "circle.atom").write_text(MEMBER_FEED, encoding="utf-8")
    engine = make_engine(settings.resolved_database_url)
    feeds = {}
    with transaction(session_factory(engine)) as session:
        add_community(session, "Payroll Association", slug="assoc")
        circle = add_community(session, CIRCLE, slug="circle")
        circle.visibility, circle.join_policy = "private", "invite"
        for name in ("outsider", "member"):
            user = add_user(session, f"{name}@example.org", PASSWORD)
            if name == "member":
                add_member(session, user, circle, role=MEMBER)
            session.flush()
            saved = add_saved_search(session, user.id, name, "q=payroll&scope=all")
            saved.created_at = saved.last_checked = utcnow() - timedelta(hours=1)
            feeds[name] = new_feed_token(saved)
    engine.dispose()
    order = [("circle", "circle.atom", "members"), ("assoc", "assoc.rss", "public")]
    for slug, path, access in order if member_first else reversed(order):
        with transaction(session_factory(engine)) as session:
            add_source(session, slug, f"{site.base_url}/{path}", access=access)
        engine.dispose()
        run_mutual(settings, "crawl")
        run_mutual(settings, "index")
    return feeds


def _mail_text(message: Message) -> str:
    """Subject and every text part, decoded: what the reader's mail program shows."""
    parts = [str(message["Subject"])]
    for part in message.walk():
        payload = part.get_payload(decode=True) if part.get_content_maintype() == "text" else None
        if isinstance(payload, bytes):
            parts.append(payload.decode("utf-8"))
    return "\n".join(parts)


def _client(settings: Settings, persona: str) -> FlaskClient:
    client = create_app(settings, {"TESTING": True, "SECRET_KEY": "k"}).test_client()
    if persona != "anonymous":
        assert sign_in(client, f"{persona}@example.org").status_code == 302
    return client


def _seen(client: FlaskClient, persona: str) -> dict[str, str]:
    """Everything a person can read about the posting on the web: the results page, each item
    page it links, and the API's answer."""
    answer = client.get("/api/search?q=payroll&scope=all")
    assert answer.status_code == 200, persona
    hits = answer.get_json()["hits"]
    assert hits and all(TITLE in hit["title"] for hit in hits), persona
    shown = {
        "page": client.get("/?q=payroll&scope=all").get_data(as_text=True),
        "api": json.dumps(hits),
    }
    for hit in hits:
        shown[f"item {hit['id']}"] = client.get(f"/items/{hit['id']}").get_data(as_text=True)
    return shown


@pytest.mark.parametrize("member_first", [True, False], ids=["member-first", "public-first"])
def test_a_member_only_copy_never_shows_on_the_public_item(
    catalog: Settings, site: LocalSite, member_first: bool
) -> None:
    feeds = _build(catalog, site, member_first)
    for persona in READERS:
        for where, text in _seen(_client(catalog, persona), persona).items():
            assert NOTE not in text, f"{persona} reads the members' note on the {where}"
            assert CIRCLE not in text and "circle" not in text, f"{persona}: {where} names it"
    member = _seen(_client(catalog, "member"), "member")
    assert NOTE in member["page"] and NOTE in member["api"], "the member lost their own copy"
    assert CIRCLE in member["page"]
    printed = run_mutual(catalog, "search", "payroll", "--json").stdout
    assert TITLE in printed and NOTE not in printed and "circle" not in printed.lower()
    reader = create_app(catalog, {"TESTING": True}).test_client()
    for persona, token in feeds.items():
        entries = feedparser.parse(reader.get(f"/feeds/{token}.atom").data).entries
        assert entries, persona
        text = json.dumps(entries, default=str)
        assert (NOTE in text) is (persona == "member"), persona
    with smtp_server() as mailbox:
        run_alerts(replace(catalog, smtp_host="127.0.0.1", smtp_port=mailbox.port, secret_key="k"))
        mail = {str(m["To"]): _mail_text(m) for m in mailbox.messages}
    assert set(mail) == {"outsider@example.org", "member@example.org"}
    assert NOTE not in mail["outsider@example.org"] and CIRCLE not in mail["outsider@example.org"]
    assert NOTE in mail["member@example.org"]


def _legacy_item(session: Session, item_id: str, content: int, seen_by: list[int]) -> None:
    """An item as catalogs before revision 0008 stored a copy seen by several sources, written
    into the tables as that revision has them (reflected), not as today's models would."""
    now = utcnow().replace(tzinfo=None)
    tables = MetaData()
    items = Table("items", tables, autoload_with=session.connection())
    sightings = Table("sightings", tables, autoload_with=session.connection())
    row = {
        "id": item_id,
        "kind": "job",
        "title": f"Legacy {item_id}",
        "url": f"https://x.example/{item_id}",
        "summary": "",
        "body": "",
        "organisation": "",
        "location": "",
        "status": "active",
        "tags": [],
        "content_hash": "h",
        "content_source_id": content,
        "first_seen": now,
        "last_seen": now,
        "changed_at": now,
        "change_seq": 1,
        "details": {},
        "dedupe_block": "",
        "fingerprint": {},
    }
    session.execute(insert(items).values({k: v for k, v in row.items() if k in items.c}))
    for source in seen_by:
        seen = {"item_id": item_id, "source_id": source, "first_seen": now, "last_seen": now}
        session.execute(insert(sightings).values(seen | {"missed": 0}))


def test_upgrading_forgets_mixed_copies_and_the_next_crawl_restores_them_apart(
    settings: Settings, site: LocalSite
) -> None:
    """A catalog from before the rule: a member-only copy merged into the public item (with the
    members' text), a public item the circle also carried, and a member-only item. Upgrading
    forgets what holds members' text, strips the circle from the public item, and the next
    crawl stores every copy again, apart."""
    url = settings.resolved_database_url
    make_engine(url).dispose()  # creates the data folder
    command.upgrade(alembic_config(url), "0007")
    engine = make_engine(url)
    with transaction(session_factory(engine)) as session:
        add_community(session, "Payroll Association", slug="assoc")
        add_community(session, CIRCLE, slug="circle")
        public = add_source(session, "assoc", f"{site.base_url}/assoc.rss")
        member = add_source(session, "circle", f"{site.base_url}/circle.atom", access="members")
        session.flush()
        public.etag = member.etag = '"v1"'
        _legacy_item(session, "merged", member.id, [public.id, member.id])
        _legacy_item(session, "shared", public.id, [public.id, member.id])
        _legacy_item(session, "circle-only", member.id, [member.id])
        _legacy_item(session, "public-only", public.id, [public.id])
    run_mutual(settings, "init")
    with transaction(session_factory(engine)) as session:
        items = {
            i.id: sorted(s.source_id for s in i.sightings) for i in session.scalars(select(Item))
        }
        gone = set(session.scalars(select(ItemDeletion.item_id)))
        assert items == {"shared": [public.id], "public-only": [public.id]}
        assert gone == {"merged", "circle-only"}
        assert {s.etag for s in session.scalars(select(Source))} == {None}
    root = Path(site.root)
    (root / "assoc.rss").write_text(PUBLIC_FEED, encoding="utf-8")
    (root / "circle.atom").write_text(MEMBER_FEED, encoding="utf-8")
    run_mutual(settings, "crawl")
    with transaction(session_factory(engine)) as session:
        copies = [i for i in session.scalars(select(Item)) if i.url.endswith("harbor-payroll-lead")]
        seen = sorted((i.title, tuple(s.source_id for s in i.sightings)) for i in copies)
    engine.dispose()
    assert seen == [(TITLE, (public.id,)), (f"{TITLE} (ask {NOTE})", (member.id,))]
