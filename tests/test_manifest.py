"""Community manifests and OPML: exported from one instance, imported into a fresh one."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

from catalog.db import upgrade_schema
from ground.settings import Settings
from tests.helpers import run_mutual

KEY = "manifest-test-key-" + "k" * 24
SECRET = "correct horse battery"


def _fresh_instance(settings: Settings, tmp_path: Path) -> Settings:
    """Another Mutual with its own empty SQLite catalog."""
    fresh = replace(settings, data_dir=str(tmp_path / "fresh"), database_url="")
    upgrade_schema(fresh.resolved_database_url)
    return fresh


def _sources(settings: Settings) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = json.loads(run_mutual(settings, "source", "list", "--json").stdout)
    return rows


def _add_example_community(settings: Settings) -> None:
    run_mutual(
        settings,
        "community",
        "add",
        "Bay Area Finance Leaders",
        "--slug",
        "bay-finance",
        "--description",
        "Finance executives",
        "--homepage",
        "https://bafl.example.org/",
    )
    add = ("source", "add", "bay-finance")
    run_mutual(
        settings,
        *add,
        "https://bafl.example.org/careers.rss",
        "--kind",
        "feed",
        "--title",
        "Career centre",
    )
    run_mutual(
        settings,
        *add,
        "https://bafl.example.org/jobs",
        "--kind",
        "html",
        "--option",
        "item=div.job",
        "--option",
        "title=h3",
        "--option",
        "link=h3 a",
    )
    run_mutual(
        settings,
        *add,
        "https://bafl.example.org/events.ics",
        "--kind",
        "calendar",
        "--item-kind",
        "event",
    )
    run_mutual(
        settings,
        *add,
        "https://bafl.example.org/members/jobs.rss",
        "--kind",
        "feed",
        "--auth",
        "basic",
        "--username",
        "treasurer",
        env={"MUTUAL_SOURCE_SECRET": SECRET},
    )


def test_an_exported_community_is_reproduced_in_a_fresh_instance(
    catalog: Settings, tmp_path: Path
) -> None:
    origin = replace(catalog, credentials_key=KEY)
    _add_example_community(origin)
    manifest = tmp_path / "bay-finance.toml"
    public_only = run_mutual(origin, "community", "export", "bay-finance").stdout
    assert "members/jobs.rss" not in public_only and "careers.rss" in public_only
    run_mutual(
        origin, "community", "export", "bay-finance", "--include-member-sources",
        "-o", str(manifest),
    )  # fmt: skip
    text = manifest.read_text()
    assert SECRET not in text
    assert 'username = "treasurer"' in text  # what is not secret travels

    fresh = replace(_fresh_instance(catalog, tmp_path), credentials_key=KEY)
    imported = run_mutual(fresh, "community", "import", str(manifest))
    assert "sources: 4 added" in imported.stdout
    assert (
        "source #4" in imported.stdout and "paused until `mutual source auth 4" in imported.stdout
    )
    assert "--username treasurer" in imported.stdout

    def comparable(rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
        keys = ("community", "title", "kind", "item_kind", "url", "access", "auth", "options")
        return [tuple(json.dumps(row[k], sort_keys=True) for k in keys) for row in rows]

    assert comparable(_sources(fresh)) == comparable(_sources(origin))
    assert [r["health"] for r in _sources(fresh)] == ["never fetched"] * 3 + ["paused"]

    run_mutual(
        fresh,
        "source",
        "auth",
        "4",
        "--auth",
        "basic",
        "--username",
        "treasurer",
        env={"MUTUAL_SOURCE_SECRET": SECRET},
    )
    assert _sources(fresh)[3]["health"] == "never fetched"

    again = run_mutual(fresh, "community", "import", str(manifest))
    assert (
        "communities: 0 added, 1 already there; sources: 0 added, 4 already there" in again.stdout
    )


def test_a_manifest_with_an_unknown_key_is_refused_whole(catalog: Settings, tmp_path: Path) -> None:
    manifest = tmp_path / "typo.toml"
    manifest.write_text(
        '[[communities]]\nslug = "c"\nname = "C"\n'
        '[[communities.sources]]\nurl = "https://c.example/feed"\nkindd = "feed"\n'
    )
    result = run_mutual(catalog, "community", "import", str(manifest), check=False)
    assert result.returncode == 1
    assert "unknown key 'kindd'" in result.stderr and "source 1" in result.stderr
    assert json.loads(run_mutual(catalog, "community", "list", "--json").stdout) == []


def test_a_manifest_source_on_a_private_address_is_refused(
    catalog: Settings, tmp_path: Path
) -> None:
    manifest = tmp_path / "ssrf.toml"
    manifest.write_text(
        '[[communities]]\nslug = "c"\nname = "C"\n'
        '[[communities.sources]]\nurl = "http://169.254.169.254/latest/meta-data"\n'
    )
    result = run_mutual(catalog, "community", "import", str(manifest), check=False)
    assert result.returncode == 1
    assert "169.254.169.254" in result.stderr
    assert json.loads(run_mutual(catalog, "community", "list", "--json").stdout) == []


def test_opml_round_trip_shares_public_feeds_only(catalog: Settings, tmp_path: Path) -> None:
    origin = replace(catalog, credentials_key=KEY)
    _add_example_community(origin)
    opml = tmp_path / "feeds.opml"
    run_mutual(origin, "community", "export", "bay-finance", "--opml", "-o", str(opml))
    text = opml.read_text()
    assert "careers.rss" in text and "events.ics" in text
    assert "members/jobs.rss" not in text and '/jobs"' not in text

    run_mutual(origin, "community", "add", "Lakeshore Alumni", "--slug", "alumni")
    first = run_mutual(origin, "community", "import", str(opml), "--opml", "alumni")
    assert "alumni: 2 feeds added, 0 already there" in first.stdout
    second = run_mutual(origin, "community", "import", str(opml), "--opml", "alumni")
    assert "alumni: 0 feeds added, 2 already there" in second.stdout


def test_hostile_opml_reads_no_local_file_and_keeps_only_web_feeds(
    catalog: Settings, tmp_path: Path
) -> None:
    secret_file = tmp_path / "secret.txt"
    secret_file.write_text("TOP-SECRET-TOKEN")
    opml = tmp_path / "hostile.opml"
    opml.write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE opml [<!ENTITY x SYSTEM "file://{secret_file}">]>\n'
        '<opml version="2.0"><head><title>&x;</title></head><body>\n'
        '<outline type="rss" text="&x;" xmlUrl="https://ok.example/&x;feed.xml"/>\n'
        '<outline type="rss" text="bad" xmlUrl="javascript:alert(1)"/>\n'
        '<outline type="rss" text="file" xmlUrl="file:///etc/passwd"/>\n'
        '<outline type="rss" text="good" xmlUrl="https://ok.example/jobs.xml"/>\n'
        "</body></opml>\n"
    )
    run_mutual(catalog, "community", "add", "C", "--slug", "c")
    run_mutual(catalog, "community", "import", str(opml), "--opml", "c")
    rows = _sources(catalog)
    assert "https://ok.example/jobs.xml" in [r["url"] for r in rows]
    assert all(r["url"].startswith("https://ok.example/") for r in rows)
    assert "TOP-SECRET-TOKEN" not in json.dumps(rows)
