"""The mail server refusing in the middle of a digest run: the alert pass says so and exits 3,
and once the server takes mail again the next pass sends each digest it owes exactly once."""

from __future__ import annotations

import time
from datetime import timedelta
from email.header import decode_header, make_header

import pytest

from catalog.db import transaction
from catalog.models.base import utcnow
from catalog.models.saved_searches import SavedSearch
from ground import exits
from ground.settings import Settings
from tests.alert_world import build_alert_world, job, mail_settings
from tests.fault_world import refusing_smtp_server
from tests.helpers import run_mutual

SEARCHES = ("controller", "auditor", "treasurer", "bookkeeper", "actuary")
ACCEPTED_FIRST = 2
RETRY = {"MUTUAL_ALERTS_RETRY_SECONDS": "1"}


@pytest.mark.parametrize(
    "refusal",
    ["451 4.3.0 Mail server busy, try again later", "421 4.3.2 Service shutting down"],
    ids=["busy", "closing"],
)
def test_a_mail_server_refusing_mid_digest_loses_and_doubles_nothing(
    catalog: Settings, refusal: str
) -> None:
    world = build_alert_world(catalog)
    due = utcnow() - timedelta(minutes=1)
    for name in SEARCHES:
        saved_id = world.save(name, frequency="daily")
        with transaction(world.sessions) as session:
            saved = session.get(SavedSearch, saved_id)
            assert saved is not None
            saved.next_digest_at = due  # its day has come: one digest each in this pass
    world.store("shca", *(job(f"Senior {name.title()}", name) for name in SEARCHES))

    with refusing_smtp_server(ACCEPTED_FIRST, refusal) as mailbox:
        settings = mail_settings(catalog, mailbox)
        first = run_mutual(settings, "alerts", "run", check=False, env=RETRY)
        assert first.returncode == exits.PARTIAL, first.stderr
        assert "Traceback" not in first.stderr
        failed = [line for line in first.stderr.splitlines() if line.startswith("failed:")]
        assert len(failed) == len(SEARCHES) - ACCEPTED_FIRST, first.stderr
        assert all("could not send mail through 127.0.0.1" in line for line in failed)
        assert all(f"the server answered {refusal}" in line for line in failed), failed
        assert f"{ACCEPTED_FIRST} e-mails sent" in first.stdout
        assert len(mailbox.messages) == ACCEPTED_FIRST

        mailbox.recover()
        time.sleep(1.2)  # the failed digests' retry is due after MUTUAL_ALERTS_RETRY_SECONDS
        second = run_mutual(settings, "alerts", "run", env=RETRY)
        assert f"{len(SEARCHES) - ACCEPTED_FIRST} e-mails sent" in second.stdout
        third = run_mutual(settings, "alerts", "run", env=RETRY)
        assert "0 e-mails sent" in third.stdout

        subjects = [str(make_header(decode_header(m["Subject"]))) for m in mailbox.messages]
        assert len(subjects) == len(SEARCHES), subjects
        for name in SEARCHES:
            assert sum(name in s.lower() for s in subjects) == 1, (name, subjects)
        assert len({m["Message-ID"] for m in mailbox.messages}) == len(SEARCHES)
