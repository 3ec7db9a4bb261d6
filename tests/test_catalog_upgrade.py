"""An older catalog is refused with a clear message until `mutual init` migrates it, data kept."""

from alembic import command
from sqlalchemy import text

from catalog.db import alembic_config, make_engine
from ground.settings import Settings
from tests.helpers import run_mutual


def test_an_outdated_catalog_is_refused_then_migrated(settings: Settings) -> None:
    url = settings.resolved_database_url
    engine = make_engine(url)  # creates the data folder
    command.upgrade(alembic_config(url), "0001")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO communities (slug, name, description, homepage, created_at) "
                "VALUES ('old', 'Old Friends', '', '', '2026-01-01 00:00:00')"
            )
        )
    engine.dispose()

    refused = run_mutual(settings, "community", "list", check=False)
    assert refused.returncode == 1
    assert "is at schema revision 0001" in refused.stderr
    assert "run `mutual init` to migrate it" in refused.stderr

    run_mutual(settings, "init")
    assert "Old Friends" in run_mutual(settings, "community", "list").stdout


def test_the_upgrade_keys_the_items_already_in_the_catalog(settings: Settings) -> None:
    """Revision 0015 stores each item's organisation key: rows from before it get theirs."""
    url = settings.resolved_database_url
    engine = make_engine(url)
    command.upgrade(alembic_config(url), "0014")
    with engine.begin() as connection:
        for number, organisation in enumerate(("ACME Corporation", "The Acme Company", "")):
            connection.execute(
                text(
                    "INSERT INTO items (id, kind, title, summary, body, url, organisation, "
                    "location, status, tags, content_hash, first_seen, last_seen, changed_at, "
                    "change_seq) VALUES (:id, 'job', 'Analyst', '', '', :url, :organisation, '', "
                    "'active', '[]', 'h', '2026-01-01 00:00:00', '2026-01-01 00:00:00', "
                    "'2026-01-01 00:00:00', 1)"
                ),
                {
                    "id": f"{number:040d}",
                    "url": f"https://x.example/{number}",
                    "organisation": organisation,
                },
            )
    run_mutual(settings, "init")
    with engine.begin() as connection:
        keys = connection.execute(text("SELECT organisation_key FROM items ORDER BY id")).scalars()
        assert list(keys) == ["acme", "acme", ""]
    engine.dispose()
