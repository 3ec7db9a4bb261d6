"""Static files: long-lived caching for versioned URLs, and a new URL when a file changes."""

from __future__ import annotations

import shutil
from pathlib import Path

from parsel import Selector

from ground.settings import Settings
from webapp import create_app

WEEK = 7 * 86400


def test_static_urls_carry_a_content_hash_and_are_cached_for_a_week(catalog: Settings) -> None:
    client = create_app(catalog, {"TESTING": True}).test_client()
    page = client.get("/sources").get_data(as_text=True)
    href = Selector(text=page).css("link[rel=stylesheet]::attr(href)").get() or ""
    assert href.startswith("/static/style.css?v=") and len(href.split("v=")[1]) == 12

    versioned = client.get(href)
    assert versioned.status_code == 200
    assert versioned.cache_control.public
    assert versioned.cache_control.max_age == WEEK
    assert "immutable" in versioned.headers["Cache-Control"]
    assert versioned.headers["ETag"]

    # Without the current version (an old page, a hand-typed URL) nothing is kept stale.
    for stale in ("/static/style.css", "/static/style.css?v=000000000000"):
        answer = client.get(stale)
        assert answer.status_code == 200
        assert answer.cache_control.no_cache and not answer.cache_control.max_age
        assert not answer.cache_control.public
    revalidated = client.get(
        "/static/style.css", headers={"If-None-Match": versioned.headers["ETag"]}
    )
    assert revalidated.status_code == 304


def test_a_changed_file_gets_a_new_url(catalog: Settings, tmp_path: Path) -> None:
    app = create_app(catalog, {"TESTING": True})
    static = tmp_path / "static"
    shutil.copytree(Path(app.static_folder or ""), static)
    app.static_folder = str(static)
    client = app.test_client()

    def stylesheet() -> str:
        page = client.get("/sources").get_data(as_text=True)
        return Selector(text=page).css("link[rel=stylesheet]::attr(href)").get() or ""

    before = stylesheet()
    with (static / "style.css").open("a", encoding="utf-8") as css:
        css.write("\n.new-deploy { color: red; }\n")
    after = stylesheet()
    assert before != after
    assert client.get(before).cache_control.no_cache  # the old version is no longer kept
    fresh = client.get(after)
    assert fresh.cache_control.max_age == WEEK
    assert b".new-deploy" in fresh.data
