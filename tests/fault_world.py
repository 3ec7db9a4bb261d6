"""What the fault tests share: a throwaway PostgreSQL server of their own (restarting the shared
one would break the tests running beside them), job feeds on a local site, a `mutual` command
whose progress lines are read while it runs, and what the catalog holds afterwards."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope
from aiosmtpd.smtp import Session as SMTPSession
from sqlalchemy import func, select

from catalog.communities import add_community
from catalog.db import make_engine, session_factory, transaction, upgrade_schema
from catalog.fetch_history import OK
from catalog.models.items import Item, Sighting
from catalog.models.sources import FetchAttempt
from catalog.sources import add_source
from ground.settings import Settings
from mutual.local_site import LocalSite
from tests.helpers import REPO, settings_env
from tests.web import Mailbox, free_port

ACKNOWLEDGED = re.compile(r"source #(\d+): (\d+) items \(")


@dataclass
class Postgres:
    """A PostgreSQL server started by scripts/postgres.sh on a port and folder of its own."""

    port: int
    state: Path

    def _script(self, action: str) -> None:
        env = os.environ | {"MUTUAL_PG_PORT": str(self.port), "MUTUAL_PG_STATE": str(self.state)}
        script = str(REPO / "scripts" / "postgres.sh")
        done = subprocess.run(
            ["bash", script, action],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, f"postgres.sh {action}: {done.stderr}"

    def start(self) -> None:
        self._script("start")

    def stop(self) -> None:
        self._script("stop")

    def new_database(self) -> str:
        import psycopg

        name = f"f_{uuid.uuid4().hex[:12]}"
        admin = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{name}"


@contextmanager
def throwaway_postgres() -> Iterator[Postgres]:
    state = Path(tempfile.mkdtemp(prefix="mutual-fault-pg-", dir="/var/tmp"))
    state.chmod(0o755)
    server = Postgres(free_port(), state)
    server.start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(state, ignore_errors=True)


def feed_xml(source: int, items: int) -> str:
    entries = "".join(
        f"<item><title>Fault Analyst {source}-{n}</title>"
        f"<link>{{{{BASE}}}}/jobs/fault-{source}-{n}</link>"
        f"<guid>fault-{source}-{n}</guid>"
        "<pubDate>Mon, 23 Nov 2026 15:40:00 +0000</pubDate>"
        "<description>Budgets and forecasts.</description></item>"
        for n in range(items)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>Fault board {source}</title><link>{{{{BASE}}}}</link>{entries}</channel></rss>"
    )


def add_feed_sources(settings: Settings, site: LocalSite, sources: int, items: int) -> list[int]:
    """`sources` job feeds of `items` items each on `site`, registered in one community."""
    folder = site.root / "faults"
    folder.mkdir(exist_ok=True)
    engine = make_engine(settings.resolved_database_url)
    ids = []
    with transaction(session_factory(engine)) as session:
        add_community(session, "Fault Network", slug="faults")
        for n in range(sources):
            (folder / f"board-{n}.rss").write_text(feed_xml(n, items))
            source = add_source(session, "faults", f"{site.base_url}/faults/board-{n}.rss")
            session.flush()
            ids.append(source.id)
    engine.dispose()
    return ids


@dataclass
class Running:
    """A `mutual` command running, its stderr read line by line as it comes."""

    process: subprocess.Popen[str]
    lines: list[str] = field(default_factory=list)
    stdout: str = ""
    reader: threading.Thread | None = None

    def acknowledged(self) -> dict[int, int]:
        """Source id -> items, for every source the command said it stored."""
        found = (ACKNOWLEDGED.search(line) for line in list(self.lines))
        return {int(m[1]): int(m[2]) for m in found if m}

    def wait_for(self, condition: Callable[[Running], bool], seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while not condition(self):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError("the command ended first:\n" + "".join(self.lines))
            time.sleep(0.05)

    def finish(self, seconds: float = 120) -> tuple[int, str]:
        """Exit code and all of stderr, once it has ended."""
        self.stdout = self.process.stdout.read() if self.process.stdout else ""
        code = self.process.wait(timeout=seconds)
        if self.reader is not None:
            self.reader.join(timeout=10)
        return code, "".join(self.lines)


def start_mutual(settings: Settings, *args: str, env: dict[str, str] | None = None) -> Running:
    process = subprocess.Popen(
        [sys.executable, "-m", "mutual", *args],
        env=settings_env(settings) | (env or {}),
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    running = Running(process)

    def read() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            running.lines.append(line)

    running.reader = threading.Thread(target=read, daemon=True)
    running.reader.start()
    return running


@dataclass(frozen=True)
class Stored:
    items: int
    distinct_urls: int
    per_source: dict[int, int]
    fetches_ok: dict[int, int]


def stored(settings: Settings) -> Stored:
    """What the catalog holds: items, their distinct URLs, items and good fetches per source."""
    engine = make_engine(settings.resolved_database_url)
    try:
        with transaction(session_factory(engine)) as session:
            items = session.scalar(select(func.count()).select_from(Item)) or 0
            urls = session.scalar(select(func.count(func.distinct(Item.url)))) or 0
            per = session.execute(
                select(Sighting.source_id, func.count()).group_by(Sighting.source_id)
            )
            fetches = session.execute(
                select(FetchAttempt.source_id, func.count())
                .where(FetchAttempt.outcome == OK)
                .group_by(FetchAttempt.source_id)
            )
            return Stored(items, urls, {s: n for s, n in per}, {s: n for s, n in fetches})
    finally:
        engine.dispose()


def on_postgres(settings: Settings, server: Postgres) -> Settings:
    """`settings` with a fresh catalog database on `server`, migrated."""
    from dataclasses import replace

    moved = replace(settings, database_url=server.new_database())
    upgrade_schema(moved.resolved_database_url)
    return moved


@dataclass
class RefusingMailbox(Mailbox):
    """A mail server that takes the first `accept` messages, then answers `refusal` to each
    until `recover()`."""

    accept: int = 0
    refusal: str = "451 4.3.0 Mail server busy, try again later"
    refused: int = 0

    async def handle_DATA(self, server: SMTP, session: SMTPSession, envelope: Envelope) -> str:  # noqa: N802 - aiosmtpd's hook name
        if len(self.messages) >= self.accept:
            self.refused += 1
            return self.refusal
        return await super().handle_DATA(server, session, envelope)

    def recover(self) -> None:
        self.accept = 1_000_000


@contextmanager
def refusing_smtp_server(accept: int, refusal: str) -> Iterator[RefusingMailbox]:
    mailbox = RefusingMailbox(port=free_port(), accept=accept, refusal=refusal)
    controller = Controller(mailbox, hostname="127.0.0.1", port=mailbox.port)
    controller.start()
    try:
        yield mailbox
    finally:
        controller.stop()


@dataclass
class HoldingMailbox(Mailbox):
    """A mail server that keeps message number `hold_at` (from 0) waiting until `let_go()`,
    then takes it, or answers `answer` when one is given."""

    hold_at: int = 0
    holding: threading.Event = field(default_factory=threading.Event)
    released: threading.Event = field(default_factory=threading.Event)
    answer: str = ""

    async def handle_DATA(self, server: SMTP, session: SMTPSession, envelope: Envelope) -> str:  # noqa: N802 - aiosmtpd's hook name
        if len(self.messages) == self.hold_at and not self.released.is_set():
            self.holding.set()
            while not self.released.is_set():
                await asyncio.sleep(0.05)
            if self.answer:
                return self.answer
        return await super().handle_DATA(server, session, envelope)

    def let_go(self, answer: str = "") -> None:
        self.answer = answer
        self.released.set()


@contextmanager
def holding_smtp_server(hold_at: int) -> Iterator[HoldingMailbox]:
    mailbox = HoldingMailbox(port=free_port(), hold_at=hold_at)
    controller = Controller(mailbox, hostname="127.0.0.1", port=mailbox.port)
    controller.start()
    try:
        yield mailbox
    finally:
        mailbox.released.set()
        controller.stop()
