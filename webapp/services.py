"""What request handlers need, built once per app by the factory (never module-level)."""

from __future__ import annotations

from dataclasses import dataclass

from elasticsearch import Elasticsearch
from flask import current_app
from sqlalchemy.engine import Engine

from ground.settings import Settings
from indexer.names import IndexNames


@dataclass(frozen=True)
class Services:
    settings: Settings
    search_client: Elasticsearch
    index_names: IndexNames
    # The catalog's engine: one pool for every request; it connects on first use only.
    catalog: Engine


def services() -> Services:
    """The current app's services."""
    result: Services = current_app.extensions["mutual"]
    return result
