"""Fixtures: a real Elasticsearch (started by scripts/elasticsearch.sh), a fresh catalog and index
per test, and local web sites on 127.0.0.1 serving fixture feeds."""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch
from playwright.sync_api import Browser, sync_playwright

from catalog.db import upgrade_schema
from ground.settings import Settings
from mutual.local_site import LocalSite
from tests.helpers import REPO, isolated_settings, remove_indices

FIXTURES = Path(__file__).parent / "fixtures"
ES_SCRIPT = REPO / "scripts" / "elasticsearch.sh"
CHROMIUM = os.environ.get("MUTUAL_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def es_port() -> str:
    return os.environ.get("MUTUAL_ES_PORT", "9200")


@pytest.fixture(scope="session")
def es_url() -> str:
    """The test node's URL. Starts it with the project's script if it is not running;
    a test that needs Elasticsearch fails (never skips) when it cannot be had."""
    result = subprocess.run(
        ["bash", str(ES_SCRIPT), "start"], capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        pytest.fail(f"could not start Elasticsearch:\n{result.stderr}", pytrace=False)
    return f"http://127.0.0.1:{es_port()}"


@pytest.fixture
def es_client(es_url: str) -> Iterator[Elasticsearch]:
    client = Elasticsearch(es_url, request_timeout=30)
    yield client
    client.close()


@contextmanager
def _fresh_database() -> Iterator[str]:
    """Empty (a SQLite file in the data dir), or, when MUTUAL_TEST_PG_URL names a PostgreSQL
    server (scripts/test.sh's second run), a fresh database on it, dropped afterwards."""
    server = os.environ.get("MUTUAL_TEST_PG_URL")
    if not server:
        yield ""
        return
    import psycopg
    from sqlalchemy.engine import make_url

    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = make_url(server).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def database_url() -> Iterator[str]:
    """The catalog database of one test (see `_fresh_database`)."""
    with _fresh_database() as url:
        yield url


@pytest.fixture(scope="module")
def module_database_url() -> Iterator[str]:
    """`database_url` for a world built once per module (tests/leak_world.py)."""
    with _fresh_database() as url:
        yield url


@pytest.fixture
def settings(tmp_path: Path, es_url: str, database_url: str) -> Iterator[Settings]:
    """Settings for one test: its own catalog and its own index prefix."""
    test_settings = isolated_settings(tmp_path, es_url, database_url)
    yield test_settings
    try:
        remove_indices(es_url, test_settings.index_prefix)
    except Exception as exc:  # a test that stopped the node must not fail in teardown
        print(f"cleanup of {test_settings.index_prefix} skipped: {exc}")


@pytest.fixture
def catalog(settings: Settings) -> Settings:
    """`settings` with the catalog created, as `mutual init` does."""
    upgrade_schema(settings.resolved_database_url)
    return settings


@pytest.fixture
def site(tmp_path: Path) -> Iterator[LocalSite]:
    """A local site serving a copy of tests/fixtures, which a test may change between crawls."""
    root = tmp_path / "site"
    shutil.copytree(FIXTURES, root)
    local = LocalSite(root)
    local.start()
    yield local
    local.stop()


@pytest.fixture
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} missing: run scripts/test.sh, which installs Debian's chromium")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests that stop and restart the shared node run last, so they delay nobody else.

    In the PostgreSQL run (MUTUAL_TEST_PG_URL set), only tests that use a catalog run: pure
    parser tests and the demo (which always keeps its own SQLite catalog) proved themselves in
    the SQLite run and would prove nothing more. Tests marked `postgres_only` run only there.
    """
    items.sort(key=lambda item: item.get_closest_marker("restarts_elasticsearch") is not None)
    on_postgres = bool(os.environ.get("MUTUAL_TEST_PG_URL"))
    keep = _uses_the_catalog_database if on_postgres else _not_postgres_only
    skipped = [item for item in items if not keep(item)]
    if skipped:
        config.hook.pytest_deselected(items=skipped)
        items[:] = [item for item in items if keep(item)]


def _not_postgres_only(item: pytest.Item) -> bool:
    """Slow tests whose point does not depend on the database run once, in the PostgreSQL run
    (the production catalog); the SQLite run leaves them out."""
    return item.get_closest_marker("postgres_only") is None


def _uses_the_catalog_database(item: pytest.Item) -> bool:
    names = getattr(item, "fixturenames", ())
    uses = "database_url" in names or "module_database_url" in names
    return uses and item.get_closest_marker("sqlite_only") is None
