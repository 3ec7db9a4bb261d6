"""Connecting to the catalog database and bringing its schema up to date."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.orm import Session, sessionmaker

from ground.errors import MutualError

MIGRATIONS = Path(__file__).parent / "migrations"


class CatalogNotInitialised(MutualError):
    """The catalog has no tables yet: `mutual init` was not run."""


def make_engine(url: str) -> Engine:
    """An engine for the catalog; SQLite files get their folder, WAL and a busy timeout."""
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    # A pooled connection is checked before use, so one left dead by a database restart that
    # is over is replaced instead of failing the next statement.
    engine = create_engine(url, future=True, pool_pre_ping=not url.startswith("sqlite"))
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets the web app read while a crawl writes; the timeout makes writers wait, not fail.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session that commits when the block ends normally and rolls back otherwise."""
    with factory() as session, session.begin():
        yield session


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade_schema(url: str) -> None:
    """Create or migrate the catalog's tables to the newest revision."""
    make_engine(url).dispose()  # creates the SQLite folder
    command.upgrade(alembic_config(url), "head")


class CatalogOutdated(MutualError):
    """The catalog's schema is older than this version of Mutual needs."""


def require_schema(engine: Engine) -> None:
    """Refuse to work on a catalog that is missing or not migrated to this version's schema."""
    where = engine.url.render_as_string(hide_password=True)
    if not inspect(engine).has_table("alembic_version"):
        raise CatalogNotInitialised(
            f"the catalog at {where} has no tables; run `mutual init` first"
        )
    head = ScriptDirectory.from_config(alembic_config(str(engine.url))).get_current_head()
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    if current != head:
        raise CatalogOutdated(
            f"the catalog at {where} is at schema revision {current}, this version of Mutual "
            f"needs {head}: run `mutual init` to migrate it"
        )
