"""`mutual export` and `mutual import`: a catalog moved through one backup file into a fresh
catalog keeps its people able to sign in, their communities, saved searches, feed and
unsubscribe links, and does not announce an old match again; secrets stay out unless asked;
a file that is not a good backup is refused with the catalog left as it was."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from alerts.alert_mail import unsubscribe_token
from alerts.outbox import plan_deliveries, record_matches
from catalog.accounts import add_user, find_user
from catalog.backup import catalog_is_empty
from catalog.communities import add_community
from catalog.credentials import Credentials, unseal
from catalog.db import make_engine, session_factory, transaction, upgrade_schema
from catalog.memberships import ADMIN, add_member, create_invitation, find_invitation
from catalog.models.base import utcnow
from catalog.models.items import ItemAlias
from catalog.models.memberships import Membership
from catalog.models.saved_searches import SavedSearch
from catalog.models.sources import Community, Source
from catalog.saved_searches import (
    add_saved_search,
    new_calendar_token,
    new_feed_token,
    search_for_feed,
    user_for_calendar,
)
from catalog.sources import add_source
from ground.settings import Settings
from tests.helpers import make_catalog_items, run_mutual
from tests.web import PASSWORD, sign_in, signed_in_as

KEY = "credentials-key-of-the-old-instance"
SECRET = "s3cret-basic-password"
ALIAS = "b" * 40  # another identity of the matched item: a duplicate copy's id


@dataclasses.dataclass
class Populated:
    """What a test needs to find again after the move: tokens are shown once, never stored."""

    search_id: int
    item_id: str
    feed_token: str
    calendar_token: str
    invitation: str
    unsubscribe: str
    sealed: str


def with_key(settings: Settings) -> Settings:
    return dataclasses.replace(settings, credentials_key=KEY, secret_key="signing-key")


def fresh_sqlite(settings: Settings, folder: Path) -> Settings:
    """The same settings on a new, empty SQLite catalog, as `mutual init` leaves it."""
    fresh = dataclasses.replace(settings, database_url="", data_dir=str(folder))
    run_mutual(fresh, "init")
    return fresh


def populate(settings: Settings) -> Populated:
    """Two communities (one private), a public and a member-only source, three people, a saved
    search with a webhook, feeds and a match already e-mailed, an open invitation."""
    engine = make_engine(settings.resolved_database_url)
    with transaction(session_factory(engine)) as session:
        bay = add_community(session, "Bay Finance", "bay", homepage="https://bay.example/")
        alumni = add_community(session, "Alumni", "alumni")
        alumni.visibility, alumni.join_policy = "private", "invite"
        public = add_source(session, "bay", "https://bay.example/jobs.rss")
        public.etag, public.error_count, public.next_fetch_at = '"v1"', 2, utcnow()
        members = add_source(
            session,
            "alumni",
            "https://alumni.example/members.rss",
            access="members",
            credentials=Credentials("basic", "treasurer", SECRET),
            credentials_key=KEY,
        )
        alice = add_user(session, "alice@example.org", PASSWORD, display_name="Alice")
        bob = add_user(session, "bob@example.org", PASSWORD)
        add_user(session, "op@example.org", PASSWORD, admin=True)
        add_member(session, alice, bay, role=ADMIN)
        add_member(session, bob, bay)
        add_member(session, bob, alumni)
        invitation = create_invitation(session, alumni, bob, days=30)
        saved = add_saved_search(session, bob.id, "Analyst jobs", "q=analyst&kind=job")
        saved.webhook_url, saved.webhook_secret = "https://hooks.example/in", "hook-secret"
        feed_token = new_feed_token(saved)
        calendar_token = new_calendar_token(session, bob.id)
        populated = Populated(
            saved.id, "", feed_token, calendar_token, invitation, "", members.credentials or ""
        )
    populated.item_id = make_catalog_items(settings, 1)[0]
    with transaction(session_factory(engine)) as session:
        session.add(ItemAlias(alias=ALIAS, item_id=populated.item_id))
        saved = session.get_one(SavedSearch, populated.search_id)
        record_matches(session, [(saved.id, populated.item_id)])
        for delivery in plan_deliveries(session, saved, utcnow()):
            delivery.status, delivery.sent_at = "sent", utcnow()
        populated.unsubscribe = unsubscribe_token(with_key(settings), saved)
    engine.dispose()
    return populated


def export(settings: Settings, path: Path, *flags: str) -> dict[str, Any]:
    result = run_mutual(settings, "export", str(path), *flags)
    assert "exported 2 communities, 2 sources, 3 users, 3 memberships" in result.stdout
    data: dict[str, Any] = json.loads(path.read_text())
    return data


def test_a_restored_catalog_keeps_accounts_searches_and_what_was_announced(
    catalog: Settings, tmp_path: Path
) -> None:
    old = with_key(catalog)
    populated = populate(old)
    backup = tmp_path / "backup.json"
    data = export(old, backup)
    assert (data["format"], data["version"], data["secrets"]) == ("mutual-backup", 1, False)
    assert backup.stat().st_mode & 0o077 == 0  # password hashes: the owner's eyes only

    new = with_key(fresh_sqlite(catalog, tmp_path / "restored"))
    result = run_mutual(new, "import", str(backup))
    assert "imported 2 communities, 2 sources, 3 users, 3 memberships, 1 invitation" in (
        result.stdout
    )
    # People sign in on the restored instance with the passwords they had.
    from webapp import create_app

    client = create_app(new, {"TESTING": True, "SECRET_KEY": "k"}).test_client()
    sign_in(client, "bob@example.org")
    assert signed_in_as(client) == "bob@example.org"
    # Links already handed out keep working: unsubscribe (signed ids), feeds, invitation.
    page = client.get(f"/alerts/unsubscribe/{populated.unsubscribe}")
    assert page.status_code == 200 and "Analyst jobs" in page.get_data(as_text=True)

    engine = make_engine(new.resolved_database_url)
    with transaction(session_factory(engine)) as session:
        bob = find_user(session, "bob@example.org")
        operator = find_user(session, "op@example.org")
        assert bob is not None and operator is not None and operator.is_admin
        roles = session.execute(
            select(Community.slug, Membership.role, Membership.status)
            .join(Community)
            .where(Membership.user_id == bob.id)
            .order_by(Community.slug)
        )
        assert list(roles) == [("alumni", "member", "active"), ("bay", "member", "active")]
        alumni = session.scalars(select(Community).where(Community.slug == "alumni")).one()
        assert (alumni.visibility, alumni.join_policy) == ("private", "invite")
        assert find_invitation(session, populated.invitation).community_id == alumni.id
        saved = search_for_feed(session, populated.feed_token)
        assert saved is not None and saved.id == populated.search_id
        assert (saved.user_id, saved.name, saved.query) == (
            bob.id,
            "Analyst jobs",
            "q=analyst&kind=job",
        )
        assert (saved.webhook_url, saved.webhook_secret) == (
            "https://hooks.example/in",
            "hook-secret",
        )
        assert user_for_calendar(session, populated.calendar_token) == bob.id
        # Sources come back due, without validators that would make the first crawl a 304.
        public = session.scalars(
            select(Source).where(Source.kind == "feed", Source.access == "public")
        ).one()
        assert (public.etag, public.next_fetch_at, public.error_count) == (None, None, 2)
    engine.dispose()

    # The crawl brings the matched item back under the same id: nothing is announced again,
    # whichever identity the crawl keeps; a new item is.
    make_catalog_items(new, 2)
    with transaction(session_factory(make_engine(new.resolved_database_url))) as session:
        saved = session.get_one(SavedSearch, populated.search_id)
        assert plan_deliveries(session, saved, utcnow() + timedelta(minutes=1)) == []
        fresh_item = f"{1:040d}"
        pairs = [(saved.id, populated.item_id), (saved.id, ALIAS), (saved.id, fresh_item)]
        assert record_matches(session, pairs) == 1


def test_secrets_stay_out_unless_asked_and_then_need_the_same_key(
    catalog: Settings, tmp_path: Path
) -> None:
    old = with_key(catalog)
    populated = populate(old)
    plain = tmp_path / "plain.json"
    export(old, plain)
    text = plain.read_text()
    assert populated.sealed not in text and '"credentials"' not in text and SECRET not in text

    restored = with_key(fresh_sqlite(catalog, tmp_path / "plain"))
    result = run_mutual(restored, "import", str(plain))
    assert "paused until `mutual source auth 2 --auth basic`" in result.stdout
    member_source = source_by_url(restored, "https://alumni.example/members.rss")
    assert (member_source.paused, member_source.auth_kind, member_source.credentials) == (
        True,
        "basic",
        None,
    )

    secret = tmp_path / "secret.json"
    result = run_mutual(old, "export", str(secret), "--with-secrets")
    assert "MUTUAL_CREDENTIALS_KEY" in result.stderr
    data = json.loads(secret.read_text())
    assert data["secrets"] is True and "same key" in data["warning"]
    assert SECRET not in secret.read_text()  # still encrypted

    other_key = dataclasses.replace(fresh_sqlite(catalog, tmp_path / "other"), credentials_key="x")
    refused = run_mutual(other_key, "import", str(secret), check=False)
    assert refused.returncode == 1
    assert "do not decrypt with this MUTUAL_CREDENTIALS_KEY" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert is_empty(other_key)

    same_key = with_key(fresh_sqlite(catalog, tmp_path / "same"))
    run_mutual(same_key, "import", str(secret))
    member_source = source_by_url(same_key, "https://alumni.example/members.rss")
    assert not member_source.paused
    assert unseal(member_source.credentials or "", KEY).secret == SECRET


def source_by_url(settings: Settings, url: str) -> Source:
    engine = make_engine(settings.resolved_database_url)
    with transaction(session_factory(engine)) as session:
        source = session.scalars(select(Source).where(Source.url == url)).one()
    engine.dispose()
    return source


def is_empty(settings: Settings) -> bool:
    engine = make_engine(settings.resolved_database_url)
    with transaction(session_factory(engine)) as session:
        empty = catalog_is_empty(session)
    engine.dispose()
    return empty


Spoiler = Callable[[dict[str, Any]], str]


def changed(section: str, name: str, value: Any, entry: int = 0) -> Spoiler:
    """The backup with one value changed: a careless hand's or a hostile sender's file."""

    def spoil(data: dict[str, Any]) -> str:
        if section:
            data[section][entry][name] = value
        else:
            data[name] = value
        return json.dumps(data)

    return spoil


SPOILED: dict[str, tuple[Spoiler, str]] = {
    "not json": (lambda data: json.dumps(data)[:-40], "is not JSON"),
    "manifest": (lambda _: 'mutual_manifest = 1\n[[communities]]\nslug = "x"\n', "is not JSON"),
    "other format": (changed("", "format", "other-backup"), "is not a Mutual backup"),
    "newer version": (changed("", "version", 2), "is a version 2 backup"),
    "unknown field": (changed("users", "is_superuser", True), "unknown field 'is_superuser'"),
    "wrong type": (
        changed("communities", "id", "1; DROP TABLE users"),
        "communities entry 1, id: expected int",
    ),
    "naive time": (
        changed("users", "created_at", "2026-01-01T00:00:00"),
        "expected a time with its UTC offset",
    ),
    "bad choice": (changed("memberships", "role", "owner"), "role 'owner' is not one of"),
    # Every community and account is valid; only the last membership points nowhere, so the
    # rows before it were already written when the catalog refuses it.
    "dangling reference": (
        changed("memberships", "user_id", 999, entry=-1),
        "rows do not fit together",
    ),
    "metadata address": (
        changed("sources", "url", "http://169.254.169.254/latest/meta-data/"),
        "169.254.169.254",
    ),
}


def test_a_file_that_is_not_a_good_backup_is_refused_and_nothing_is_written(
    catalog: Settings, tmp_path: Path
) -> None:
    old = with_key(catalog)
    populate(old)
    data = export(old, tmp_path / "good.json")
    target = with_key(fresh_sqlite(catalog, tmp_path / "target"))
    for change, (spoil, message) in SPOILED.items():
        bad = tmp_path / f"{change.replace(' ', '-')}.json"
        bad.write_text(spoil(json.loads(json.dumps(data))))
        result = run_mutual(target, "import", str(bad), check=False)
        assert result.returncode == 1, (change, result.stdout, result.stderr)
        assert message in result.stderr, (change, result.stderr)
        assert "Traceback" not in result.stderr, change
        assert is_empty(target), change


def test_a_catalog_in_use_is_replaced_only_when_asked(catalog: Settings, tmp_path: Path) -> None:
    old = with_key(catalog)
    populate(old)
    backup = tmp_path / "backup.json"
    export(old, backup)
    target = with_key(fresh_sqlite(catalog, tmp_path / "target"))
    run_mutual(target, "community", "add", "Someone Else's", "--slug", "mine")

    refused = run_mutual(target, "import", str(backup), check=False)
    assert refused.returncode == 1 and "pass --replace" in refused.stderr
    listed = json.loads(run_mutual(target, "community", "list", "--json").stdout)
    assert [c["slug"] for c in listed] == ["mine"]

    run_mutual(target, "import", str(backup), "--replace")
    listed = json.loads(run_mutual(target, "community", "list", "--json").stdout)
    assert [c["slug"] for c in listed] == ["alumni", "bay"]


def test_export_to_standard_output_keeps_the_summary_apart(catalog: Settings) -> None:
    populate(with_key(catalog))
    result = run_mutual(catalog, "export")
    assert json.loads(result.stdout)["format"] == "mutual-backup"
    assert "exported 2 communities" in result.stderr


@pytest.mark.postgres_only
def test_moving_from_sqlite_to_postgresql(catalog: Settings, tmp_path: Path) -> None:
    """The move an operator makes when growing: export from SQLite, import into PostgreSQL."""
    assert catalog.resolved_database_url.startswith("postgresql")
    sqlite = with_key(dataclasses.replace(catalog, database_url="", data_dir=str(tmp_path)))
    upgrade_schema(sqlite.resolved_database_url)
    populated = populate(sqlite)
    backup = tmp_path / "backup.json"
    export(sqlite, backup)

    postgres = with_key(catalog)
    run_mutual(postgres, "import", str(backup))
    engine = make_engine(postgres.resolved_database_url)
    with transaction(session_factory(engine)) as session:
        bob = find_user(session, "bob@example.org")
        assert bob is not None
        saved = search_for_feed(session, populated.feed_token)
        assert saved is not None and saved.user_id == bob.id
        # Ids were kept; PostgreSQL's sequences moved past them, so new rows fit in.
        assert add_user(session, "carol@example.org", PASSWORD).id == 4
        assert add_community(session, "New", "new").id == 3
    engine.dispose()
    from webapp import create_app

    client = create_app(postgres, {"TESTING": True, "SECRET_KEY": "k"}).test_client()
    sign_in(client, "alice@example.org")
    assert signed_in_as(client) == "alice@example.org"
