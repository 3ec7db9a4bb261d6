"""The demo: communities from `demo/communities.toml`, served by a local site, fully offline."""

from __future__ import annotations

import tomllib
from dataclasses import replace
from pathlib import Path

from elasticsearch import Elasticsearch
from sqlalchemy.orm import Session

from catalog.communities import add_community
from catalog.sources import add_source
from indexer.names import IndexNames
from mutual.errors import MutualError
from mutual.settings import Settings

DEMO_DIR = Path(__file__).resolve().parents[1] / "demo"


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
    )


def load_demo_communities(session: Session, base_url: str, demo_dir: Path = DEMO_DIR) -> int:
    """Add the demo's communities and sources, pointing at `base_url`; returns the source count."""
    manifest = demo_dir / "communities.toml"
    if not manifest.is_file():
        raise DemoMissing(f"{manifest} not found: run the demo from a checkout of Mutual")
    data = tomllib.loads(manifest.read_text(encoding="utf-8"))
    count = 0
    for entry in data["communities"]:
        add_community(
            session,
            entry["name"],
            entry["slug"],
            entry.get("description", ""),
            entry.get("homepage", "").replace("{base}", base_url),
        )
        for src in entry.get("sources", []):
            add_source(
                session,
                entry["slug"],
                src["url"].replace("{base}", base_url),
                kind=src.get("kind", "feed"),
                item_kind=src.get("item_kind", "job"),
                access=src.get("access", "public"),
                title=src.get("title", ""),
            )
            count += 1
    return count


def reset_demo_index(client: Elasticsearch, names: IndexNames) -> None:
    """Drop the demo's indices so each demo starts from exactly what its site serves."""
    client.indices.delete(index=names.pattern, ignore_unavailable=True, allow_no_indices=True)
