"""The demo: communities from `demo/communities.toml`, served by a local site, fully offline."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from elasticsearch import Elasticsearch
from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.accounts import add_user
from catalog.db import make_engine, session_factory, transaction, upgrade_schema
from catalog.manifest import import_manifest, read_manifest
from catalog.memberships import add_member
from catalog.models.sources import Community
from crawlers.run import run_crawl
from crawlers.source_selection import select_sources
from ground.errors import MutualError
from ground.settings import Settings
from indexer.client import make_client
from indexer.names import IndexNames
from indexer.people_mapping import PeopleNames
from indexer.people_sync import sync_people
from indexer.sync import sync_index
from mutual.demo_people import load_demo_people
from mutual.local_site import LocalSite

DEMO_DIR = Path(__file__).resolve().parents[1] / "demo"
# Encrypts the demo's member-only credentials when no MUTUAL_CREDENTIALS_KEY is set. Being
# public, it protects nothing but the demo's own throw-away catalog (DATA_DIR/demo), whose
# credentials are themselves the demo site's published ones (demo/communities.toml).
DEMO_CREDENTIALS_KEY = "mutual-demo-key-protects-only-the-demo-catalog"
DEMO_MEMBER = "member@demo.mutual.test"  # .test: a name reserved for tests and examples


class DemoMissing(MutualError):
    """The demo folder is not beside the package (an installed wheel has no demo)."""


def demo_settings(settings: Settings) -> Settings:
    """The demo keeps to its own catalog and index, and may fetch from its loopback site."""
    return replace(
        settings,
        data_dir=str(Path(settings.data_dir) / "demo"),
        database_url="",
        index_prefix=f"{settings.index_prefix}-demo",
        crawl_allow_loopback=True,
        crawl_delay=0.0,
        credentials_key=settings.credentials_key or DEMO_CREDENTIALS_KEY,
    )


def read_demo_manifest(demo_dir: Path = DEMO_DIR) -> dict[str, Any]:
    """The parsed and checked `communities.toml` of `demo_dir` (a community manifest)."""
    manifest = demo_dir / "communities.toml"
    if not manifest.is_file():
        raise DemoMissing(f"{manifest} not found: run the demo from a checkout of Mutual")
    return read_manifest(manifest.read_text(encoding="utf-8"), str(manifest))


def configure_demo_site(site: LocalSite, demo_dir: Path = DEMO_DIR) -> None:
    """Give `site` the member-only areas and login forms the manifest's [site] table names,
    so that the demo's member-only sources have something to sign in to."""
    table = read_demo_manifest(demo_dir).get("site", {})
    for prefix, needed in table.get("gates", {}).items():
        site.gates[str(prefix)] = str(needed)
    for path, login in table.get("logins", {}).items():
        site.logins[str(path)] = (login["username"], login["password"], login["cookie"])


def load_demo_communities(
    session: Session, base_url: str, demo_dir: Path = DEMO_DIR, *, credentials_key: str = ""
) -> int:
    """Add the demo's communities and sources, pointing at `base_url`; returns the source count.

    `credentials_key` encrypts the credentials of member-only sources (see demo_settings).
    """
    report = import_manifest(
        session,
        read_demo_manifest(demo_dir),
        credentials_key=credentials_key,
        substitutions={"{base}": base_url},
    )
    return report.sources_added


def add_demo_member(session: Session) -> tuple[str, str]:
    """An account that belongs to every demo community, so a first look shows the member-only
    listings and "My communities" too; returns (e-mail, password). The password is drawn anew on
    each run: the demo may be served beyond this machine (MUTUAL_WEB_HOST)."""
    password = secrets.token_urlsafe(12)
    user = add_user(session, DEMO_MEMBER, password, display_name="Demo member")
    for community in session.scalars(select(Community)):
        add_member(session, user, community)
    return user.email, password


def reset_demo_index(client: Elasticsearch, names: IndexNames) -> None:
    """Drop the demo's indices so each demo starts from exactly what its site serves."""
    people = PeopleNames(names.prefix).pattern
    for pattern in (names.pattern, people):
        client.indices.delete(index=pattern, ignore_unavailable=True, allow_no_indices=True)


# Given how many sources the crawl fetches, what to call with each source's line as it is done.
CrawlProgress = Callable[[int], Callable[[str], None]]


def run_demo(
    settings: Settings,
    site_port: int,
    echo: Callable[[str], None],
    crawl_progress: CrawlProgress | None = None,
    today: date | None = None,
) -> tuple[LocalSite, bool]:
    """The demo's catalog made anew, its site started, crawled and indexed, saying each step
    with `echo` (and each source's line to `crawl_progress`'s callback, by default `echo`);
    returns the running site and whether every source and item made it. The site's dates are
    counted from `today` (by default the real date: jobs posted days ago, events ahead)."""
    _fresh_catalog(settings)
    site = LocalSite(DEMO_DIR / "site", port=site_port, today=today)
    configure_demo_site(site)  # the member-only areas and login form of the demo's sources
    base_url = site.start()
    echo(f"demo site serving the communities' feeds at {base_url}")
    sessions = session_factory(make_engine(settings.resolved_database_url))
    with transaction(sessions) as session:
        count = load_demo_communities(session, base_url, credentials_key=settings.credentials_key)
        member, password = add_demo_member(session)
        people = load_demo_people(session, DEMO_DIR / "rosters")
    echo(f"loaded {count} demo sources and {people} demo community members (all fictional)")
    sources = select_sources(settings, include_not_due=True)
    on_source = crawl_progress(len(sources)) if crawl_progress else echo
    report = run_crawl(settings, sources, on_source)
    echo(
        f"crawled: {report.items_new} items from {report.ok} sources ({report.failed} failed); "
        f"{report.items_merged} copies merged into an item another source posted"
    )
    client, names = make_client(settings), IndexNames(settings.index_prefix)
    reset_demo_index(client, names)
    sync = sync_index(client, sessions, settings)
    listed = sync_people(client, sessions, settings)
    echo(f"indexed {sync.indexed} items into {names.alias} and {listed.indexed} listed people")
    echo(
        f"sign in as {member} with the password {password} to see the member-only listings "
        "and My communities as a member of every demo community, and People: who works where"
    )
    return site, not (report.failed or sync.errors)


def _fresh_catalog(settings: Settings) -> None:
    """The demo's SQLite catalog, emptied and migrated: each run starts from the manifest."""
    db_file = Path(settings.data_dir) / "mutual.db"
    for path in (db_file, db_file.with_name("mutual.db-wal"), db_file.with_name("mutual.db-shm")):
        path.unlink(missing_ok=True)
    upgrade_schema(settings.resolved_database_url)
