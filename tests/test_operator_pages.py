"""The operator's views: crawl history recorded on real fetches from a local site, sources by
health, retry / pause / resume acting on the next real crawl, index sync lag, failed alert
deliveries; and nobody but the operator gets in."""

from __future__ import annotations

import shutil
from dataclasses import replace

from flask.testing import FlaskClient
from parsel import Selector
from werkzeug.test import TestResponse

from alerts.run import run_alerts
from catalog.accounts import add_user
from catalog.communities import add_community
from catalog.fetch_history import KEEP_PER_SOURCE, recent_attempts, record_attempt
from catalog.sources import add_source, get_source
from ground.settings import Settings
from mutual.local_site import LocalSite
from tests.alert_world import build_alert_world, job, webhook_receiver
from tests.helpers import catalog_session, run_mutual
from tests.web import PASSWORD, sign_in
from webapp import create_app

OPERATOR = "operator@example.org"
OUTSIDER = "outsider@example.org"
GONE = "/association/gone.rss"


def _world(settings: Settings, site: LocalSite) -> tuple[int, int]:
    """A healthy feed and one whose URL answers 404, plus the operator and an outsider;
    returns (healthy id, broken id)."""
    with catalog_session(settings) as session:
        add_community(session, "Society of Healthcare Accountants", slug="shca")
        healthy = add_source(session, "shca", f"{site.base_url}/alumni/jobs.atom", title="Jobs")
        broken = add_source(session, "shca", f"{site.base_url}{GONE}", title="Old careers")
        add_user(session, OPERATOR, PASSWORD, admin=True)
        add_user(session, OUTSIDER, PASSWORD)
        return healthy.id, broken.id


def _client(settings: Settings, email: str | None = OPERATOR) -> FlaskClient:
    client = create_app(settings, {"TESTING": True, "SECRET_KEY": "k"}).test_client()
    if email:
        assert sign_in(client, email).status_code == 302
    return client


def _page(client: FlaskClient, path: str) -> Selector:
    response = client.get(path)
    assert response.status_code == 200, response.status_code
    return Selector(text=response.get_data(as_text=True))


def _text(node: Selector, css: str) -> str:
    return " ".join(" ".join(node.css(f"{css} ::text").getall()).split())


def _press(client: FlaskClient, page: str, action: str) -> TestResponse:
    """Press the button whose form posts to `action` on `page`, sending the form's fields."""
    form = Selector(text=client.get(page).get_data(as_text=True)).css(f'form[action="{action}"]')
    assert form, f"no form posting to {action} on {page}"
    fields = form.css("input[type=hidden]")
    return client.post(action, data={f.attrib["name"]: f.attrib["value"] for f in fields})


def _fetches(site: LocalSite, path: str) -> int:
    return sum(1 for r in site.requests if r.path == path)


def test_each_fetch_is_recorded_in_the_crawl_history(catalog: Settings, site: LocalSite) -> None:
    healthy, broken = _world(catalog, site)
    run_mutual(catalog, "crawl", check=False)
    run_mutual(catalog, "crawl", "--all", check=False)  # the feed answers 304 this time
    with catalog_session(catalog) as session:
        good = recent_attempts(session, healthy)
        bad = recent_attempts(session, broken)
    assert [a.outcome for a in good] == ["not_modified", "ok"]
    assert [a.http_status for a in good] == [304, 200]
    assert (good[1].items_new, good[1].items_updated, good[1].items_unchanged) == (2, 0, 0)
    assert good[1].started_at <= good[1].finished_at and good[1].duration_ms >= 0
    assert [a.outcome for a in bad] == ["failed", "failed"]
    assert bad[0].http_status == 404 and "HTTP 404" in (bad[0].error or "")
    assert bad[0].items_new is None

    history = _page(_client(catalog), f"/operator/sources/{healthy}")
    rows = history.css("tr.attempt-row")
    assert [_text(r, "td.attempt-outcome") for r in rows] == ["not modified", "fetched"]
    assert [_text(r, "td.attempt-new") for r in rows] == ["\N{EN DASH}", "2"]
    assert _text(rows[1], "td.attempt-status") == "200"
    failed = _page(_client(catalog), f"/operator/sources/{broken}")
    assert "HTTP 404" in _text(failed, "tr.attempt-row td.attempt-error")


def test_the_history_keeps_the_newest_attempts_per_source(catalog: Settings) -> None:
    with catalog_session(catalog) as session:
        add_community(session, "Guild", slug="guild")
        one = add_source(session, "guild", "https://guild.example/a.rss").id
        other = add_source(session, "guild", "https://guild.example/b.rss").id
        record_attempt(session, other, "ok", http_status=200)
        for n in range(KEEP_PER_SOURCE + 5):
            record_attempt(session, one, "failed", error=f"attempt {n} " + "x" * 3000)
    with catalog_session(catalog) as session:
        kept = recent_attempts(session, one, limit=1000)
        assert len(kept) == KEEP_PER_SOURCE
        assert kept[0].error and kept[0].error.startswith(f"attempt {KEEP_PER_SOURCE + 4} ")
        assert kept[-1].error and kept[-1].error.startswith("attempt 5 ")
        assert len(kept[0].error) == 2000  # truncated
        assert len(recent_attempts(session, other)) == 1  # another source's history is its own


def test_overview_lists_failing_sources_first_with_their_error_and_the_sync_lag(
    catalog: Settings, site: LocalSite
) -> None:
    healthy, broken = _world(catalog, site)
    run_mutual(catalog, "crawl", check=False)
    page = _page(_client(catalog), "/operator")
    rows = page.css("table.operator-sources tbody tr")
    assert rows[0].attrib["id"] == f"source-{broken}"
    assert "health-failing" in rows[0].attrib["class"]
    assert _text(rows[0], "td.source-health") == "failed once"
    assert _text(rows[0], "td.source-failures") == "1"
    assert f"HTTP 404 from {site.base_url}{GONE}" in _text(rows[0], "td.source-error")
    assert rows[1].attrib["id"] == f"source-{healthy}"
    assert _text(rows[1], "td.source-health") == "OK"
    assert _text(page, "#sync-waiting") == "2 items changed"
    assert _text(page, "#sync-oldest") in ("just now", "1 min ago")
    assert _text(page, "#sync-last") == "never"

    run_mutual(catalog, "index")
    synced = _page(_client(catalog), "/operator")
    assert _text(synced, "#sync-waiting") == "0 items changed"
    assert _text(synced, "#sync-oldest") == "nothing waiting"
    assert _text(synced, "#sync-last") == "just now"
    assert _text(synced, "#no-failed-deliveries") == "No failed deliveries."


def test_retry_now_makes_a_backed_off_source_due_for_the_next_crawl(
    catalog: Settings, site: LocalSite
) -> None:
    _healthy, broken = _world(catalog, site)
    run_mutual(catalog, "crawl", check=False)
    shutil.copy(site.root / "association" / "careers.rss", site.root / GONE.lstrip("/"))
    assert "no sources are due" in run_mutual(catalog, "crawl").stdout  # backing off

    client = _client(catalog)
    retried = _press(client, "/operator", f"/operator/sources/{broken}/retry")
    assert retried.status_code == 302
    assert f"Source #{broken} is due now" in client.get("/operator").get_data(as_text=True)
    with catalog_session(catalog) as session:
        assert get_source(session, broken).error_count == 1  # its failures are kept
    assert "1 fetched" in run_mutual(catalog, "crawl").stdout
    assert _fetches(site, GONE) == 2

    history = _page(client, f"/operator/sources/{broken}")
    outcomes = [_text(r, "td.attempt-outcome") for r in history.css("tr.attempt-row")]
    assert outcomes == ["fetched", "failed"]
    assert _text(history, "#source-health") == "OK"


def test_pause_stops_fetching_and_resume_brings_the_source_back(
    catalog: Settings, site: LocalSite
) -> None:
    healthy, _broken = _world(catalog, site)
    client = _client(catalog)
    page = f"/operator/sources/{healthy}"
    assert _press(client, page, f"{page}/pause").status_code == 302
    assert _text(_page(client, page), "#source-health") == "paused"
    run_mutual(catalog, "crawl", "--all", check=False)
    assert _fetches(site, "/alumni/jobs.atom") == 0
    resumed = _press(client, page, f"{page}/resume")
    assert resumed.headers["Location"].endswith(page)  # back to the page the button was on
    run_mutual(catalog, "crawl", check=False)
    assert _fetches(site, "/alumni/jobs.atom") == 1


def test_failed_alert_deliveries_are_listed(catalog: Settings) -> None:
    world = build_alert_world(catalog)
    with catalog_session(catalog) as session:
        add_user(session, OPERATOR, PASSWORD, admin=True)
    with webhook_receiver() as receiver:
        receiver.status = 500
        world.save("controller", webhook=receiver.url)
        world.store("shca", job("Financial Controller"))
        run_alerts(replace(catalog, smtp_host=""))  # e-mail fails too: not configured
    page = _page(_client(catalog), "/operator")
    rows = {_text(r, "td.delivery-channel"): r for r in page.css("tr.delivery-row")}
    assert set(rows) == {"email", "webhook"}
    webhook = rows["webhook"]
    assert _text(webhook, "td.source-name") == "controller alice@example.org"
    assert _text(webhook, "td.delivery-attempts") == "1"
    assert "500" in _text(webhook, "td.source-error")
    assert webhook.css("td.delivery-next time::attr(datetime)").get()
    assert "set MUTUAL_SMTP_HOST" in _text(rows["email"], "td.source-error")


def test_only_the_operator_gets_in(catalog: Settings, site: LocalSite) -> None:
    healthy, _broken = _world(catalog, site)
    paths = ("/operator", f"/operator/sources/{healthy}")
    anonymous = _client(catalog, None)
    outsider = _client(catalog, OUTSIDER)
    for path in paths:
        sent = anonymous.get(path)
        assert sent.status_code == 302 and "/signin" in sent.headers["Location"]
        refused = outsider.get(path)
        assert refused.status_code == 403
        assert "Old careers" not in refused.get_data(as_text=True)
    home = outsider.get("/").get_data(as_text=True)
    assert 'id="operator-link"' not in home
    assert 'id="operator-link"' in _client(catalog).get("/").get_data(as_text=True)
    # The outsider's own valid form token does not make the action theirs.
    token = Selector(text=home).css("input[name=csrf_token]::attr(value)").get()
    pause = outsider.post(f"/operator/sources/{healthy}/pause", data={"csrf_token": token})
    assert pause.status_code == 403
    assert anonymous.post(f"/operator/sources/{healthy}/pause").status_code in (302, 400)
    with catalog_session(catalog) as session:
        assert not get_source(session, healthy).paused
