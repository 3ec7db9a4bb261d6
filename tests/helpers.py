"""Shared helpers for tests: run the real `mutual` command with a test's settings, open its
catalog."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from elasticsearch import Elasticsearch
from sqlalchemy.orm import Session

from catalog.db import make_engine, session_factory, transaction
from ground.settings import ENV_PREFIX, Settings, load_settings, settings_environ

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "test-artifacts"  # screenshots the browser tests keep


def isolated_settings(root: Path, es_url: str, database_url: str = "") -> Settings:
    """Settings of a test's own catalog (SQLite under `root` unless `database_url` names one),
    data dir and index prefix, crawling the local sites at once."""
    overrides: dict[str, object] = {
        "database_url": database_url,
        "data_dir": str(root / "var"),
        "es_hosts": es_url,
        "index_prefix": f"t-{uuid.uuid4().hex[:10]}",
        "crawl_allow_loopback": True,
        "crawl_delay": 0.0,
        "crawl_timeout": 15,
    }
    return load_settings(environ={}, overrides=overrides)


def remove_indices(es_url: str, prefix: str) -> None:
    """Delete the indices and index templates named with a test's index prefix."""
    cleanup = Elasticsearch(es_url, request_timeout=30)
    try:
        cleanup.indices.delete(index=f"{prefix}-*", ignore_unavailable=True, allow_no_indices=True)
        cleanup.options(ignore_status=404).indices.delete_index_template(name=f"{prefix}-*")
    finally:
        cleanup.close()


def settings_env(settings: Settings) -> dict[str, str]:
    """The environment that makes a `mutual` process use exactly `settings`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(ENV_PREFIX)}
    return env | settings_environ(settings)


@contextmanager
def catalog_session(settings: Settings) -> Iterator[Session]:
    """A session on the test's catalog, committed when the block ends (its engine then closed)."""
    engine = make_engine(settings.resolved_database_url)
    try:
        with transaction(session_factory(engine)) as session:
            yield session
    finally:
        engine.dispose()


def es_script(action: str) -> subprocess.CompletedProcess[str]:
    """scripts/elasticsearch.sh ACTION on the test node."""
    return subprocess.run(
        ["bash", str(REPO / "scripts" / "elasticsearch.sh"), action],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def run_mutual(
    settings: Settings,
    *args: str,
    check: bool = True,
    timeout: float = 180,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run `mutual ARGS...` in a fresh process, as a user would (`env` added to its settings)."""
    result = subprocess.run(
        [sys.executable, "-m", "mutual", *args],
        env={**settings_env(settings), **(env or {})},
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if check and result.returncode != 0:
        raise AssertionError(
            f"mutual {' '.join(args)} exited {result.returncode}\n"
            f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
        )
    return result


def make_catalog_items(settings: Settings, count: int, start: int = 0) -> list[str]:
    """Insert `count` job items carried by one public source, quickly, in one change.

    Straight SQL inserts of what the crawler pipeline would write, for tests that need a large
    catalog (crawling thousands of local pages would only make them slow).
    """
    from sqlalchemy import insert, select

    from catalog.db import make_engine, session_factory, transaction
    from catalog.models.base import utcnow
    from catalog.models.items import Item, Sighting
    from catalog.models.sources import Community, Source
    from catalog.sequences import next_value

    engine = make_engine(settings.resolved_database_url)
    sessions = session_factory(engine)
    now = utcnow()
    with transaction(sessions) as session:
        source_id = session.scalar(select(Source.id).order_by(Source.id).limit(1))
        if source_id is None:
            community = Community(slug="bulk", name="Bulk Community")
            session.add(community)
            session.flush()
            source = Source(community_id=community.id, url="https://bulk.example/feed.rss")
            session.add(source)
            session.flush()
            source_id = source.id
        seq = next_value(session)
        ids = [f"{n:040d}" for n in range(start, start + count)]
        rows = [
            {
                "id": item_id,
                "kind": "job",
                "title": f"Financial Analyst {n}",
                "summary": "Forecasting and variance analysis.",
                "body": "<p>Forecasting.</p>",
                "url": f"https://bulk.example/jobs/{n}",
                "organisation": f"Company {n % 50}",
                "location": "Remote",
                "status": "active",
                "tags": [],
                "details": {},
                "content_hash": item_id,
                "first_seen": now,
                "last_seen": now,
                "changed_at": now,
                "change_seq": seq,
                "content_source_id": source_id,
            }
            for n, item_id in zip(range(start, start + count), ids, strict=True)
        ]
        session.execute(insert(Item), rows)
        session.execute(
            insert(Sighting),
            [
                {"item_id": i, "source_id": source_id, "first_seen": now, "last_seen": now}
                for i in ids
            ],
        )
    engine.dispose()
    return ids
